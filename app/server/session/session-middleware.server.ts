// Opens the session once per request and writes the cookie once on the way out, so loaders,
// actions and requireUser only change the session and never juggle Set-Cookie themselves.
import type { MiddlewareFunction } from "react-router";
import { clientIp } from "../http/client-ip.server";
import { config } from "../config.server";
import { isSignedWithOlderSecret, sessionContext, sessionStorage, type SessionState } from "./session.server";
import { rememberDevice } from "./device-cookie.server";
import { stepCookieExpiry } from "./steps.server";
import { renewSession } from "./tokens.server";

export const sessionMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
  const cookieHeader = request.headers.get("Cookie");
  const session = await sessionStorage.getSession(cookieHeader);
  const state: SessionState = { session, changed: false };
  // A cookie sealed with a retired secret is sealed again with the current one on this response.
  if (session.has("tokens") && (await isSignedWithOlderSecret(cookieHeader))) state.changed = true;
  context.set(sessionContext, state);

  const response = await next();

  if (state.changed && (await holdsNewestTokens(state, clientIp(request)))) {
    const startedAt = session.get("startedAt");
    // The cookie ends with the session's absolute lifetime, however often it is rewritten; before
    // login, with the step it holds.
    const expires = typeof startedAt === "number" ? new Date(startedAt + config.sessionMaxAgeSeconds * 1000) : stepCookieExpiry(session);
    // Max-Age as well: browsers let it win over Expires, and the cookie's default is the full SESSION_MAX_AGE.
    const lifetime = expires ? { expires, maxAge: Math.max(0, Math.ceil((expires.getTime() - Date.now()) / 1000)) } : {};
    response.headers.append("Set-Cookie", await sessionStorage.commitSession(session, lifetime));
  }
  // Signed in (or unlocked) here: the browser is a known device for that account from now on.
  if (state.knownDeviceFor) response.headers.append("Set-Cookie", await rememberDevice(cookieHeader, state.knownDeviceFor));
  return response;
};

/**
 * A response must never hand the browser a session older than one it already has. This request
 * writes back the token it was sent; if that token has meanwhile come due for renewal, another
 * request (maybe on another app instance) may already have renewed it, so renew it here too:
 * Directus answers with the same next session within its grace period. If Directus cannot say,
 * nothing is written and the browser keeps whatever cookie it has.
 */
async function holdsNewestTokens(state: SessionState, ip: string | null): Promise<boolean> {
  const tokens = state.session.get("tokens");
  if (!tokens || state.tokensReplaced || Date.now() < tokens.renewAt) return true;
  try {
    state.session.set("tokens", await renewSession(tokens.accessToken, ip));
    return true;
  } catch {
    return false;
  }
}
