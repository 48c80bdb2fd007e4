// Changing the signed-in user's password or email. The current password is checked by logging in
// with it, which opens a new Directus session; the change goes through that session, so Directus
// 11.17.4 ends every other session of the user (it keeps the one that asked), including the one this
// browser held, and the browser moves to the new one: this browser stays signed in, no other does.
// For an account with two-factor sign-in that login is refused with INVALID_OTP, which Directus
// answers only once the password was right: the change then goes through this browser's own session,
// which Directus keeps the same way.
//
// A new email address is not written here: once "confirm it's you" holds (confirm-its-you.server.ts),
// the account-security Directus extension mails a link to it, and the address changes only when that
// link is confirmed (confirmEmailChange below).
import { customEndpoint, updateMe } from "@directus/sdk";
import { accountLinks } from "#app/lib/account-links.ts";
import { toSessionUser } from "../sign-in/auth.server";
import { config } from "../config.server";
import { classifyDirectusError, isDirectusErrorWithCode, type DirectusFailure } from "../directus/directus-errors.server";
import { closeDirectusSession, openDirectusSession } from "../directus/directus-session.server";
import { directusClient, type Directus, type DirectusUser } from "../directus/directus.server";
import type { LinkProblem } from "./link-token.server";
import { boundedEmailChangeMail } from "../limits/mail-limits.server";
import type { SignedIn } from "../session/require-user.server";
import { signIn, updateSession } from "../session/session.server";
import { beginSecretCheck, endSessionAfterWrongSecrets } from "../limits/throttle.server";
import { actionDone, requireConfirmed } from "./confirm-its-you.server";

/** `retryAfterSeconds`: the account had too many wrong current passwords; nothing was checked. */
export type Failure = { ok: false; failure: DirectusFailure; retryAfterSeconds?: number };
type UserFields = Pick<DirectusUser, "id" | "email" | "first_name" | "last_name">;
const userFields = ["id", "email", "first_name", "last_name"] as const;

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
 * Once "confirm it's you" holds (otherwise the browser goes there first, the new address kept), asks
 * the account-security extension, through this browser's own Directus session, to mail a
 * confirmation link to the new address. Nothing changes yet; every session goes on. The answer is
 * the same whether or not the new address has an account (the extension mails that address a note
 * instead). Confirmed by mail whatever REGISTRATION_VERIFY_EMAIL says: that setting is about new
 * accounts, while the address of an existing one is where its password resets and notices go.
 */
export async function requestEmailChange(signedIn: SignedIn, newEmail: string, clientIp: string | null): Promise<{ ok: true } | Failure> {
  requireConfirmed(signedIn.session, "email-change", { email: newEmail });
  try {
    const body = JSON.stringify({ email: newEmail, url: accountLinks(config.appUrl).confirmEmail });
    // A few links an hour per account and per IP, one to an address in five minutes; over that, the same answer.
    await boundedEmailChangeMail({ userId: signedIn.user.id, clientIp, newEmail }, () =>
      signedIn.directus.request(customEndpoint<void>({ path: "/account-security/email-change", method: "POST", body })),
    );
    actionDone(signedIn.session);
    return { ok: true };
  } catch (error) {
    return { ok: false, failure: classifyDirectusError(error) };
  }
}

/**
 * Why an email-change link cannot be used: a link problem; the new address found an owner meanwhile;
 * the change was cancelled (its confirmation link) or already confirmed (its cancel link); the link is
 * for another account than the one signed in.
 */
export type EmailChangeProblem = LinkProblem | "taken" | "cancelled" | "confirmed" | "other-account";

/**
 * Confirms an email change with the token from the link, through this browser's own session: the
 * extension takes it only from the account the link was made for, so a link that reached the wrong
 * inbox changes nothing. Directus then ends every session of the account; the extension tells the
 * old address.
 */
export async function confirmEmailChange(
  signedIn: SignedIn,
  token: string,
): Promise<{ ok: true; email: string } | { ok: false; problem: EmailChangeProblem } | Failure> {
  try {
    const body = JSON.stringify({ token });
    // The SDK hands back the body's `data`: { email }.
    const answer = await signedIn.directus.request(customEndpoint<{ email: string }>({ path: "/account-security/email-change/confirm", method: "POST", body }));
    return { ok: true, email: answer.email };
  } catch (error) {
    const problem = emailChangeProblem(error);
    return problem ? { ok: false, problem } : { ok: false, failure: classifyDirectusError(error) };
  }
}

/** Voids the pending change a cancel link names (mailed to the old address; no sign-in needed: it can only protect the owner). */
export async function cancelEmailChange(token: string, clientIp: string | null): Promise<{ ok: true } | { ok: false; problem: EmailChangeProblem } | Failure> {
  try {
    const body = JSON.stringify({ token });
    await directusClient({ clientIp }).request(customEndpoint<unknown>({ path: "/account-security/email-change/cancel", method: "POST", body }));
    return { ok: true };
  } catch (error) {
    const problem = emailChangeProblem(error);
    return problem ? { ok: false, problem } : { ok: false, failure: classifyDirectusError(error) };
  }
}

const emailChangeProblems: readonly EmailChangeProblem[] = ["invalid", "expired", "used", "taken", "cancelled", "confirmed", "other-account"];

// The extension names the problem in its error's extensions (directus-extensions/account-security/email-change.js).
function emailChangeProblem(error: unknown): EmailChangeProblem | null {
  const errors = typeof error === "object" && error !== null && "errors" in error ? (error as { errors: unknown }).errors : null;
  const problem = Array.isArray(errors) ? (errors[0] as { extensions?: { problem?: unknown } } | undefined)?.extensions?.problem : null;
  return emailChangeProblems.find((known) => known === problem) ?? null;
}
