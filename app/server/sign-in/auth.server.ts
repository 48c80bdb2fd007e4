// Log in and log out against Directus (registration: registration.server.ts). Returns plain results; routes decide what to render.
import { readMe, readPolicyGlobals } from "@directus/sdk";
import { classifyDirectusError, isDirectusErrorWithCode, type DirectusFailure } from "../directus/directus-errors.server";
import { closeDirectusSession, openDirectusSession } from "../directus/directus-session.server";
import { directusClient } from "../directus/directus.server";
import type { SessionData, SessionTokens, SessionUser } from "../session/session.server";

export type SignedInSession = Omit<SessionData, "startedAt" | "step">;

export type AuthResult =
  | { ok: true; session: SignedInSession }
  /** `codeRefused`: the password was right, but the account has two-factor sign-in and the code was missing or wrong. */
  | { ok: false; failure: DirectusFailure; codeRefused?: true };

const userFields = ["id", "email", "first_name", "last_name"] as const;

export function toSessionUser(user: { id: string; email: string | null; first_name: string | null; last_name: string | null }): SessionUser {
  return { id: user.id, email: user.email ?? "", firstName: user.first_name, lastName: user.last_name };
}

/**
 * What the app keeps of a session Directus just opened (by password, or by passkey). Reads at sign-in
 * time only; later pages take identity from the signed session instead. Without a code, two-factor
 * sign-in is off: ask whether a policy requires it, as Directus's own app does.
 */
export async function signedInSession(tokens: SessionTokens, clientIp: string | null, { codeGiven = false } = {}): Promise<SignedInSession> {
  const client = directusClient({ token: tokens.accessToken, clientIp });
  const [me, globals] = await Promise.all([client.request(readMe({ fields: [...userFields] })), codeGiven ? null : client.request(readPolicyGlobals())]);
  return { tokens, user: toSessionUser(me), ...(globals?.enforce_tfa ? { twoFactorRequired: true } : {}) };
}

export async function logIn(email: string, password: string, clientIp: string | null, otp?: string): Promise<AuthResult> {
  try {
    // Every login opens a new Directus session: the browser never keeps a session id it had before.
    const tokens = await openDirectusSession(email, password, { clientIp, otp });
    return { ok: true, session: await signedInSession(tokens, clientIp, { codeGiven: Boolean(otp) }) };
  } catch (error) {
    // Directus checks the code only once the password was right, and refuses a missing or wrong one with INVALID_OTP.
    if (isDirectusErrorWithCode(error, "INVALID_OTP")) return { ok: false, failure: { kind: "unauthorized" }, codeRefused: true };
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
