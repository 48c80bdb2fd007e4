// Signing in with a passkey alone (docs/decisions/024): the account-sign-in extension issues the
// challenge and, once the browser's answer verifies, starts a genuine Directus session for the
// passkey's owner, answered as Directus's own session-mode login is. No password and no two-factor
// code: the passkey is both (user verification is required). The challenge id waits in the sealed
// session (the step "passkey-sign-in"), never in the browser alone; the app then signs the browser in
// exactly as after a password login (signIn). Failures are counted per credential id and per IP
// (throttledPasskeySignIn in throttle.server.ts, which says why no stranger can lock the owner out).
import { customEndpoint } from "@directus/sdk";
import { data, redirect } from "react-router";
import type { PasskeyResponse, PasskeySignInIntent } from "#app/lib/passkey-schemas.ts";
import { safeRedirect } from "#app/lib/safe-redirect.ts";
import { classifyDirectusError } from "../directus/directus-errors.server";
import { directusClient } from "../directus/directus.server";
import { failureMessage, failureStatus } from "../directus/failure-messages.server";
import { throttledPasskeySignIn, waitMessage } from "../limits/throttle.server";
import { signIn, type SessionState } from "../session/session.server";
import { beginPasskeySignIn, endPasskeySignIn, liveStep } from "../session/steps.server";
import { signInThroughExtension, type ExtensionSignIn } from "./extension-session.server";

/** One answer for every refusal: which check failed (unknown passkey, suspended account, replay, expiry) is not told. */
export const PASSKEY_REFUSED = "That passkey could not sign you in. Try again, or log in with your password.";
export const PASSKEYS_UNAVAILABLE = "Passkeys are not available right now. Please log in with your password.";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The options the page hands to the browser: the extension's, a few KiB at most. */
const OPTIONS_MAX_BYTES = 16 * 1024;

/** The account-sign-in extension counts in windows of this length (its limits.js): the longest wait it imposes. */
const EXTENSION_WINDOW_SECONDS = 15 * 60;

export type PasskeyFailure = { ok: false; message: string; status: number; retryAfterSeconds?: number };

/** The extension's answer to an options call: `{ challenge_id, options }`, checked before anything is kept. */
export function challengeOf(answer: unknown): { challengeId: string; options: Record<string, unknown> } | null {
  if (typeof answer !== "object" || answer === null) return null;
  const { challenge_id, options } = answer as Record<string, unknown>;
  if (typeof challenge_id !== "string" || !UUID.test(challenge_id) || typeof options !== "object" || options === null) return null;
  if (JSON.stringify(options).length > OPTIONS_MAX_BYTES) return null;
  return { challengeId: challenge_id, options: options as Record<string, unknown> };
}

/** A failed call to the extension, in the words of the page: a Directus without it offers no passkeys. */
export function passkeyCallFailure(error: unknown): PasskeyFailure {
  const failure = classifyDirectusError(error);
  if (failure.kind === "not-found") return { ok: false, message: PASSKEYS_UNAVAILABLE, status: 503 };
  return { ok: false, message: failureMessage(failure), status: failureStatus(failure) };
}

/** A fresh challenge for an anonymous passkey sign-in (discoverable: the browser offers its passkeys for this site). */
export async function passkeySignInOptions(state: SessionState, clientIp: string | null): Promise<{ ok: true; options: Record<string, unknown> } | PasskeyFailure> {
  let answer: unknown;
  try {
    answer = await directusClient({ clientIp }).request(
      customEndpoint<unknown>({ path: "/account-sign-in/passkeys/authentication/options", method: "POST", body: "{}" }),
    );
  } catch (error) {
    return passkeyCallFailure(error);
  }
  const challenge = challengeOf(answer);
  if (!challenge) return { ok: false, message: failureMessage({ kind: "unknown", status: null }), status: 502 };
  beginPasskeySignIn(state, challenge.challengeId);
  return { ok: true, options: challenge.options };
}

/**
 * Signs the browser in with the passkey's answer to the challenge this session holds. The challenge is
 * used up whatever the answer (the extension uses it up too): another attempt starts with new options.
 */
export async function signInWithPasskey(state: SessionState, response: PasskeyResponse, clientIp: string | null): Promise<{ ok: true } | PasskeyFailure> {
  const step = liveStep(state, "passkey-sign-in");
  endPasskeySignIn(state);
  // No challenge of this browser's: nothing is asked, and nothing is told apart from a refusal.
  if (!step) return { ok: false, message: PASSKEY_REFUSED, status: 401 };
  const result = await throttledPasskeySignIn(response.id, clientIp, () => attempt(step.challengeId, response, clientIp));
  if ("throttled" in result) return { ok: false, message: waitMessage(result.retryAfterSeconds), status: 429, retryAfterSeconds: result.retryAfterSeconds };
  if (result.outcome === "wrong") return { ok: false, message: PASSKEY_REFUSED, status: 401 };
  if (result.outcome === "unchecked") {
    // The extension's own per-process bound (15-minute windows): the wait is told as the app's own is.
    if (result.failure.kind === "rate-limited") return { ok: false, message: waitMessage(EXTENSION_WINDOW_SECONDS), status: 429, retryAfterSeconds: EXTENSION_WINDOW_SECONDS };
    return { ok: false, message: failureMessage(result.failure), status: failureStatus(result.failure) };
  }
  signIn(state, result.session);
  return { ok: true };
}

function attempt(challengeId: string, response: PasskeyResponse, clientIp: string | null): Promise<ExtensionSignIn> {
  return signInThroughExtension("/account-sign-in/passkeys/authentication", { challenge_id: challengeId, response }, clientIp);
}

/** /login/passkey's answer: the options as JSON, a redirect once signed in, or `{ formError }` with its status. */
export async function answerPasskeySignIn(state: SessionState, intent: PasskeySignInIntent, clientIp: string | null) {
  if (intent.intent === "options") {
    const result = await passkeySignInOptions(state, clientIp);
    return result.ok ? data({ options: result.options }) : failed(result);
  }
  const result = await signInWithPasskey(state, intent.response, clientIp);
  if (!result.ok) return failed(result);
  throw redirect(safeRedirect(intent.redirectTo));
}

function failed({ message, status, retryAfterSeconds }: PasskeyFailure) {
  return data({ formError: message }, { status, ...(retryAfterSeconds ? { headers: { "Retry-After": String(retryAfterSeconds) } } : {}) });
}
