// Opens the app's sealed session cookie with the secret a test gave the app, so a test can check
// what the session holds (and, without the secret, that it shows nothing).
import { unsealCookieValue } from "../../app/server/session/sealed-cookie.server.ts";

export type OpenedSession = {
  tokens?: { accessToken: string; expiresAt: number; renewAt: number };
  user?: { id: string; email: string; firstName?: string | null; lastName?: string | null };
  startedAt?: number;
  [key: string]: unknown;
};

/** The session inside a raw (URL-encoded) cookie value, or null when it does not open with this secret. */
export function openSessionCookie(raw: string | undefined, secret: string): OpenedSession | null {
  if (!raw) return null;
  return unsealCookieValue(decodeURIComponent(raw), [secret]) as OpenedSession | null;
}

/** The Directus session a session-mode token belongs to (its `session` claim). */
export function directusSessionOf(accessToken: string): string {
  const payload = JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString("utf8")) as { session?: string };
  if (!payload.session) throw new Error("this token carries no Directus session");
  return payload.session;
}
