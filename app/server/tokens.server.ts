// Token refresh with single-flight: concurrent requests holding the same refresh token share
// one call to Directus, because Directus rotates the refresh token and would refuse the second.
import { refresh } from "@directus/sdk";
import { directusClient } from "./directus.server";
import type { SessionTokens } from "./session.server";

type Refresher = (refreshToken: string) => Promise<SessionTokens>;

export function toSessionTokens(data: { access_token: string | null; refresh_token: string | null; expires: number | null }, now = Date.now()): SessionTokens {
  if (!data.access_token || !data.refresh_token || data.expires === null) {
    throw new Error("Directus returned an incomplete token set");
  }
  return { accessToken: data.access_token, refreshToken: data.refresh_token, expiresAt: now + data.expires };
}

export async function refreshAtDirectus(refreshToken: string): Promise<SessionTokens> {
  const data = await directusClient().request(refresh({ mode: "json", refresh_token: refreshToken }));
  return toSessionTokens(data);
}

/**
 * Wraps a refresher so callers with the same refresh token share one call. The result is kept
 * for `reuseMs` after it settles: a request that left the browser with the old cookie just before
 * the new one arrived gets the same new tokens instead of a spurious logout.
 */
export function singleFlight(refresher: Refresher, reuseMs = 10_000): Refresher {
  const inFlight = new Map<string, Promise<SessionTokens>>();
  return (refreshToken) => {
    const existing = inFlight.get(refreshToken);
    if (existing) return existing;
    const call = refresher(refreshToken);
    inFlight.set(refreshToken, call);
    const forget = () => setTimeout(() => inFlight.delete(refreshToken), reuseMs).unref();
    // Failures are forgotten at once so a Directus outage does not stick; successes linger briefly.
    call.then(forget, () => inFlight.delete(refreshToken));
    return call;
  };
}

export const refreshTokens = singleFlight(refreshAtDirectus);
