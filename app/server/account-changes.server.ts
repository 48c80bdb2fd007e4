// Changing the signed-in user's password or email. The current password is checked by logging in
// with it, which opens a new Directus session; the change goes through that session, so Directus
// 11.17.4 ends every other session of the user (it keeps the one that asked), including the one this
// browser held, and the browser moves to the new one: this browser stays signed in, no other does.
// For an account with two-factor sign-in that login is refused with INVALID_OTP, which Directus
// answers only once the password was right: the change then goes through this browser's own session,
// which Directus keeps the same way.
import { updateMe } from "@directus/sdk";
import { beginStep } from "./steps.server";
import { toSessionUser } from "./auth.server";
import { classifyDirectusError, isDirectusErrorWithCode, type DirectusFailure } from "./directus-errors.server";
import { closeDirectusSession, openDirectusSession } from "./directus-session.server";
import { directusClient, type Directus, type DirectusUser } from "./directus.server";
import { sendVerificationAgain, verifiesEmail } from "./registration.server";
import type { SignedIn } from "./require-user.server";
import { signIn, signOut, updateSession } from "./session.server";
import { beginSecretCheck, endSessionAfterWrongSecrets } from "./throttle.server";

/** `retryAfterSeconds`: the account had too many wrong current passwords; nothing was checked. */
export type Failure = { ok: false; failure: DirectusFailure; retryAfterSeconds?: number };
type UserFields = Pick<DirectusUser, "id" | "email" | "first_name" | "last_name">;
const userFields = ["id", "email", "first_name", "last_name"] as const;

export const EMAIL_CHANGED_MESSAGE = "Your email address has been changed. Confirm it with the link we sent, then log in with it.";

/** The session a change goes through, and how this browser keeps it afterwards. */
type Confirmed = { client: Directus; keep: (me: UserFields) => void; abandon: () => Promise<void> };

/**
 * Checks the current password by logging in with it; "unauthorized" when it is wrong. Wrong ones are
 * counted per account (throttle.server.ts): one too many ends this session; over the limit, nothing
 * is checked ("rate-limited").
 */
async function confirmCurrentPassword(signedIn: SignedIn, password: string, clientIp: string | null): Promise<{ ok: true; confirmed: Confirmed } | Failure> {
  const check = await beginSecretCheck({ userId: signedIn.user.id });
  if (check.refused) return { ok: false, failure: { kind: "rate-limited" }, retryAfterSeconds: check.retryAfterSeconds };
  const result = await openWithPassword(signedIn, password, clientIp);
  if (result.ok) await check.right();
  else if (result.failure.kind !== "unauthorized") await check.unchecked();
  else if (await check.wrong()) await endSessionAfterWrongSecrets(signedIn.session, clientIp);
  return result;
}

async function openWithPassword(signedIn: SignedIn, password: string, clientIp: string | null): Promise<{ ok: true; confirmed: Confirmed } | Failure> {
  try {
    const tokens = await openDirectusSession(signedIn.user.email, password, { clientIp });
    return {
      ok: true,
      confirmed: {
        client: directusClient({ token: tokens.accessToken, clientIp }),
        keep: (me) => signIn(signedIn.session, { tokens, user: toSessionUser(me) }),
        abandon: () => closeDirectusSession(tokens.accessToken, { clientIp }).catch(() => {}),
      },
    };
  } catch (error) {
    if (isDirectusErrorWithCode(error, "INVALID_OTP")) {
      const keep = (me: UserFields) => updateSession(signedIn.session, { user: toSessionUser(me) });
      return { ok: true, confirmed: { client: signedIn.directus, keep, abandon: async () => {} } };
    }
    const failure = classifyDirectusError(error);
    return { ok: false, failure: failure.kind === "invalid" ? { kind: "unauthorized" } : failure };
  }
}

/** Makes `change` through a session confirmed with the current password; a new session is closed again if the change fails. */
async function withConfirmedSession<T>(
  signedIn: SignedIn,
  currentPassword: string,
  clientIp: string | null,
  change: (confirmed: Confirmed) => Promise<T>,
): Promise<T | Failure> {
  const result = await confirmCurrentPassword(signedIn, currentPassword, clientIp);
  if (!result.ok) return result;
  try {
    return await change(result.confirmed);
  } catch (error) {
    await result.confirmed.abandon();
    return { ok: false, failure: classifyDirectusError(error) };
  }
}

export function changePassword(signedIn: SignedIn, currentPassword: string, newPassword: string, clientIp: string | null) {
  return withConfirmedSession(signedIn, currentPassword, clientIp, async ({ client, keep }) => {
    keep(await client.request(updateMe({ password: newPassword }, { fields: [...userFields] })));
    return { ok: true as const };
  });
}

/**
 * Without email verification the new address takes effect at once. With it, the account goes back to
 * "unverified" with the new address (every session ends, this one too, as at registration) and the
 * verification link goes to the new address; the browser is signed out and shown where it went.
 */
export function changeEmail(signedIn: SignedIn, newEmail: string, currentPassword: string, clientIp: string | null) {
  return withConfirmedSession(signedIn, currentPassword, clientIp, async ({ client, keep }) => {
    if (!(await verifiesEmail(clientIp))) {
      keep(await client.request(updateMe({ email: newEmail }, { fields: [...userFields] })));
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
