// The signed-in user's recovery codes (docs/decisions/025), kept by the account-sign-in extension as
// slow hashes only. A new batch (right after two-factor sign-in is turned on, or renewed after
// "confirm it's you") is shown once: its codes wait in the sealed session as the step
// "recovery-codes" until the person says they kept them, then only how many remain is shown.
import { customEndpoint, readMe } from "@directus/sdk";
import { redirect } from "react-router";
import { RECOVERY_CODES_PATH, recoveryCodesText } from "#app/lib/recovery-codes.ts";
import type { RecoveryCodesIntent } from "#app/lib/two-factor-schemas.ts";
import type { FieldErrors } from "#app/lib/validation.ts";
import { config } from "../config.server";
import { classifyDirectusError, directusFailureResponse, isDirectusErrorWithCode, isRouteResponse } from "../directus/directus-errors.server";
import { failureMessage, failureStatus } from "../directus/failure-messages.server";
import type { SignedIn } from "../session/require-user.server";
import { hasConfirmedItsYou, takeFlash, type SessionState } from "../session/session.server";
import { beginStep, endStep, liveStep } from "../session/steps.server";
import { requireConfirmed } from "./confirm-its-you.server";

const PATH = "/account-sign-in/recovery-codes";
const BATCH = 10;
const CODE = /^[0-9a-hjkmnp-tv-z]{5}-?[0-9a-hjkmnp-tv-z]{5}$/;

export const BATCH_NOT_MADE = "Your recovery codes could not be made just now. Make them below.";
const TWO_FACTOR_OFF = "Recovery codes come with two-factor sign-in, which is off. Set it up first.";
const TOO_MANY_BATCHES = "You made new recovery codes many times in the last hour. Please try again later.";

export type RecoveryCodesStatus = { remaining: number; total: number; createdAt: string | null };

/** The extension's count, checked before it is shown. */
export function toStatus(answer: unknown): RecoveryCodesStatus | null {
  if (typeof answer !== "object" || answer === null) return null;
  const { remaining, total, created_at } = answer as Record<string, unknown>;
  const count = (value: unknown) => (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= BATCH ? value : null);
  const [left, all] = [count(remaining), count(total)];
  if (left === null || all === null || left > all) return null;
  return { remaining: left, total: all, createdAt: typeof created_at === "string" && !Number.isNaN(Date.parse(created_at)) ? created_at : null };
}

/** A new batch from the extension, shown as "xxxxx-xxxxx"; null when its answer is not ten codes. */
export function toBatch(answer: unknown): string[] | null {
  const codes = typeof answer === "object" && answer !== null ? (answer as Record<string, unknown>)["codes"] : null;
  if (!Array.isArray(codes) || codes.length !== BATCH || !codes.every((code) => typeof code === "string" && CODE.test(code))) return null;
  return codes.map((code: string) => (code.includes("-") ? code : `${code.slice(0, 5)}-${code.slice(5)}`));
}

/** How many codes remain; null when the extension cannot say (the page then says nothing of them). */
export async function readRecoveryCodes({ directus }: SignedIn): Promise<RecoveryCodesStatus | null> {
  try {
    return toStatus(await directus.request(customEndpoint<unknown>({ path: PATH, method: "GET" })));
  } catch (error) {
    if (isRouteResponse(error)) throw error;
    return null;
  }
}

export type BatchResult = { ok: true } | { ok: false; message: string; status: number };

/** Asks the extension for a new batch (the old codes are void from now on) and keeps it to be shown once. */
export async function makeRecoveryCodes({ directus, session }: SignedIn): Promise<BatchResult> {
  let answer: unknown;
  try {
    answer = await directus.request(customEndpoint<unknown>({ path: PATH, method: "POST", body: "{}" }));
  } catch (error) {
    if (isRouteResponse(error)) throw error;
    if (isDirectusErrorWithCode(error, "TWO_FACTOR_OFF")) return { ok: false, message: TWO_FACTOR_OFF, status: 409 };
    const failure = classifyDirectusError(error);
    if (failure.kind === "rate-limited") return { ok: false, message: TOO_MANY_BATCHES, status: 429 };
    if (failure.kind === "not-found") return { ok: false, message: failureMessage({ kind: "unavailable" }), status: 503 };
    return { ok: false, message: failureMessage(failure), status: failureStatus(failure) };
  }
  const codes = toBatch(answer);
  if (!codes) return { ok: false, message: failureMessage({ kind: "unknown", status: null }), status: 502 };
  beginStep(session, { name: "recovery-codes", codes });
  return { ok: true };
}

export type RecoveryCodesView = {
  /** The new batch, while it waits for "I have kept my recovery codes". */
  codes: string[] | null;
  twoFactor: boolean;
  status: RecoveryCodesStatus | null;
  confirmed: boolean;
  notice: string | null;
};

export async function recoveryCodesView(signedIn: SignedIn): Promise<RecoveryCodesView> {
  const { directus, session } = signedIn;
  const [me, status] = await Promise.all([directus.request(readMe({ fields: ["tfa_secret"] })).catch(directusFailureResponse), readRecoveryCodes(signedIn)]);
  const twoFactor = me.tfa_secret !== null;
  const step = liveStep(session, "recovery-codes");
  return { codes: twoFactor && step ? step.codes : null, twoFactor, status, confirmed: hasConfirmedItsYou(session), notice: takeFlash(session) };
}

export type RecoveryCodesAnswer = { errors: FieldErrors; formError: string | null; status: number };

/** Carries out one of the page's forms; throws the redirect back to the page when it worked. */
export async function changeRecoveryCodes(signedIn: SignedIn, intent: RecoveryCodesIntent): Promise<RecoveryCodesAnswer> {
  if (intent.intent === "kept") {
    if (liveStep(signedIn.session, "recovery-codes")) endStep(signedIn.session);
    throw redirect(RECOVERY_CODES_PATH);
  }
  // New codes void the old ones: only after "confirm it's you".
  requireConfirmed(signedIn.session, "recovery-codes");
  const made = await makeRecoveryCodes(signedIn);
  if (!made.ok) return { errors: {}, formError: made.message, status: made.status };
  throw redirect(RECOVERY_CODES_PATH);
}

/** The batch still shown, as a text file; null when there is none (kept already, or never made here). */
export function recoveryCodesFile(state: SessionState, account: string, now = new Date()): Response | null {
  const step = liveStep(state, "recovery-codes");
  if (!step) return null;
  const site = new URL(config.appUrl).host;
  return new Response(recoveryCodesText(step.codes, { site, account, createdAt: now }), {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": 'attachment; filename="recovery-codes.txt"',
      "Cache-Control": "no-store",
    },
  });
}
