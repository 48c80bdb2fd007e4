// Multi-step flows as named states: the one place that says what the session may hold between two
// steps and for how long. The session holds at most one step; each expires TWO_FACTOR_STEP_MAX_AGE
// (at most five minutes) after it began, and signing in or out removes it (session.server.ts).
import { config } from "./config.server";
import type { AppSession, SessionState } from "./session.server";

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
  /** Codes Directus refused in this step; too many and the login starts over. */
  wrongCodes: number;
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

export type Step = LoginCodeStep | TwoFactorSetupStep;
type StepName = Step["name"];
type Named<N extends StepName> = Extract<Step, { name: N }>;
// Omit over each member of the union, so the fields of every step stay required.
type Beginning<S> = S extends Step ? Omit<S, "expiresAt"> : never;

const stepMaxAgeMs = () => config.twoFactorStepSeconds * 1000;

/** Starts a step, replacing whatever step the session held. */
export function beginStep(state: SessionState, step: Beginning<Step>, now = Date.now()) {
  state.session.set("step", { ...step, expiresAt: now + stepMaxAgeMs() } as Step);
  state.changed = true;
}

/** Saves a changed step (e.g. one more wrong code), keeping its expiry. */
export function updateStep(state: SessionState, step: Step) {
  state.session.set("step", step);
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
  const step = state.session.get("step");
  if (!step || step.name !== name) return "missing";
  if (now >= step.expiresAt) {
    endStep(state);
    return "expired";
  }
  return step as Named<N>;
}

/**
 * When the cookie of a session that is not signed in should expire: with its step, so the browser
 * drops the credentials a login-code step holds when the app would refuse them anyway.
 */
export function stepCookieExpiry(session: AppSession): Date | undefined {
  const step = session.get("step");
  return step ? new Date(step.expiresAt) : undefined;
}
