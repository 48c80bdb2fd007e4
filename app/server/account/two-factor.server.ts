// Two-factor sign-in for the signed-in user. Setting it up waits for "confirm it's you"
// (confirm-its-you.server.ts, docs/decisions/023); then the app makes a secret, Directus turns it on
// once a code proves the authenticator app has it (/users/me/tfa/enable), and turns it off for a
// current code. Until the code, the secret waits in the session (steps.server.ts), never in the
// form; once it is on, the user's other sessions end.
import { randomBytes } from "node:crypto";
import { customEndpoint, disableTwoFactor, enableTwoFactor, readMe, readPolicyGlobals, serverInfo, updateMe } from "@directus/sdk";
import { redirect } from "react-router";
import type { TwoFactorIntent } from "#app/lib/two-factor-schemas.ts";
import type { FieldErrors } from "#app/lib/validation.ts";
import { classifyDirectusError, directusFailureResponse, isRouteResponse } from "../directus/directus-errors.server";
import { failureMessage, failureStatus } from "../directus/failure-messages.server";
import { WRONG_CODE } from "../sign-in/login-code.server";
import { qrCodeDataUrl } from "./qr-code.server";
import { TWO_FACTOR_SETUP_PATH, type SignedIn } from "../session/require-user.server";
import { flash, hasConfirmedItsYou, takeFlash, twoFactorSetUp } from "../session/session.server";
import { beginStep, currentStep, endStep, liveStep } from "../session/steps.server";
import { RECOVERY_CODES_PATH } from "#app/lib/recovery-codes.ts";
import { directusClient } from "../directus/directus.server";
import { providerLabel } from "../sign-in/identity-provider.server";
import { TOO_MANY_RECOVERY_CODES, WRONG_RECOVERY_CODE } from "../sign-in/recovery-code-sign-in.server";
import { BATCH_NOT_MADE, makeRecoveryCodes, readRecoveryCodes, type RecoveryCodesStatus } from "./recovery-codes.server";
import { beginSecretCheck, claimCode, endSessionAfterWrongSecrets, tooManyWrongMessage } from "../limits/throttle.server";
import { requireConfirmed } from "./confirm-its-you.server";

export const TURNED_ON = "Two-factor sign-in is on. Your other sessions have been signed out.";
const TURNED_ON_OTHERS_KEPT =
  "Two-factor sign-in is on, but your other sessions could not be signed out. Change your password to end them.";
const TURNED_OFF = "Two-factor sign-in is off.";
const SETUP_ENDED = "Setting up took too long. Please start again.";
const STAYS_ON = "Your account requires two-factor sign-in, so it stays on.";

/** `provider`: the label of the identity provider the account signs in with; null for a password account. */
type Common = { required: boolean; notice: string | null; provider: string | null };
export type TwoFactorView =
  /** `confirmed`: "confirm it's you" holds, so setting up starts at once. */
  | (Common & { status: "off"; confirmed: boolean })
  | (Common & { status: "setting-up"; secret: string; qrCode: string })
  /** `recoveryCodes`: how many remain, null when the extension cannot say. */
  | (Common & { status: "on"; recoveryCodes: RecoveryCodesStatus | null });

export type TwoFactorAnswer = { errors: FieldErrors; formError: string | null; status: number };

/** What the settings page shows: read from Directus, so a change made elsewhere shows too. */
export async function twoFactorView(signedIn: SignedIn): Promise<TwoFactorView> {
  const { directus, session, user } = signedIn;
  const [me, globals] = await Promise.all([
    directus.request(readMe({ fields: ["tfa_secret", "provider"] })),
    directus.request(readPolicyGlobals()),
  ]).catch(directusFailureResponse);
  const common = { required: globals.enforce_tfa, notice: takeFlash(session), provider: providerLabel(me.provider) };
  if (me.tfa_secret !== null) {
    // A set-up begun here ends (the other steps, such as new recovery codes still shown, stay).
    if (liveStep(session, "two-factor-setup")) endStep(session);
    // Set up in another session: this one need not hold the user back any longer.
    if (session.session.get("twoFactorRequired")) twoFactorSetUp(session);
    return { ...common, status: "on", recoveryCodes: await readRecoveryCodes(signedIn) };
  }
  const step = currentStep(session, "two-factor-setup");
  const confirmed = hasConfirmedItsYou(session);
  if (step === "expired") return { ...common, status: "off", notice: common.notice ?? SETUP_ENDED, confirmed };
  if (step === "missing") return { ...common, status: "off", confirmed };
  const qrCode = await qrCodeDataUrl(otpauthUrl(step.issuer, user.email, step.secret));
  return { ...common, status: "setting-up", secret: step.secret, qrCode };
}

/** Carries out one of the page's forms; throws a redirect back to the page when it worked. */
export async function changeTwoFactor(signedIn: SignedIn, intent: TwoFactorIntent, clientIp: string | null): Promise<TwoFactorAnswer> {
  switch (intent.intent) {
    case "start":
      return startSetup(signedIn);
    case "enable":
      return enable(signedIn, intent.code);
    case "cancel":
      endStep(signedIn.session);
      throw redirect(TWO_FACTOR_SETUP_PATH);
    case "disable":
      return disable(signedIn, intent.code, clientIp);
    case "disable-with-recovery-code":
      return disableWithRecoveryCode(signedIn, intent.recoveryCode, clientIp);
  }
}

const answer = (errors: FieldErrors, formError: string | null, status: number): TwoFactorAnswer => ({ errors, formError, status });

function failed(error: unknown): TwoFactorAnswer {
  const failure = classifyDirectusError(error);
  return answer({}, failureMessage(failure), failureStatus(failure));
}

/**
 * Once "confirm it's you" holds, makes the secret. Not Directus's /users/me/tfa/generate: it checks a
 * password for password accounts only and nothing for the others (audit item 4 of issue 30), while
 * /users/me/tfa/enable takes any secret; the confirmation is the check, for every account alike.
 */
async function startSetup({ directus, session }: SignedIn): Promise<TwoFactorAnswer> {
  requireConfirmed(session, "two-factor");
  try {
    const [me, info] = await Promise.all([directus.request(readMe({ fields: ["tfa_secret"] })), directus.request(serverInfo())]);
    // On already (set up elsewhere): the page shows it so.
    if (me.tfa_secret === null) {
      const issuer = (info as { project?: { project_name?: unknown } }).project?.project_name;
      beginStep(session, { name: "two-factor-setup", secret: newSecret(), issuer: typeof issuer === "string" && issuer ? issuer.slice(0, 100) : "Directus" });
    }
  } catch (error) {
    if (isRouteResponse(error)) throw error;
    return failed(error);
  }
  throw redirect(TWO_FACTOR_SETUP_PATH);
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A TOTP secret as authenticator apps read it: 160 random bits (RFC 4226's recommendation) in base32. */
function newSecret(): string {
  let bits = "";
  for (const byte of randomBytes(20)) bits += byte.toString(2).padStart(8, "0");
  return bits.match(/.{5}/g)!.map((chunk) => BASE32[parseInt(chunk, 2)]).join("");
}

async function enable(signedIn: SignedIn, code: string): Promise<TwoFactorAnswer> {
  const { directus, session } = signedIn;
  const step = currentStep(session, "two-factor-setup");
  if (typeof step === "string") return answer({}, SETUP_ENDED, 400);
  try {
    await directus.request(enableTwoFactor(step.secret, code));
  } catch (error) {
    // Directus answers a wrong code with INVALID_PAYLOAD ("otp" is invalid).
    if (classifyDirectusError(error).kind === "invalid") return answer({}, WRONG_CODE, 400);
    return failed(error);
  }
  endStep(session);
  twoFactorSetUp(session);
  const turnedOn = (await endOtherSessions(signedIn)) ? TURNED_ON : TURNED_ON_OTHERS_KEPT;
  // The recovery codes come at once, shown on their page (recovery-codes.server.ts); when they could
  // not be made, that page says so and offers to make them.
  const made = await makeRecoveryCodes(signedIn);
  flash(session, made.ok ? turnedOn : `${turnedOn} ${BATCH_NOT_MADE}`);
  throw redirect(RECOVERY_CODES_PATH);
}

/**
 * Directus ends a user's other sessions (and keeps the caller's) whenever their email or password is
 * written, but not when the two-factor secret is; writing the email it already holds is the one
 * such write that needs nothing the app does not have.
 */
async function endOtherSessions({ directus, user }: SignedIn): Promise<boolean> {
  if (!user.email) return false;
  try {
    await directus.request(updateMe({ email: user.email }, { fields: ["id"] }));
    return true;
  } catch (error) {
    if (isRouteResponse(error)) throw error;
    return false;
  }
}

async function disable({ directus, session, user }: SignedIn, code: string, clientIp: string | null): Promise<TwoFactorAnswer> {
  // Directus's own check of this code neither counts nor slows guesses, and accepts a code again.
  const check = await beginSecretCheck({ userId: user.id });
  if (check.refused) return answer({}, tooManyWrongMessage("attempts", check.retryAfterSeconds), 429);
  const wrong = async () => {
    if (await check.wrong()) await endSessionAfterWrongSecrets(session, clientIp);
    return answer({}, WRONG_CODE, 400);
  };
  try {
    // Directus would let it go; the app keeps what the user's policy requires.
    if ((await directus.request(readPolicyGlobals())).enforce_tfa) {
      await check.unchecked();
      return answer({}, STAYS_ON, 403);
    }
    if (!(await claimCode(user.email, code))) return wrong();
    await directus.request(disableTwoFactor(code));
  } catch (error) {
    if (isRouteResponse(error)) throw error;
    // INVALID_PAYLOAD: a wrong code ("otp" is invalid), or two-factor was off already.
    if (classifyDirectusError(error).kind === "invalid") return wrong();
    await check.unchecked();
    return failed(error);
  }
  await check.right();
  flash(session, TURNED_OFF);
  throw redirect(TWO_FACTOR_SETUP_PATH);
}

/**
 * The authenticator is lost: one of the account's recovery codes turns two-factor sign-in off. The
 * account-sign-in extension uses the code up, turns it off through Directus (its hooks run) and
 * deletes the other codes. Counted per account like the authenticator's code; no "confirm it's you":
 * the code is the proof, and the one a provider account would give there needs the lost authenticator.
 */
async function disableWithRecoveryCode({ directus, session, user }: SignedIn, code: string, clientIp: string | null): Promise<TwoFactorAnswer> {
  const check = await beginSecretCheck({ userId: user.id });
  if (check.refused) return answer({}, tooManyWrongMessage("attempts", check.retryAfterSeconds), 429);
  try {
    if ((await directus.request(readPolicyGlobals())).enforce_tfa) {
      await check.unchecked();
      return answer({}, STAYS_ON, 403);
    }
    // Not the signed-in client: it would take the extension's refusal (401) for an ended session.
    const tokens = session.session.get("tokens")!;
    await directusClient({ token: tokens.accessToken, clientIp }).request(
      customEndpoint<void>({ path: "/account-sign-in/recovery-codes/two-factor-off", method: "POST", body: JSON.stringify({ code }) }),
    );
  } catch (error) {
    if (isRouteResponse(error)) throw error;
    const failure = classifyDirectusError(error);
    if (failure.kind === "unauthorized" || failure.kind === "invalid") {
      if (await check.wrong()) await endSessionAfterWrongSecrets(session, clientIp);
      return answer({}, WRONG_RECOVERY_CODE, 401);
    }
    await check.unchecked();
    if (failure.kind === "rate-limited") return answer({}, TOO_MANY_RECOVERY_CODES, 429);
    return failed(error);
  }
  await check.right();
  flash(session, TURNED_OFF);
  throw redirect(TWO_FACTOR_SETUP_PATH);
}

/**
 * The otpauth:// URL in the form Directus writes it (otplib's keyuri), rebuilt from the step rather
 * than kept: with a long address and project name it would crowd the cookie.
 */
export function otpauthUrl(issuer: string, account: string, secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  return `otpauth://totp/${label}?secret=${secret}&period=30&digits=6&algorithm=SHA1&issuer=${encodeURIComponent(issuer)}`;
}
