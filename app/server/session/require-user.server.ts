// The guard every protected loader and action calls first.
import { readMe } from "@directus/sdk";
import { data, redirect, type RouterContextProvider } from "react-router";
import { clientIp } from "../http/client-ip.server";
import { classifyDirectusError } from "../directus/directus-errors.server";
import { closeDirectusSession } from "../directus/directus-session.server";
import { directusClient, type Directus } from "../directus/directus.server";
import { failureMessage, failureStatus } from "../directus/failure-messages.server";
import { getServerTiming, type ServerTiming } from "../http/server-timing.server";
import {
  getSessionState,
  isPastAbsoluteLifetime,
  signOut,
  updateSession,
  type SessionState,
  type SessionTokens,
  type SessionUser,
} from "./session.server";
import { renewSession } from "./tokens.server";

export type GuardArgs = { request: Request; context: Readonly<RouterContextProvider> };

export type SignedIn = {
  user: SessionUser;
  /** A client bound to this request's session token, and to nothing else. */
  directus: Directus;
  session: SessionState;
};

export const SESSION_ENDED_MESSAGE = "Your session has ended. Please log in again.";
export const TWO_FACTOR_SETUP_PATH = "/profile/two-factor";

export function loginRedirect(request: Request) {
  const url = new URL(request.url);
  return redirect(`/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
}

/** Everything a refused or failed Directus session needs to end the request the right way. */
type Guarded = { request: Request; state: SessionState; ip: string | null; timing: ServerTiming | null | undefined };

/**
 * Returns the signed-in user and a Directus client for them, renewing the Directus session first
 * once half its life has passed (so activity keeps it alive: Directus's SESSION_COOKIE_TTL is the
 * idle timeout). Throws a redirect to /login when there is no usable session.
 * `confirm`: ask Directus once even though the page itself needs nothing from it, so a revoked
 * session is refused here too rather than on the next page that asks.
 * `twoFactorSetup`: this is the set-up page, which a user whose policy requires two-factor sign-in
 * may open before having it; every other protected page sends them there.
 */
export async function requireUser({ request, context }: GuardArgs, { confirm = false, twoFactorSetup = false } = {}): Promise<SignedIn> {
  const state = getSessionState(context);
  const tokens = state.session.get("tokens");
  const user = state.session.get("user");
  if (!tokens || !user) throw loginRedirect(request);
  const guarded: Guarded = { request, state, ip: clientIp(request), timing: getServerTiming(context) };

  if (isPastAbsoluteLifetime(state)) {
    // Best effort: the session ends here whatever Directus answers.
    await closeDirectusSession(tokens.accessToken, { clientIp: guarded.ip }).catch(() => {});
    endSession(guarded);
  }
  if (state.session.get("twoFactorRequired") && !twoFactorSetup) throw redirect(TWO_FACTOR_SETUP_PATH);
  const current = Date.now() >= tokens.renewAt ? await renew(guarded, tokens) : tokens;
  const directus = endsRefusedSessions(guarded, current);
  // A renewal has just confirmed the session; otherwise ask, when the page would not.
  if (confirm && current === tokens) await directus.request(readMe({ fields: ["id"] }));
  return { user, directus, session: state };
}

function endSession({ request, state }: Guarded): never {
  signOut(state, SESSION_ENDED_MESSAGE);
  throw loginRedirect(request);
}

/**
 * Swaps the session token for the next one, or ends the request: /login when Directus refuses the
 * session (revoked, expired, unknown), an error page that keeps the session when Directus is down
 * or rate-limiting.
 */
async function renew(guarded: Guarded, tokens: SessionTokens): Promise<SessionTokens> {
  const started = performance.now();
  let fresh: SessionTokens;
  try {
    fresh = await renewSession(tokens.accessToken, guarded.ip);
  } catch (error) {
    const failure = classifyDirectusError(error);
    if (failure.kind === "unauthorized" || failure.kind === "invalid" || failure.kind === "forbidden") endSession(guarded);
    const kept = failure.kind === "rate-limited" ? failure : ({ kind: "unavailable" } as const);
    throw data({ message: failureMessage(kept) }, { status: failureStatus(kept) });
  } finally {
    // Recorded here: the renewal goes through the shared single-flight call, not this request's client.
    guarded.timing?.record("POST", "/auth/refresh", performance.now() - started);
  }
  updateSession(guarded.state, { tokens: fresh });
  return fresh;
}

function isUnauthorized(error: unknown): boolean {
  return classifyDirectusError(error).kind === "unauthorized";
}

/**
 * A client for this request that treats any 401 as a question about the session: it renews once
 * and retries (the token may have been renewed elsewhere, or expired on the way; Directus did
 * nothing with the refused call, so a retry is safe), and when Directus refuses the renewal too the
 * session ends with /login instead of an error page or a login page that sends the visitor back.
 */
function endsRefusedSessions(guarded: Guarded, tokens: SessionTokens): Directus {
  let current = tokens;
  let client = directusClient({ token: current.accessToken, clientIp: guarded.ip, timing: guarded.timing });
  return {
    ...client,
    request: async (options) => {
      try {
        return await client.request(options);
      } catch (error) {
        if (!isUnauthorized(error)) throw error;
        current = await renew(guarded, current);
        client = directusClient({ token: current.accessToken, clientIp: guarded.ip, timing: guarded.timing });
        try {
          return await client.request(options);
        } catch (retryError) {
          if (isUnauthorized(retryError)) endSession(guarded);
          throw retryError;
        }
      }
    },
  };
}

/** The user if signed in, without renewing or redirecting: enough for headers and public pages. */
export function optionalUser(context: Readonly<RouterContextProvider>): SessionUser | null {
  return getSessionState(context).session.get("user") ?? null;
}

/** For /login and /register: signed-in visitors go straight to the dashboard. */
export function requireAnonymous(context: Readonly<RouterContextProvider>) {
  if (optionalUser(context)) throw redirect("/dashboard");
}
