// The second step of signing in to an account with two-factor sign-in: the code from the
// authenticator app. Directus has no token for a half-finished login, so this step logs in again
// with the email and password the first step kept in the sealed cookie (steps.server.ts).
import { redirect } from "react-router";
import { safeRedirect } from "#app/lib/safe-redirect.ts";
import { logIn } from "./auth.server";
import { failureMessage, failureStatus } from "../directus/failure-messages.server";
import { flash, signIn, type SessionState } from "../session/session.server";
import { beginStep, currentStep, endStep, type LoginCodeStep } from "../session/steps.server";
import { beginSecretCheck, claimCode, tooManyWrongMessage, type SecretCheck } from "../limits/throttle.server";

// Longer is no page of ours; it would only crowd the cookie.
const REDIRECT_MAX = 512;

export const WRONG_CODE = "That code is not right. Enter the code your authenticator app shows now.";
export const TOO_MANY_WRONG_CODES = "Too many wrong codes. Please log in again.";
// Also for a browser that already dropped the step's cookie: it expires with the step.
export const CODE_STEP_ENDED = "That sign-in has expired. Please log in again.";
const PASSWORD_NO_LONGER_WORKS = "Please log in again.";

/** After a right password for an account with two-factor sign-in: keep what the code step needs. */
export function awaitCode(state: SessionState, credentials: { email: string; password: string; redirectTo?: string }) {
  keepCodeStep(state, credentials);
  return redirect("/login/code");
}

/** The code step's state without the redirect: for a login that asks for the code on its own page (a draft's). */
export function keepCodeStep(state: SessionState, { email, password, redirectTo }: { email: string; password: string; redirectTo?: string }) {
  const target = safeRedirect(redirectTo);
  beginStep(state, { name: "login-code", email, password, redirectTo: target.length <= REDIRECT_MAX ? target : "/dashboard" });
}

/** The live code step, or a redirect back to the password with a message. */
export function requireCodeStep(state: SessionState): LoginCodeStep {
  const step = currentStep(state, "login-code");
  if (typeof step === "string") throw startOver(state, CODE_STEP_ENDED);
  return step;
}

/** Leaves the code step: its credentials go at once, and the login begins again at the password. */
export function startOver(state: SessionState, message?: string) {
  endStep(state);
  if (message) flash(state, message);
  return redirect("/login");
}

export type CodeResult = { ok: true; redirectTo: string } | { ok: false; message: string; status: number };

/**
 * Logs in with the kept credentials and the code; a redirect is thrown when the login must start
 * over. Wrong codes are counted per account on the server (throttle.server.ts), so a replayed step
 * cookie resets nothing, and a code is claimed before Directus sees it, so it works once.
 */
export async function signInWithCode(state: SessionState, step: LoginCodeStep, code: string, clientIp: string | null): Promise<CodeResult> {
  const check = await beginSecretCheck({ email: step.email });
  if (check.refused) throw startOver(state, tooManyWrongMessage("codes", check.retryAfterSeconds));
  if (!(await claimCode(step.email, code))) return wrongCode(state, check);
  const result = await logIn(step.email, step.password, clientIp, code);
  if (result.ok) {
    await check.right();
    signIn(state, result.session);
    return { ok: true, redirectTo: step.redirectTo };
  }
  if (result.codeRefused) return wrongCode(state, check);
  await check.unchecked();
  // The password changed, or the account was suspended, since the first step.
  if (result.failure.kind === "unauthorized") throw startOver(state, PASSWORD_NO_LONGER_WORKS);
  // Directus down or rate-limiting: the step stays, so the code can be tried again (a fresh one: this one is claimed).
  return { ok: false, message: failureMessage(result.failure), status: failureStatus(result.failure) };
}

async function wrongCode(state: SessionState, check: SecretCheck): Promise<CodeResult> {
  if (await check.wrong()) throw startOver(state, TOO_MANY_WRONG_CODES);
  return { ok: false, message: WRONG_CODE, status: 401 };
}
