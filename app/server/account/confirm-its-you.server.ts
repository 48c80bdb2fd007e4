// "Confirm it's you" (docs/decisions/023): every action that secures or hands over the account
// (app/lib/secured-actions.ts) goes on only when this session proved, at most CONFIRM_ITS_YOU_MAX_AGE
// ago, what the account really has: its password (an account of Directus's "default" provider), its
// two-factor code when that is on (checked by the account-security extension's verify-code route), or
// a fresh sign-in at its identity provider in this browser, with its two-factor code when that is on
// (Directus asks for the code there), or one of its passkeys (checked by the account-sign-in
// extension, which accepts only the signed-in account's own; docs/decisions/024). A field that would check nothing is never shown nor accepted:
// a provider account is not asked for a password, an account without two-factor not for a code. Every answer is counted per account like every
// other check of a secret (throttle.server.ts); the confirmation lives in the sealed session only.
import { customEndpoint, readMe } from "@directus/sdk";
import { redirect } from "react-router";
import type { ConfirmItsYouIntent } from "#app/lib/two-factor-schemas.ts";
import { CONFIRM_PATH, securedActions, type KeptInput, type SecuredAction } from "#app/lib/secured-actions.ts";
import type { FieldErrors } from "#app/lib/validation.ts";
import { config } from "../config.server";
import { classifyDirectusError, directusFailureResponse, isDirectusErrorWithCode } from "../directus/directus-errors.server";
import { closeDirectusSession, openDirectusSession } from "../directus/directus-session.server";
import { failureMessage, failureStatus } from "../directus/failure-messages.server";
import { beginSecretCheck, claimCode, endSessionAfterWrongSecrets, tooManyWrongMessage } from "../limits/throttle.server";
import type { SignedIn } from "../session/require-user.server";
import { confirmedItsYou, flash, hasConfirmedItsYou, takeFlash, type SessionState } from "../session/session.server";
import { beginStep, endStep, liveStep, type ConfirmItsYouStep } from "../session/steps.server";
import { directusClient } from "../directus/directus.server";
import { challengeOf, passkeyCallFailure } from "../sign-in/passkey-sign-in.server";
import { hasPasskeys } from "./passkey-list.server";
import type { PasskeyResponse } from "#app/lib/passkey-schemas.ts";
import { findProvider, messages, startProviderSignIn } from "../sign-in/identity-provider.server";
import { WRONG_CODE } from "../sign-in/login-code.server";

const WRONG_PASSWORD = "That password is not right.";
const NOT_THIS_WAY = "Your account cannot be confirmed that way. Please use one of the ways this page offers.";
const CODE_NEEDED = "Enter the code your authenticator app shows, then continue.";
const PASSKEY_NOT_RIGHT = "That passkey did not confirm it's you. Use one of this account's passkeys, or another way.";
const NOTHING_WAITS = "Nothing is waiting for you to confirm just now. Start again from your profile.";
export const CONFIRMED = messages.confirmed;

/**
 * Goes on when this session confirmed recently enough; otherwise keeps the action and what was typed
 * for it (as the step "confirm-its-you") and sends the browser to confirm first.
 */
export function requireConfirmed(state: SessionState, action: SecuredAction, kept?: KeptInput): void {
  if (hasConfirmedItsYou(state)) return;
  beginStep(state, { name: "confirm-its-you", action, ...(kept ? { kept } : {}) });
  throw redirect(CONFIRM_PATH);
}

/** What the person had typed for `action` before confirming, to show again on its page. */
export function keptFor(state: SessionState, action: SecuredAction): KeptInput {
  const step = liveStep(state, "confirm-its-you");
  return step?.action === action ? (step.kept ?? {}) : {};
}

/** The action went through: what was kept for it is forgotten. */
export function actionDone(state: SessionState) {
  if (liveStep(state, "confirm-its-you")) endStep(state);
}

/** The ways this account can confirm: exactly what it has, read from Directus (a change made elsewhere counts). */
export type Ways = {
  password: boolean;
  /** Its identity provider, when this app offers it. */
  provider: { name: string; label: string } | null;
  /** Two-factor sign-in is on: its code confirms on its own, and the provider way needs it too. */
  code: boolean;
  /** The account has a passkey: any of its passkeys confirms on its own. */
  passkey: boolean;
};

async function waysFor(signedIn: SignedIn): Promise<Ways> {
  const [me, passkeys] = await Promise.all([
    signedIn.directus.request(readMe({ fields: ["provider", "tfa_secret"] })).catch(directusFailureResponse),
    // A Directus without the account-sign-in extension (or one not answering it) offers no passkey way.
    hasPasskeys(signedIn),
  ]);
  const common = { code: me.tfa_secret !== null, passkey: passkeys === true };
  if ((me.provider ?? "default") === "default") return { password: true, provider: null, ...common };
  const provider = findProvider(me.provider);
  return { password: false, provider: provider ? { name: provider.name, label: provider.label } : null, ...common };
}

/** `what` is null when nothing waits (the step ended, or the page was opened on its own). */
export type ConfirmView = { what: string | null; back: string; minutes: number; ways: Ways | null; notice: string | null };

/** The page: what waits and the ways to confirm; back to the action when it may go on already. */
export async function confirmView(signedIn: SignedIn): Promise<ConfirmView> {
  const { session } = signedIn;
  const minutes = Math.ceil(config.confirmItsYouSeconds / 60);
  const step = liveStep(session, "confirm-its-you");
  if (!step) return { what: null, back: "/profile", minutes, ways: null, notice: takeFlash(session) };
  const action = securedActions[step.action];
  if (hasConfirmedItsYou(session)) throw redirect(action.path);
  return { what: action.what, back: action.path, minutes, ways: await waysFor(signedIn), notice: takeFlash(session) };
}

export type ConfirmAnswer = { errors: FieldErrors; formError: string | null; status: number; options?: Record<string, unknown> };
const answer = (errors: FieldErrors, formError: string | null, status: number): ConfirmAnswer => ({ errors, formError, status });

/** Checks one answer; throws the redirect onwards (to the action, or to the provider) when it is right. */
export async function confirmItsYou(signedIn: SignedIn, intent: ConfirmItsYouIntent, clientIp: string | null): Promise<ConfirmAnswer> {
  const step = liveStep(signedIn.session, "confirm-its-you");
  // Nothing is checked without an action waiting: no answer here tells anything.
  if (!step) return answer({}, NOTHING_WAITS, 400);
  const ways = await waysFor(signedIn);
  switch (intent.intent) {
    case "password":
      if (!ways.password) return answer({}, NOT_THIS_WAY, 400);
      return withPassword(signedIn, step.action, intent.password, clientIp);
    case "provider":
      if (!ways.provider) return answer({}, NOT_THIS_WAY, 400);
      if (ways.code) return answer({ code: CODE_NEEDED }, null, 400);
      return atProvider(signedIn, ways.provider.name, step, undefined, clientIp);
    case "provider-code":
      if (!ways.provider || !ways.code) return answer({}, NOT_THIS_WAY, 400);
      return atProvider(signedIn, ways.provider.name, step, intent.code, clientIp);
    case "code":
      if (!ways.code) return answer({}, NOT_THIS_WAY, 400);
      return withCode(signedIn, step.action, intent.code, clientIp);
    case "passkey-options":
      if (!ways.passkey) return answer({}, NOT_THIS_WAY, 400);
      return passkeyOptions(signedIn, step, clientIp);
    case "passkey":
      if (!ways.passkey) return answer({}, NOT_THIS_WAY, 400);
      return withPasskey(signedIn, step, intent.response, clientIp);
  }
}

function onwards(state: SessionState, action: SecuredAction): never {
  confirmedItsYou(state);
  flash(state, CONFIRMED);
  throw redirect(securedActions[action].path);
}

/**
 * The password, checked by logging in with it (Directus has no other check that counts for every
 * action): the new session is closed at once. INVALID_OTP comes only after a right password.
 */
async function withPassword({ session, user }: SignedIn, action: SecuredAction, password: string, clientIp: string | null): Promise<ConfirmAnswer> {
  const check = await beginSecretCheck({ userId: user.id });
  if (check.refused) return answer({}, tooManyWrongMessage("attempts", check.retryAfterSeconds), 429);
  try {
    const tokens = await openDirectusSession(user.email, password, { clientIp });
    await closeDirectusSession(tokens.accessToken, { clientIp }).catch(() => {});
  } catch (error) {
    if (!isDirectusErrorWithCode(error, "INVALID_OTP")) {
      const failure = classifyDirectusError(error);
      if (failure.kind === "unauthorized" || failure.kind === "invalid") {
        if (await check.wrong()) await endSessionAfterWrongSecrets(session, clientIp);
        return answer({ password: WRONG_PASSWORD }, null, 401);
      }
      await check.unchecked();
      return answer({}, failureMessage(failure), failureStatus(failure));
    }
  }
  await check.right();
  return onwards(session, action);
}

/**
 * A fresh sign-in at the account's provider, in this browser. The check is counted now and ends at
 * the callback (identity-provider.server.ts), which accepts only this same account and keeps this
 * session. A code is claimed first, so a seen one cannot be used twice.
 */
async function atProvider(
  { session, user }: SignedIn,
  providerName: string,
  step: { action: SecuredAction; kept?: KeptInput },
  code: string | undefined,
  clientIp: string | null,
): Promise<ConfirmAnswer> {
  const provider = findProvider(providerName)!;
  const check = await beginSecretCheck({ userId: user.id });
  if (check.refused) return answer({}, tooManyWrongMessage("attempts", check.retryAfterSeconds), 429);
  if (code !== undefined && !(await claimCode(user.email, code))) {
    if (await check.wrong()) await endSessionAfterWrongSecrets(session, clientIp);
    return answer({ code: WRONG_CODE }, null, 400);
  }
  const confirming = { userId: user.id, action: step.action, ...(step.kept ? { kept: step.kept } : {}) };
  throw await startProviderSignIn(session, provider, { redirectTo: securedActions[step.action].path, otp: code, clientIp, confirming });
}

/**
 * The two-factor code on its own. Counted and claimed (single use) here before the extension checks
 * it; the extension bounds its checks per user too, for callers that skip the app.
 */
async function withCode(signedIn: SignedIn, action: SecuredAction, code: string, clientIp: string | null): Promise<ConfirmAnswer> {
  const { session, user, directus } = signedIn;
  const check = await beginSecretCheck({ userId: user.id });
  if (check.refused) return answer({}, tooManyWrongMessage("attempts", check.retryAfterSeconds), 429);
  const wrong = async () => {
    if (await check.wrong()) await endSessionAfterWrongSecrets(session, clientIp);
    return answer({ code: WRONG_CODE }, null, 400);
  };
  if (!(await claimCode(user.email, code))) return wrong();
  try {
    await directus.request(customEndpoint<void>({ path: "/account-security/verify-code", method: "POST", body: JSON.stringify({ otp: code }) }));
  } catch (error) {
    if (isDirectusErrorWithCode(error, "INVALID_OTP")) return wrong();
    await check.unchecked();
    const failure = classifyDirectusError(error);
    return answer({}, failureMessage(failure), failureStatus(failure));
  }
  await check.right();
  return onwards(session, action);
}

/**
 * A challenge for one of this account's passkeys (the extension lists only the signed-in user's as
 * allowed), kept with the step that waits: the browser never holds its id alone.
 */
async function passkeyOptions({ session }: SignedIn, step: ConfirmItsYouStep, clientIp: string | null): Promise<ConfirmAnswer> {
  const tokens = session.session.get("tokens")!;
  let listed: unknown;
  try {
    listed = await plainClient(tokens.accessToken, clientIp).request(
      customEndpoint<unknown>({ path: "/account-sign-in/passkeys/authentication/options", method: "POST", body: "{}" }),
    );
  } catch (error) {
    const failure = passkeyCallFailure(error);
    return answer({}, failure.message, failure.status);
  }
  const challenge = challengeOf(listed);
  if (!challenge) return answer({}, failureMessage({ kind: "unknown", status: null }), 502);
  const { expiresAt: _, ...kept } = step;
  beginStep(session, { ...kept, passkeyChallenge: challenge.challengeId });
  return { errors: {}, formError: null, status: 200, options: challenge.options };
}

/**
 * The passkey's answer, counted per account like every other way. Called with a client that does not
 * treat the extension's 401 (a refused passkey) as a question about the session, as the signed-in
 * client would (require-user.server.ts): a refused passkey is a wrong answer, not an ended session.
 */
async function withPasskey({ session, user }: SignedIn, step: ConfirmItsYouStep, response: PasskeyResponse, clientIp: string | null): Promise<ConfirmAnswer> {
  const challengeId = step.passkeyChallenge;
  // Used once: the next try asks for new options.
  const { expiresAt: _, passkeyChallenge: __, ...kept } = step;
  beginStep(session, kept);
  if (!challengeId) return answer({}, PASSKEY_NOT_RIGHT, 400);
  const check = await beginSecretCheck({ userId: user.id });
  if (check.refused) return answer({}, tooManyWrongMessage("attempts", check.retryAfterSeconds), 429);
  const tokens = session.session.get("tokens")!;
  try {
    const confirmed = await plainClient(tokens.accessToken, clientIp).request(
      customEndpoint<unknown>({
        path: "/account-sign-in/passkeys/authentication",
        method: "POST",
        body: JSON.stringify({ challenge_id: challengeId, response }),
      }),
    );
    if ((confirmed as { confirmed?: unknown } | null)?.confirmed !== true) throw new Error("The extension did not confirm the passkey");
  } catch (error) {
    const failure = classifyDirectusError(error);
    if (failure.kind === "unauthorized" || failure.kind === "invalid") {
      if (await check.wrong()) await endSessionAfterWrongSecrets(session, clientIp);
      return answer({}, PASSKEY_NOT_RIGHT, 401);
    }
    await check.unchecked();
    return answer({}, failureMessage(failure), failureStatus(failure));
  }
  await check.right();
  return onwards(session, step.action);
}

function plainClient(token: string, clientIp: string | null) {
  return directusClient({ token, clientIp });
}
