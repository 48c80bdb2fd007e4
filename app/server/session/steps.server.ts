// Multi-step flows as named states: the one place that says what the session may hold between two
// steps and for how long. The session holds at most one step, each with its own lifetime (below),
// and signing in or out removes it (session.server.ts; a sign-in keeps an email-change link that waits for it).
import { config } from "../config.server";
import type { AppSession, SessionState } from "./session.server";
import type { KeptInput, SecuredAction } from "#app/lib/secured-actions.ts";

/**
 * The password was right for an account with two-factor sign-in; the code is next. Directus has no
 * token for a half-finished login, so the code step sends email and password again: they wait here,
 * in the sealed cookie only (docs/decisions/011).
 */
export type LoginCodeStep = {
  name: "login-code";
  email: string;
  password: string;
  /** Where the login goes once the code is right (already made safe). */
  redirectTo: string;
  expiresAt: number;
};

/**
 * The signed-in user confirmed their password and Directus generated this secret; one code from
 * their authenticator app turns two-factor sign-in on.
 */
export type TwoFactorSetupStep = {
  name: "two-factor-setup";
  secret: string;
  /** The issuer Directus named in its otpauth:// URL (its project name), shown by authenticator apps. */
  issuer: string;
  expiresAt: number;
};

/** A registration's verification link went to `email`: the check-email page, its re-send button, the login hint. */
export type VerificationSentStep = { name: "verification-sent"; email: string; expiresAt: number };

/** `email` has just been verified, or registered without verification: the login form starts with it. */
export type EmailVerifiedStep = { name: "email-verified"; email: string; expiresAt: number };

/** A password-reset link was opened: its token, kept out of the address bar, the history and the page. */
export type PasswordResetStep = { name: "password-reset"; email: string; token: string; expiresAt: number };

/**
 * An email-change link was opened (docs/decisions/015): its token, kept out of the address bar, the
 * history and the page. "confirm" waits for the account that asked to be signed in here, so it is the
 * one step a sign-in keeps (session.server.ts); "cancel" (the old address's link) needs no sign-in.
 */
export type EmailChangeLinkStep = { name: "email-change-link"; purpose: "confirm" | "cancel"; email: string; token: string; expiresAt: number };

/**
 * A sign-in through an identity provider is under way (docs/decisions/018): Directus's own state
 * cookie for it, kept here so it never reaches the browser, and the `state` the provider must send
 * back. The callback is refused without this step, so nobody can finish a sign-in this browser
 * did not start.
 */
export type IdentityProviderStep = {
  name: "identity-provider";
  provider: string;
  /** What the provider must return as `state`. */
  state: string;
  /** Directus's state cookie as a Cookie header ("openid.<name>=…"). */
  directusCookie: string;
  redirectTo: string;
  /** The two-factor code it was started with: a refusal now means it was wrong; a sign-in uses it up. */
  code?: string;
  /**
   * Not a sign-in but "confirm it's you" of the signed-in `userId` (docs/decisions/023): the answer
   * must be that same account, and never replaces the session; then `action` goes on.
   */
  confirming?: { userId: string; action: SecuredAction; kept?: KeptInput };
  expiresAt: number;
};

/**
 * The provider signed in an account with two-factor sign-in: its code is next, then the provider again.
 * `proof`: the PKCE verifier of the flow Directus just refused for the code (the `verifier` claim of
 * its state cookie), which the account-sign-in extension takes with a recovery code instead of a
 * second trip to the provider (docs/decisions/025).
 */
export type IdentityProviderCodeStep = { name: "identity-provider-code"; provider: string; redirectTo: string; proof?: string; expiresAt: number };

/**
 * A new batch of recovery codes, shown once (account/recovery-codes.server.ts): they wait here, in the
 * sealed cookie only, until the person says they kept them, never in a URL or a log line.
 */
export type RecoveryCodesStep = { name: "recovery-codes"; codes: string[]; expiresAt: number };

/**
 * An action that secures or hands over the account waits for "confirm it's you"
 * (account/confirm-its-you.server.ts): which one, and what the person had typed for it.
 */
export type ConfirmItsYouStep = {
  name: "confirm-its-you";
  action: SecuredAction;
  kept?: KeptInput;
  /** The account-sign-in extension's challenge for confirming with a passkey, once the page asked for one. */
  passkeyChallenge?: string;
  expiresAt: number;
};

/**
 * A passkey sign-in began (sign-in/passkey-sign-in.server.ts): the account-sign-in extension's
 * challenge id, kept here so the browser never holds it alone. It only interrupts the step under way
 * (a verification mail waited for, an email-change link waiting for this sign-in): that one is kept
 * as `interrupted`, still read through liveStep, and put back when the passkey step ends.
 */
export type PasskeySignInStep = { name: "passkey-sign-in"; challengeId: string; interrupted?: Step; expiresAt: number };

/** The signed-in user asked to add a passkey ("confirm it's you" passed): the extension's challenge id for it. */
export type PasskeyRegistrationStep = { name: "passkey-registration"; challengeId: string; expiresAt: number };

export type Step =
  | LoginCodeStep
  | ConfirmItsYouStep
  | TwoFactorSetupStep
  | VerificationSentStep
  | EmailVerifiedStep
  | PasswordResetStep
  | EmailChangeLinkStep
  | IdentityProviderStep
  | IdentityProviderCodeStep
  | PasskeySignInStep
  | PasskeyRegistrationStep
  | RecoveryCodesStep;
type StepName = Step["name"];
type Named<N extends StepName> = Extract<Step, { name: N }>;
// Omit over each member of the union, so the fields of every step stay required.
type Beginning<S> = S extends Step ? Omit<S, "expiresAt"> : never;

const MINUTE = 60_000;
// Two-factor steps hold a password or a fresh secret: TWO_FACTOR_STEP_MAX_AGE, at most five minutes.
// The account steps: a day to come back for a verification mail, a few minutes between verifying and
// logging in, an hour to choose a new password or to sign in and confirm an email change (never past
// the link's own end, see `notAfter`).
const lifetimeMs: Record<StepName, () => number> = {
  "login-code": () => config.twoFactorStepSeconds * 1000,
  "two-factor-setup": () => config.twoFactorStepSeconds * 1000,
  "verification-sent": () => 24 * 60 * MINUTE,
  "email-verified": () => 15 * MINUTE,
  "password-reset": () => 60 * MINUTE,
  "email-change-link": () => 60 * MINUTE,
  // Time to sign in at the provider (Directus's own state lasts as long: AUTH_<NAME>_LOGIN_TIMEOUT).
  "identity-provider": () => 10 * MINUTE,
  "identity-provider-code": () => config.twoFactorStepSeconds * 1000,
  // As long as a sign-in at the provider may take, one way of confirming.
  "confirm-its-you": () => 10 * MINUTE,
  // The extension's challenges live five minutes; the step no longer.
  "passkey-sign-in": () => 5 * MINUTE,
  "passkey-registration": () => 5 * MINUTE,
  // Time to copy, download or write down ten codes.
  "recovery-codes": () => 10 * MINUTE,
};

/** Starts a step, replacing whatever step the session held; `notAfter` shortens its life (a link's own expiry). */
export function beginStep(state: SessionState, step: Beginning<Step>, { now = Date.now(), notAfter = Infinity } = {}) {
  const expiresAt = Math.min(now + lifetimeMs[step.name](), notAfter);
  state.session.set("step", { ...step, expiresAt } as Step);
  state.changed = true;
}

export function endStep(state: SessionState) {
  if (!state.session.has("step")) return;
  state.session.unset("step");
  state.changed = true;
}

/**
 * The live step of this name; "expired" when it ran out (it is forgotten now, so the next look
 * says "missing"); "missing" when there is none, or the session holds a step of another flow.
 */
export function currentStep<N extends StepName>(state: SessionState, name: N, now = Date.now()): Named<N> | "expired" | "missing" {
  let step = state.session.get("step");
  const passkey = step?.name === "passkey-sign-in";
  // Under a passkey sign-in, the step it interrupted is still the one its flow reads.
  if (step?.name === "passkey-sign-in" && name !== "passkey-sign-in") step = step.interrupted;
  if (!step || step.name !== name) return "missing";
  if (now >= step.expiresAt) {
    // An expired passkey sign-in gives back what it interrupted.
    if (passkey && name === "passkey-sign-in") endPasskeySignIn(state, now);
    else endStep(state);
    return "expired";
  }
  return step as Named<N>;
}

/** The live step of this name, or null: for flows to which an expired step and none are the same. */
export function liveStep<N extends StepName>(state: SessionState, name: N, now = Date.now()): Named<N> | null {
  const step = currentStep(state, name, now);
  return typeof step === "string" ? null : step;
}

/**
 * Whether the session holds a live step of any flow, without forgetting an expired one: a GET
 * (a link opened from another site, a mail scanner) must not replace it, nor change the session.
 */
export function stepInProgress(state: SessionState, now = Date.now()): boolean {
  const step = state.session.get("step");
  return step !== undefined && now < lastExpiry(step);
}

/** A passkey sign-in's step lives as long as the step it interrupted, whichever ends later. */
function lastExpiry(step: Step): number {
  return step.name === "passkey-sign-in" && step.interrupted ? Math.max(step.expiresAt, step.interrupted.expiresAt) : step.expiresAt;
}

/**
 * When the cookie of a session that is not signed in should expire: with its step, so the browser
 * drops the credentials a login-code step holds when the app would refuse them anyway.
 */
export function stepCookieExpiry(session: AppSession): Date | undefined {
  const step = session.get("step");
  return step ? new Date(lastExpiry(step)) : undefined;
}

/**
 * Keeps the extension's challenge for a passkey sign-in, interrupting (not ending) the step under way;
 * a second sign-in attempt replaces the first's challenge and keeps what that one interrupted.
 */
export function beginPasskeySignIn(state: SessionState, challengeId: string, now = Date.now()) {
  const step = state.session.get("step");
  const interrupted = step?.name === "passkey-sign-in" ? step.interrupted : step && now < step.expiresAt ? step : undefined;
  beginStep(state, { name: "passkey-sign-in", challengeId, ...(interrupted ? { interrupted } : {}) }, { now });
}

/** The passkey sign-in is over (signed in or refused): the step it interrupted comes back, while it lives. */
export function endPasskeySignIn(state: SessionState, now = Date.now()) {
  const step = state.session.get("step");
  if (step?.name !== "passkey-sign-in") return;
  if (step.interrupted && now < step.interrupted.expiresAt) state.session.set("step", step.interrupted);
  else state.session.unset("step");
  state.changed = true;
}
