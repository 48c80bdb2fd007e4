// Changing the signed-in user's password or email. The current password is checked by logging in
// with it, which opens a new Directus session; the change goes through that session, so Directus
// 11.17.4 ends every other session of the user (it keeps the one that asked), including the one this
// browser held, and the browser moves to the new one: this browser stays signed in, no other does.
import { updateMe } from "@directus/sdk";
import { beginStep } from "./steps.server";
import { toSessionUser } from "./auth.server";
import { classifyDirectusError, type DirectusFailure } from "./directus-errors.server";
import { closeDirectusSession, openDirectusSession, type SessionTokens } from "./directus-session.server";
import { directusClient } from "./directus.server";
import { sendVerificationAgain, verifiesEmail } from "./registration.server";
import type { SignedIn } from "./require-user.server";
import { signIn, signOut } from "./session.server";

type Failure = { ok: false; failure: DirectusFailure };
const userFields = ["id", "email", "first_name", "last_name"] as const;

export const EMAIL_CHANGED_MESSAGE = "Your email address has been changed. Confirm it with the link we sent, then log in with it.";

/** A new Directus session opened with the current password; "unauthorized" when it is wrong. */
async function confirmCurrentPassword(email: string, password: string, clientIp: string | null): Promise<{ ok: true; tokens: SessionTokens } | Failure> {
  try {
    return { ok: true, tokens: await openDirectusSession(email, password, { clientIp }) };
  } catch (error) {
    const failure = classifyDirectusError(error);
    return { ok: false, failure: failure.kind === "invalid" ? { kind: "unauthorized" } : failure };
  }
}

/** Makes `change` through a session opened with the current password; the session is closed again if the change fails. */
async function withConfirmedSession<T>(
  { user }: SignedIn,
  currentPassword: string,
  clientIp: string | null,
  change: (tokens: SessionTokens) => Promise<T>,
): Promise<T | Failure> {
  const confirmed = await confirmCurrentPassword(user.email, currentPassword, clientIp);
  if (!confirmed.ok) return confirmed;
  try {
    return await change(confirmed.tokens);
  } catch (error) {
    await closeDirectusSession(confirmed.tokens.accessToken, { clientIp }).catch(() => {});
    return { ok: false, failure: classifyDirectusError(error) };
  }
}

export function changePassword(signedIn: SignedIn, currentPassword: string, newPassword: string, clientIp: string | null) {
  return withConfirmedSession(signedIn, currentPassword, clientIp, async (tokens) => {
    const client = directusClient({ token: tokens.accessToken, clientIp });
    const me = await client.request(updateMe({ password: newPassword }, { fields: [...userFields] }));
    signIn(signedIn.session, { tokens, user: toSessionUser(me) });
    return { ok: true as const };
  });
}

/**
 * Without email verification the new address takes effect at once. With it, the account goes back to
 * "unverified" with the new address (every session ends, this one too, as at registration) and the
 * verification link goes to the new address; the browser is signed out and shown where it went.
 */
export function changeEmail(signedIn: SignedIn, newEmail: string, currentPassword: string, clientIp: string | null) {
  return withConfirmedSession(signedIn, currentPassword, clientIp, async (tokens) => {
    const client = directusClient({ token: tokens.accessToken, clientIp });
    if (!(await verifiesEmail(clientIp))) {
      const me = await client.request(updateMe({ email: newEmail }, { fields: [...userFields] }));
      signIn(signedIn.session, { tokens, user: toSessionUser(me) });
      return { ok: true as const, verification: "none" as const };
    }
    await client.request(updateMe({ email: newEmail, status: "unverified" }));
    // From here on the change is made: a failed send is repaired by the re-send button.
    await sendVerificationAgain(newEmail, clientIp);
    signOut(signedIn.session, EMAIL_CHANGED_MESSAGE);
    beginStep(signedIn.session, { name: "verification-sent", email: newEmail });
    return { ok: true as const, verification: "sent" as const };
  });
}
