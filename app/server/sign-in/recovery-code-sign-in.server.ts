// Signing in with a recovery code instead of the authenticator's code (docs/decisions/025), on every
// code step: after the password (the login-code step keeps email and password) or after the identity
// provider (the identity-provider-code step keeps the provider's proof). The account-sign-in
// extension checks the first factor again, uses the code up in the same database step that checks it,
// and starts a genuine Directus session, which becomes this browser's as after a password login.
import { recoveryCodeSignInNotice } from "#app/lib/recovery-codes.ts";
import { failureMessage, failureStatus } from "../directus/failure-messages.server";
import { beginSecretCheck, tooManyWrongMessage } from "../limits/throttle.server";
import { flash, signIn, type SessionState } from "../session/session.server";
import type { IdentityProviderCodeStep, LoginCodeStep } from "../session/steps.server";
import { signInThroughExtension, type ExtensionSignIn } from "./extension-session.server";
import { startOver, TOO_MANY_WRONG_CODES, type CodeResult } from "./login-code.server";

export const WRONG_RECOVERY_CODE = "That recovery code is not right, or it has been used already.";
// The extension's per-account count (more than 5 wrong codes in 15 minutes), shared by every instance.
export const TOO_MANY_RECOVERY_CODES = "Too many wrong recovery codes for this account. Please wait 15 minutes, then try again.";
const NO_PROOF = "A recovery code cannot finish this sign-in. Please start over and sign in again.";

const SIGN_IN_PATH = "/account-sign-in/recovery-codes/sign-in";

/** How many unused codes the extension says remain: a count of at most a batch, or 0. */
export function remainingOf(answer: Record<string, unknown>): number {
  const remaining = answer["remaining"];
  return typeof remaining === "number" && Number.isInteger(remaining) && remaining >= 0 && remaining <= 10 ? remaining : 0;
}

/** The code step of a password sign-in: counted per account as a wrong two-factor code is (throttle.server.ts). */
export async function signInWithRecoveryCode(state: SessionState, step: LoginCodeStep, code: string, clientIp: string | null): Promise<CodeResult> {
  const check = await beginSecretCheck({ email: step.email });
  if (check.refused) throw startOver(state, tooManyWrongMessage("codes", check.retryAfterSeconds));
  const result = await signInThroughExtension(SIGN_IN_PATH, { email: step.email, password: step.password, code }, clientIp);
  if (result.outcome === "right") await check.right();
  else if (result.outcome === "unchecked") await check.unchecked();
  else if (await check.wrong()) throw startOver(state, TOO_MANY_WRONG_CODES);
  return finish(state, result, step.redirectTo);
}

/**
 * The code step of a provider sign-in: the provider's proof stands for the first factor. Counted by
 * the extension per account (the app does not know the account before it answers).
 */
export async function signInWithRecoveryCodeAtProvider(
  state: SessionState,
  step: IdentityProviderCodeStep,
  code: string,
  clientIp: string | null,
): Promise<CodeResult> {
  if (!step.proof) return { ok: false, message: NO_PROOF, status: 400 };
  return finish(state, await signInThroughExtension(SIGN_IN_PATH, { provider_proof: step.proof, code }, clientIp), step.redirectTo);
}

function finish(state: SessionState, result: ExtensionSignIn, redirectTo: string): CodeResult {
  if (result.outcome === "wrong") return { ok: false, message: WRONG_RECOVERY_CODE, status: 401 };
  if (result.outcome === "unchecked") {
    if (result.failure.kind === "rate-limited") return { ok: false, message: TOO_MANY_RECOVERY_CODES, status: 429 };
    return { ok: false, message: failureMessage(result.failure), status: failureStatus(result.failure) };
  }
  signIn(state, result.session);
  flash(state, recoveryCodeSignInNotice(remainingOf(result.answer)));
  return { ok: true, redirectTo };
}
