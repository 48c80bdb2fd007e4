// Registration at Directus, with or without email verification (its public_registration_verify_email
// setting, which provisioning sets from REGISTRATION_VERIFY_EMAIL), and the verification link.
// Directus 11.17.4 answers every registration with the same 204, whether the address was new, is
// waiting for verification (the link is sent again) or belongs to an active account (nothing is sent),
// padded to REGISTER_STALL_TIME; so do we: nothing here tells whether an address has an account.
import { randomBytes } from "node:crypto";
import { registerUser, registerUserVerify, serverInfo, withOptions } from "@directus/sdk";
import { accountLinks } from "#app/lib/account-links.ts";
import { logIn, type AuthResult } from "./auth.server";
import { config } from "./config.server";
import { classifyDirectusError, isDirectusErrorWithCode, type DirectusFailure } from "./directus-errors.server";
import { directusClient } from "./directus.server";
import type { LinkProblem } from "./link-token.server";

type Failure = { ok: false; failure: DirectusFailure };

/** Whether Directus keeps new accounts unverified until their email link is opened (public, in /server/info). */
export async function verifiesEmail(clientIp: string | null): Promise<boolean> {
  const info = await directusClient({ clientIp }).request(serverInfo());
  return (info.project as { public_registration_verify_email?: boolean } | undefined)?.public_registration_verify_email === true;
}

/**
 * Asks Directus for an account. With verification on, the answer is that a link is on its way
 * (whatever the address); without it, the new account is signed in, as before verification existed.
 */
export async function register(
  email: string,
  password: string,
  clientIp: string | null,
): Promise<{ ok: true; verification: "sent" } | AuthResult | Failure> {
  let verify: boolean;
  try {
    verify = await verifiesEmail(clientIp);
    await requestAccount(email, password, clientIp, verify);
  } catch (error) {
    return { ok: false, failure: classifyDirectusError(error) };
  }
  if (verify) return { ok: true, verification: "sent" };
  return logIn(email, password, clientIp);
}

// The link only when Directus sends one: Directus checks any link against its allow list, which a
// deployment without verification need not set.
function requestAccount(email: string, password: string, clientIp: string | null, withLink: boolean) {
  const options = withLink ? { verification_url: accountLinks(config.appUrl).verifyEmail } : {};
  return directusClient({ clientIp }).request(registerUser(email, password, options));
}

/**
 * Sends the verification link again. Directus does that when the address registers again; its
 * password is not used for an account that waits for verification, so a random one stands in.
 */
export async function sendVerificationAgain(email: string, clientIp: string | null): Promise<{ ok: true } | Failure> {
  try {
    await requestAccount(email, randomBytes(24).toString("base64url"), clientIp, true);
    return { ok: true };
  } catch (error) {
    return { ok: false, failure: classifyDirectusError(error) };
  }
}

/**
 * Opens the verification link. Directus answers a good token with a redirect into its own admin app,
 * which the app does not follow: the redirect itself is the success.
 */
export async function verifyEmailToken(token: string, clientIp: string | null): Promise<{ ok: true } | { ok: false; problem: LinkProblem } | Failure> {
  let status = 0;
  const client = directusClient({ clientIp, onResponse: (response) => (status = response.status) });
  try {
    await client.request(withOptions(registerUserVerify(token), { redirect: "manual" }));
  } catch (error) {
    if (status >= 300 && status < 400) return { ok: true };
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
