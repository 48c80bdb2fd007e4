// The signed-in user's passkeys (docs/decisions/024), held by the account-sign-in extension
// (directus-extensions/account-sign-in): listed with their names and dates, added through the
// browser's own dialog, renamed, removed. Adding and removing one secures or hands over the account,
// so each waits for "confirm it's you" (secured-actions.ts); the extension mails the owner a notice.
// The challenge of an addition waits in the sealed session (the step "passkey-registration").
import { customEndpoint } from "@directus/sdk";
import { data, redirect } from "react-router";
import type { PasskeyResponse, PasskeysIntent } from "#app/lib/passkey-schemas.ts";
import { limits } from "#app/lib/limits.ts";
import { classifyDirectusError, isRouteResponse } from "../directus/directus-errors.server";
import { failureMessage, failureStatus } from "../directus/failure-messages.server";
import { describeDevice } from "./device-name.server";
import { PASSKEYS_MAX, readPasskeys, type PasskeyView } from "./passkey-list.server";
import { actionDone, requireConfirmed } from "./confirm-its-you.server";
import type { SignedIn } from "../session/require-user.server";
import { flash, hasConfirmedItsYou, takeFlash } from "../session/session.server";
import { beginStep, endStep, liveStep } from "../session/steps.server";
import { challengeOf, passkeyCallFailure, PASSKEYS_UNAVAILABLE } from "../sign-in/passkey-sign-in.server";

export const PASSKEYS_PATH = "/profile/passkeys";

export const PASSKEY_ADDED = "Your passkey was added. Next time, sign in with it.";
export const PASSKEY_RENAMED = "Your passkey was renamed.";
export const PASSKEY_REMOVED = "Your passkey was removed. It no longer signs you in.";
const ALREADY_REMOVED = "That passkey had already been removed.";
export const NOT_ADDED = "That passkey could not be added. Please try again.";
const ADD_ENDED = "Adding that passkey took too long. Please try again.";
const TOO_MANY = `You have ${PASSKEYS_MAX} passkeys, the most an account may have. Remove one first.`;

export type PasskeysView = { passkeys: PasskeyView[]; notice: string | null; confirmed: boolean; unavailable: string | null };

/** The page: the list (or why there is none), the one-time notice, whether adding asks to confirm first. */
export async function passkeysView(signedIn: SignedIn): Promise<PasskeysView> {
  const notice = takeFlash(signedIn.session);
  const confirmed = hasConfirmedItsYou(signedIn.session);
  try {
    return { passkeys: await readPasskeys(signedIn), notice, confirmed, unavailable: null };
  } catch (error) {
    if (isRouteResponse(error)) throw error;
    const failure = classifyDirectusError(error);
    if (failure.kind === "not-found") return { passkeys: [], notice, confirmed, unavailable: PASSKEYS_UNAVAILABLE };
    throw data({ message: failureMessage(failure) }, { status: failureStatus(failure) });
  }
}

export type PasskeysAnswer = { options?: Record<string, unknown>; errors: Record<string, string>; formError: string | null; status: number };
const answer = (formError: string | null, status: number, errors: Record<string, string> = {}): PasskeysAnswer => ({ errors, formError, status });

/** Carries out one of the page's forms; throws a redirect back to the page (with a notice) when it worked. */
export async function changePasskeys(signedIn: SignedIn, intent: PasskeysIntent, userAgent: string | null): Promise<PasskeysAnswer> {
  switch (intent.intent) {
    case "add-options":
      return addOptions(signedIn);
    case "add":
      return add(signedIn, intent.response, intent.name || describeDevice(userAgent));
    case "rename":
      return change(signedIn, "PATCH", intent.id, { name: intent.name }, PASSKEY_RENAMED);
    case "remove":
      requireConfirmed(signedIn.session, "passkeys");
      return change(signedIn, "DELETE", intent.id, null, PASSKEY_REMOVED);
  }
}

/** Once "confirm it's you" holds: a challenge for the browser to make a passkey with. */
async function addOptions(signedIn: SignedIn): Promise<PasskeysAnswer> {
  requireConfirmed(signedIn.session, "passkeys");
  let listed: unknown;
  try {
    listed = await signedIn.directus.request(
      customEndpoint<unknown>({ path: "/account-sign-in/passkeys/registration/options", method: "POST", body: "{}" }),
    );
  } catch (error) {
    if (isRouteResponse(error)) throw error;
    if (isTooMany(error)) return answer(TOO_MANY, 409);
    const failure = passkeyCallFailure(error);
    return answer(failure.message, failure.status);
  }
  const challenge = challengeOf(listed);
  if (!challenge) return answer(failureMessage({ kind: "unknown", status: null }), 502);
  actionDone(signedIn.session);
  beginStep(signedIn.session, { name: "passkey-registration", challengeId: challenge.challengeId });
  return { options: challenge.options, errors: {}, formError: null, status: 200 };
}

async function add(signedIn: SignedIn, response: PasskeyResponse, name: string): Promise<PasskeysAnswer> {
  const step = liveStep(signedIn.session, "passkey-registration");
  if (!step) return answer(ADD_ENDED, 400);
  endStep(signedIn.session);
  try {
    await signedIn.directus.request(
      customEndpoint<unknown>({
        path: "/account-sign-in/passkeys/registration",
        method: "POST",
        body: JSON.stringify({ challenge_id: step.challengeId, response, name: name.slice(0, limits.passkeyNameMax) }),
      }),
    );
  } catch (error) {
    if (isRouteResponse(error)) throw error;
    const failure = classifyDirectusError(error);
    if (failure.kind === "invalid") return answer(NOT_ADDED, 400);
    if (isTooMany(error)) return answer(TOO_MANY, 409);
    const called = passkeyCallFailure(error);
    return answer(called.message, called.status);
  }
  flash(signedIn.session, PASSKEY_ADDED);
  throw redirect(PASSKEYS_PATH);
}

/** The extension's 409 PASSKEY_LIMIT: the account holds the most passkeys it may. */
function isTooMany(error: unknown): boolean {
  const failure = classifyDirectusError(error);
  return failure.kind === "unknown" && failure.status === 409;
}

async function change(signedIn: SignedIn, method: "PATCH" | "DELETE", id: string, body: { name: string } | null, done: string): Promise<PasskeysAnswer> {
  try {
    await signedIn.directus.request(
      customEndpoint<unknown>({ path: `/account-sign-in/passkeys/${id}`, method, ...(body ? { body: JSON.stringify(body) } : {}) }),
    );
  } catch (error) {
    if (isRouteResponse(error)) throw error;
    const failure = classifyDirectusError(error);
    // Removed meanwhile (another tab), or never this account's: either way it is not on the list.
    if (failure.kind === "not-found") {
      flash(signedIn.session, ALREADY_REMOVED);
      throw redirect(PASSKEYS_PATH);
    }
    if (failure.kind === "invalid") return answer(null, 400, { name: `Give it a name of at most ${limits.passkeyNameMax} characters` });
    return answer(failureMessage(failure), failureStatus(failure));
  }
  if (method === "DELETE") actionDone(signedIn.session);
  flash(signedIn.session, done);
  throw redirect(PASSKEYS_PATH);
}
