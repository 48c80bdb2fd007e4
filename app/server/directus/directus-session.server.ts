// Directus's own sessions (session mode): login opens one, refresh renews it, logout deletes it.
// Directus checks the session behind every token on every request, so a logout, a suspension or a
// password change at Directus ends the app session at once (docs/decisions/005).
// Session mode answers with a cookie rather than a JSON token, so these calls read and send it.
import { customEndpoint, login, logout, refresh, withOptions } from "@directus/sdk";
import { parseSetCookie } from "cookie-es";
import { config } from "../config.server";
import { directusClient } from "./directus.server";
import type { DirectusAnswer } from "./directus-transport.server";

export type SessionTokens = {
  /** The session token Directus set as its cookie: a JWT that names the Directus session. */
  accessToken: string;
  /** Epoch milliseconds at which Directus stops accepting it (SESSION_COOKIE_TTL after issue). */
  expiresAt: number;
  /** Epoch milliseconds after which the app renews it: half its life, so activity keeps it alive. */
  renewAt: number;
};

type CallOptions = { clientIp?: string | null };

/** Reads the session token out of the answer's Set-Cookie, through the client's fetch hook. */
function sessionTokenCatcher() {
  let token: string | null = null;
  const onResponse = (response: DirectusAnswer) => {
    for (const line of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(line);
      if (cookie?.name === config.directusSessionCookie && cookie.value) token = cookie.value;
    }
  };
  return { onResponse, token: () => token };
}

function toSessionTokens(token: string | null, expires: number | null | undefined, now = Date.now()): SessionTokens {
  if (!token || typeof expires !== "number") {
    throw new Error(`Directus answered without a session (is SESSION_COOKIE_NAME "${config.directusSessionCookie}"?)`);
  }
  return { accessToken: token, expiresAt: now + expires, renewAt: now + expires / 2 };
}

// The session token goes back to Directus the way a browser would send it: as its cookie.
function asSessionCookie(token: string) {
  return (options: RequestInit) => ({
    ...options,
    headers: { ...(options.headers as Record<string, string>), Cookie: `${config.directusSessionCookie}=${token}` },
  });
}

/** `otp`: the code from the user's authenticator app, for an account with two-factor sign-in. */
export async function openDirectusSession(email: string, password: string, { clientIp, otp }: CallOptions & { otp?: string } = {}): Promise<SessionTokens> {
  const catcher = sessionTokenCatcher();
  const data = await directusClient({ clientIp, onResponse: catcher.onResponse }).request(
    login({ email, password }, { mode: "session", ...(otp ? { otp } : {}) }),
  );
  return toSessionTokens(catcher.token(), data.expires);
}

/**
 * A sign-in through the account-sign-in extension (a passkey, a recovery code: docs/decisions/024,
 * 025): it checks `body` at `path` and starts a Directus session for the account, answering as
 * Directus's own session-mode login does (the token as its cookie, `{ data: { expires, ... } }`).
 * `answer`: the rest of the extension's `data`, for the caller to check.
 */
export async function openExtensionSession(path: string, body: unknown, { clientIp }: CallOptions = {}): Promise<{ tokens: SessionTokens; answer: Record<string, unknown> }> {
  const catcher = sessionTokenCatcher();
  const data = await directusClient({ clientIp, onResponse: catcher.onResponse }).request(
    customEndpoint<Record<string, unknown> | null>({ path, method: "POST", body: JSON.stringify(body) }),
  );
  const expires = data?.["expires"];
  return { tokens: toSessionTokens(catcher.token(), typeof expires === "number" ? expires : null), answer: data ?? {} };
}

/**
 * A new session token for the session this one names. Within SESSION_REFRESH_GRACE_PERIOD of a
 * renewal, Directus gives every caller the same next session, so app instances renewing the same
 * cookie at once agree; the old token stays valid for that grace period.
 */
export async function renewDirectusSession(token: string, { clientIp }: CallOptions = {}): Promise<SessionTokens> {
  const catcher = sessionTokenCatcher();
  const data = await directusClient({ clientIp, onResponse: catcher.onResponse }).request(
    withOptions(refresh({ mode: "session" }), asSessionCookie(token)),
  );
  return toSessionTokens(catcher.token(), data.expires);
}

/** Deletes the session at Directus: every copy of its tokens is refused from the next request on. */
export async function closeDirectusSession(token: string, { clientIp }: CallOptions = {}): Promise<void> {
  await directusClient({ clientIp }).request(withOptions(logout({ mode: "session" }), asSessionCookie(token)));
}
