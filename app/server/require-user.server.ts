// The guard every protected loader and action calls first.
import { data, redirect, type RouterContextProvider } from "react-router";
import { config } from "./config.server";
import { classifyDirectusError } from "./directus-errors.server";
import { directusClient, type Directus } from "./directus.server";
import { getSessionState, signOut, type SessionState, type SessionUser } from "./session.server";
import { refreshTokens } from "./tokens.server";

type GuardArgs = { request: Request; context: Readonly<RouterContextProvider> };

export type SignedIn = {
  user: SessionUser;
  /** A client bound to this request's access token, and to nothing else. */
  directus: Directus;
  session: SessionState;
};

export const SESSION_ENDED_MESSAGE = "Your session has ended. Please log in again.";

export function loginRedirect(request: Request) {
  const url = new URL(request.url);
  return redirect(`/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
}

/**
 * Returns the signed-in user and a Directus client for them, refreshing the access token first
 * when it has expired or is about to. Throws a redirect to /login when there is no usable session.
 */
export async function requireUser({ request, context }: GuardArgs): Promise<SignedIn> {
  const state = getSessionState(context);
  let tokens = state.session.get("tokens");
  const user = state.session.get("user");
  if (!tokens || !user) throw loginRedirect(request);

  if (tokens.expiresAt - Date.now() <= config.refreshMarginMs) {
    try {
      tokens = await refreshTokens(tokens.refreshToken);
    } catch (error) {
      const failure = classifyDirectusError(error);
      // Only a refusal from Directus ends the session; an outage keeps it for when Directus is back.
      if (failure.kind === "unavailable" || failure.kind === "rate-limited" || failure.kind === "unknown") {
        throw data({ message: "Directus is not answering. Please try again in a moment." }, { status: 503 });
      }
      signOut(state, SESSION_ENDED_MESSAGE);
      throw loginRedirect(request);
    }
    state.session.set("tokens", tokens);
    state.changed = true;
  }

  return { user, directus: directusClient({ token: tokens.accessToken }), session: state };
}

/** The user if signed in, without refreshing or redirecting: enough for headers and public pages. */
export function optionalUser(context: Readonly<RouterContextProvider>): SessionUser | null {
  return getSessionState(context).session.get("user") ?? null;
}

/** For /login and /register: signed-in visitors go straight to the dashboard. */
export function requireAnonymous(context: Readonly<RouterContextProvider>) {
  if (optionalUser(context)) throw redirect("/dashboard");
}
