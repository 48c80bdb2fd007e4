// Session renewal with single-flight: concurrent requests in this process holding the same session
// token share one call to Directus. Across processes, Directus's SESSION_REFRESH_GRACE_PERIOD gives
// every caller the same next session, so this only saves calls; it is not what keeps users signed in.
import { renewDirectusSession, type SessionTokens } from "../directus/directus-session.server";

type Renewer = (token: string, clientIp: string | null) => Promise<SessionTokens>;

/**
 * Wraps a renewer so callers with the same token share one call. The result is kept for `reuseMs`
 * after it settles (shorter than Directus's 10 s grace period): a request that left the browser with
 * the old cookie just before the new one arrived gets the same new session without asking again.
 */
export function singleFlight(renewer: Renewer, reuseMs = 5_000): Renewer {
  const inFlight = new Map<string, Promise<SessionTokens>>();
  return (token, clientIp) => {
    const existing = inFlight.get(token);
    if (existing) return existing;
    const call = renewer(token, clientIp);
    inFlight.set(token, call);
    const forget = () => setTimeout(() => inFlight.delete(token), reuseMs).unref();
    // Failures are forgotten at once so a Directus outage does not stick; successes linger briefly.
    call.then(forget, () => inFlight.delete(token));
    return call;
  };
}

export const renewSession = singleFlight((token, clientIp) => renewDirectusSession(token, { clientIp }));
