// Opens the session once per request and writes the cookie once on the way out, so loaders,
// actions and requireUser only change the session and never juggle Set-Cookie themselves.
import type { MiddlewareFunction } from "react-router";
import { isSignedWithOlderSecret, sessionContext, sessionStorage, type SessionState } from "./session.server";

export const sessionMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
  const cookieHeader = request.headers.get("Cookie");
  const session = await sessionStorage.getSession(cookieHeader);
  const state: SessionState = { session, changed: false };
  // A cookie signed with a retired secret is re-signed with the current one on this response.
  if (session.has("tokens") && (await isSignedWithOlderSecret(cookieHeader))) state.changed = true;
  context.set(sessionContext, state);

  const response = await next();

  if (state.changed) {
    response.headers.append("Set-Cookie", await sessionStorage.commitSession(session));
  }
  return response;
};
