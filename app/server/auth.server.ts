// Log in and log out against Directus (registration: registration.server.ts). Returns plain results; routes decide what to render.
import { readMe } from "@directus/sdk";
import { classifyDirectusError, type DirectusFailure } from "./directus-errors.server";
import { closeDirectusSession, openDirectusSession } from "./directus-session.server";
import { directusClient } from "./directus.server";
import type { SessionData, SessionUser } from "./session.server";

export type AuthResult = { ok: true; session: Pick<SessionData, "tokens" | "user"> } | { ok: false; failure: DirectusFailure };

const userFields = ["id", "email", "first_name", "last_name"] as const;

export function toSessionUser(user: { id: string; email: string | null; first_name: string | null; last_name: string | null }): SessionUser {
  return { id: user.id, email: user.email ?? "", firstName: user.first_name, lastName: user.last_name };
}

export async function logIn(email: string, password: string, clientIp: string | null): Promise<AuthResult> {
  try {
    // Every login opens a new Directus session: the browser never keeps a session id it had before.
    const tokens = await openDirectusSession(email, password, { clientIp });
    // One read at login time; later pages take identity from the signed session instead.
    const me = await directusClient({ token: tokens.accessToken, clientIp }).request(readMe({ fields: [...userFields] }));
    return { ok: true, session: { tokens, user: toSessionUser(me) } };
  } catch (error) {
    const failure = classifyDirectusError(error);
    // Login takes any plausible address; one Directus refuses as malformed belongs to no account.
    return { ok: false, failure: failure.kind === "invalid" ? { kind: "unauthorized" } : failure };
  }
}

/**
 * Deletes the Directus session, so every copy of the cookie is refused from its next request on.
 * Failing here must not keep anyone signed in, so it only reports.
 */
export async function endDirectusSession(token: string, clientIp: string | null): Promise<boolean> {
  try {
    await closeDirectusSession(token, { clientIp });
    return true;
  } catch {
    return false;
  }
}
