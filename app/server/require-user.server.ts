// The guard every protected loader and action calls first.
import { data, redirect, type RouterContextProvider } from "react-router";
import { config } from "./config.server";
import { classifyDirectusError, isDirectusErrorWithCode } from "./directus-errors.server";
import { directusClient, type Directus } from "./directus.server";
import { getServerTiming, type ServerTiming } from "./server-timing.server";
import { getSessionState, signOut, updateSession, type SessionState, type SessionTokens, type SessionUser } from "./session.server";
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

  const timing = getServerTiming(context);
  if (tokens.expiresAt - Date.now() <= config.refreshMarginMs) {
    tokens = await refreshSession(request, state, tokens, timing);
  }

  return { user, directus: retryOnExpiry(request, state, tokens, timing), session: state };
}

/** Swaps the session's tokens for fresh ones, or ends the request: 503 in an outage, /login when refused. */
async function refreshSession(request: Request, state: SessionState, tokens: SessionTokens, timing: ServerTiming | null | undefined) {
  const started = performance.now();
  let fresh: SessionTokens;
  try {
    fresh = await refreshTokens(tokens.refreshToken);
  } catch (error) {
    const failure = classifyDirectusError(error);
    // Only a refusal from Directus ends the session; an outage keeps it for when Directus is back.
    if (failure.kind === "unavailable" || failure.kind === "rate-limited" || failure.kind === "unknown") {
      throw data({ message: "Directus is not answering. Please try again in a moment." }, { status: 503 });
    }
    signOut(state, SESSION_ENDED_MESSAGE);
    throw loginRedirect(request);
  } finally {
    // Recorded here: the refresh goes through the shared single-flight client, not this request's.
    timing?.record("POST", "/auth/refresh", performance.now() - started);
  }
  updateSession(state, { tokens: fresh });
  return fresh;
}

function isExpiredToken(error: unknown): boolean {
  return isDirectusErrorWithCode(error, "TOKEN_EXPIRED");
}

/**
 * A client for this request that survives the access token expiring on the way: under load a
 * request can wait longer than the refresh margin, and Directus then refuses the token it carried.
 * Such a call is refreshed and retried once (Directus did nothing with it, so a retry is safe).
 */
function retryOnExpiry(request: Request, state: SessionState, tokens: SessionTokens, timing: ServerTiming | null | undefined): Directus {
  let current = tokens;
  let client = directusClient({ token: current.accessToken, timing });
  const retrying: Directus = {
    ...client,
    request: async (options) => {
      try {
        return await client.request(options);
      } catch (error) {
        if (!isExpiredToken(error)) throw error;
        current = await refreshSession(request, state, current, timing);
        client = directusClient({ token: current.accessToken, timing });
        return client.request(options);
      }
    },
  };
  return retrying;
}

/** The user if signed in, without refreshing or redirecting: enough for headers and public pages. */
export function optionalUser(context: Readonly<RouterContextProvider>): SessionUser | null {
  return getSessionState(context).session.get("user") ?? null;
}

/** For /login and /register: signed-in visitors go straight to the dashboard. */
export function requireAnonymous(context: Readonly<RouterContextProvider>) {
  if (optionalUser(context)) throw redirect("/dashboard");
}
