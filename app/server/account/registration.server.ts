// Registration at Directus, with or without email verification (its public_registration_verify_email
// setting, which provisioning sets from REGISTRATION_VERIFY_EMAIL), and the verification link.
// Directus 11.17.4 answers every registration with the same 204, whether the address was new, is
// waiting for verification (the link is sent again) or belongs to an active account (nothing is sent),
// padded to REGISTER_STALL_TIME; so do we: nothing here tells whether an address has an account.
// With verification on, nobody chooses the password at registration: the account gets one derived
// from its address (registration-password.server.ts), and the owner chooses theirs when confirming
// by the link, so registering someone else's address first gets a stranger nothing (docs/decisions/014).
import { registerUser, registerUserVerify, serverInfo, updateMe, withOptions } from "@directus/sdk";
import { accountLinks } from "#app/lib/account-links.ts";
import { endDirectusSession, logIn, type AuthResult } from "../sign-in/auth.server";
import { config } from "../config.server";
import { classifyDirectusError, isDirectusErrorWithCode, type DirectusFailure } from "../directus/directus-errors.server";
import { directusClient } from "../directus/directus.server";
import { linkTokenProblem, readLinkToken, type LinkProblem } from "./link-token.server";
import { boundedMail } from "../limits/mail-limits.server";
import { isPasswordRefusal } from "./registration-errors.server";
import { registrationPassword } from "./registration-password.server";

type Failure = { ok: false; failure: DirectusFailure };

/** Whether Directus keeps new accounts unverified until their email link is opened (public, in /server/info). */
export async function verifiesEmail(clientIp: string | null): Promise<boolean> {
  const info = await directusClient({ clientIp }).request(serverInfo());
  return (info.project as { public_registration_verify_email?: boolean } | undefined)?.public_registration_verify_email === true;
}

/** verifiesEmail as a result: the registration form asks for a password only without verification. */
export async function registrationMode(clientIp: string | null): Promise<{ ok: true; verifiesEmail: boolean } | Failure> {
  try {
    return { ok: true, verifiesEmail: await verifiesEmail(clientIp) };
  } catch (error) {
    return { ok: false, failure: classifyDirectusError(error) };
  }
}

/**
 * With verification on: asks Directus for an account with the derived password, which mails the
 * link (at most once per address in five minutes). The answer is that a link is on its way, whatever
 * the address.
 */
export async function registerForConfirmation(email: string, clientIp: string | null): Promise<{ ok: true } | Failure> {
  try {
    await mailVerificationLink(email, clientIp);
    return { ok: true };
  } catch (error) {
    return { ok: false, failure: classifyDirectusError(error) };
  }
}

/**
 * Without verification: asks Directus for an active account with this password (whoever registers an
 * address first owns it). Nothing signs in here: Directus answers a taken address with the same 204
 * and checks no password against it, and logging in with the submitted one would (outside the login
 * throttle, telling whether the address has an account). The new account logs in through /login.
 */
export async function registerWithPassword(email: string, password: string, clientIp: string | null): Promise<{ ok: true } | Failure> {
  try {
    await directusClient({ clientIp }).request(registerUser(email, password));
    return { ok: true };
  } catch (error) {
    return { ok: false, failure: classifyDirectusError(error) };
  }
}

// Registering an address mails the link: for a new address, and again for one that waits. Directus
// keeps the password of a waiting account, so the derived one changes nothing there.
function mailVerificationLink(email: string, clientIp: string | null) {
  const password = registrationPassword(email, config.sessionSecrets[0]!);
  const options = { verification_url: accountLinks(config.appUrl).verifyEmail };
  return boundedMail("verification", email, config.registerStallMs, async () => {
    await directusClient({ clientIp }).request(registerUser(email, password, options));
  });
}

/** Sends the verification link again: Directus does that when the address registers again. */
export async function sendVerificationAgain(email: string, clientIp: string | null): Promise<{ ok: true } | Failure> {
  return registerForConfirmation(email, clientIp);
}

export type Confirmation =
  | AuthResult
  | { ok: false; problem: LinkProblem }
  /** The address is confirmed, and the account has a password of its own (registered before passwords were chosen on the link's page): log in with it. */
  | { ok: false; confirmedEmail: string }
  | { ok: false; passwordRefused: true };

/**
 * Confirms the address of a link and sets the password its owner chose: Directus verifies the
 * token, the app logs in with the derived password and changes it through that session (Directus
 * keeps the session that changes its own password). A link already used still finishes an account
 * that kept the derived password (a confirmation cut short before the password was set).
 */
export async function confirmRegistration(token: string, password: string, clientIp: string | null): Promise<Confirmation> {
  const problem = linkTokenProblem(token, "pending-registration");
  if (problem) return { ok: false, problem };
  const email = readLinkToken(token)!.email;
  const verified = await verifyEmailToken(token, clientIp);
  // Mailed for an earlier registration of the address: it finishes nothing of the account there now.
  if (!verified.ok && "superseded" in verified) return { ok: false, problem: "used" };
  const usedBefore = !verified.ok && "problem" in verified && verified.problem === "used";
  if (!verified.ok && !usedBefore) return verified;

  const login = await logInWithDerivedPassword(email, clientIp);
  if (!login.ok && login.failure.kind !== "unauthorized") return login;
  if (!login.ok) return usedBefore ? { ok: false, problem: "used" } : { ok: false, confirmedEmail: email };
  try {
    await directusClient({ token: login.session.tokens.accessToken, clientIp }).request(updateMe({ password }));
  } catch (error) {
    await endDirectusSession(login.session.tokens.accessToken, clientIp);
    const failure = classifyDirectusError(error);
    return isPasswordRefusal(failure) ? { ok: false, passwordRefused: true } : { ok: false, failure };
  }
  return login;
}

// Registration derives with the first secret; an account registered before a rotation has one of the others.
async function logInWithDerivedPassword(email: string, clientIp: string | null): Promise<AuthResult> {
  let result: AuthResult = { ok: false, failure: { kind: "unauthorized" } };
  for (const secret of config.sessionSecrets) {
    result = await logIn(email, registrationPassword(email, secret), clientIp);
    if (result.ok || result.failure.kind !== "unauthorized" || result.codeRefused) return result;
  }
  return result;
}

/**
 * Opens the verification link. Directus answers a good token with a redirect into its own admin app,
 * which the app does not follow: the redirect itself is the success. Before Directus, the
 * account-security extension lets through only a link mailed for the registration waiting now.
 */
export async function verifyEmailToken(
  token: string,
  clientIp: string | null,
): Promise<{ ok: true } | { ok: false; problem: LinkProblem } | { ok: false; problem: "used"; superseded: true } | Failure> {
  let status = 0;
  const client = directusClient({ clientIp, onResponse: (response) => (status = response.status) });
  try {
    await client.request(withOptions(registerUserVerify(token), { redirect: "manual" }));
  } catch (error) {
    if (status >= 300 && status < 400) return { ok: true };
    // The account-security extension refuses a link mailed for an earlier registration of its address.
    if (isDirectusErrorWithCode(error, "LINK_SUPERSEDED")) return { ok: false, problem: "used", superseded: true };
    // "Invalid verification code": the account is not waiting for verification (any more).
    const problem = linkProblem(error, "INVALID_PAYLOAD");
    return problem ? { ok: false, problem } : { ok: false, failure: classifyDirectusError(error) };
  }
  // A 2xx would mean a Directus that answers differently from 11.17.4: only its redirect is trusted.
  return status >= 300 && status < 400 ? { ok: true } : { ok: false, failure: { kind: "unknown", status } };
}

/**
 * How Directus 11.17.4 refuses a link's token: expired, not signed by it, or used (`usedCode`, which
 * differs between its two flows); null for any other failure.
 */
export function linkProblem(error: unknown, usedCode: "INVALID_PAYLOAD" | "FORBIDDEN"): LinkProblem | null {
  if (isDirectusErrorWithCode(error, "TOKEN_EXPIRED")) return "expired";
  if (isDirectusErrorWithCode(error, usedCode)) return "used";
  if (isDirectusErrorWithCode(error, "INVALID_TOKEN") || isDirectusErrorWithCode(error, "FORBIDDEN")) return "invalid";
  return null;
}
