// The steps of the account flows that outlive one request, and what the session holds between them:
// one step at a time, each with a deadline. Routes read and write them only through here, so none of
// them invents a cookie field of its own.
import type { SessionState } from "./session.server";

export type AccountStep =
  /** A verification link went to `email` (registration, a changed email): the check-email page, its re-send button, the login hint. */
  | { name: "verification-sent"; email: string; until: number }
  /** `email` has just been verified: the login form starts with it. */
  | { name: "email-verified"; email: string; until: number }
  /** A password-reset link was opened: its token, kept out of the address bar, the history and the page. */
  | { name: "password-reset"; email: string; token: string; until: number };

export type StepName = AccountStep["name"];
type StepOf<N extends StepName> = Extract<AccountStep, { name: N }>;
type NewStep = { [N in StepName]: Omit<StepOf<N>, "until"> }[StepName];

const MINUTE = 60_000;
// How long each step is worth keeping: a day to come back for a verification mail, a few minutes
// between verifying and logging in, an hour to choose a new password (never past the link's own end).
const LIFETIME_MS: Record<StepName, number> = {
  "verification-sent": 24 * 60 * MINUTE,
  "email-verified": 15 * MINUTE,
  "password-reset": 60 * MINUTE,
};

/** Starts a step, replacing any other; `notAfter` shortens its life (a link's own expiry). */
export function beginStep(state: SessionState, step: NewStep, { notAfter = Infinity, now = Date.now() } = {}) {
  state.session.set("step", { ...step, until: Math.min(now + LIFETIME_MS[step.name], notAfter) } as AccountStep);
  state.changed = true;
}

/** The pending step if it is `name` and still within its time; an expired one is dropped. */
export function currentStep<N extends StepName>(state: SessionState, name: N, now = Date.now()): StepOf<N> | null {
  const step = state.session.get("step");
  if (!step) return null;
  if (step.until <= now) {
    endStep(state);
    return null;
  }
  return step.name === name ? (step as StepOf<N>) : null;
}

export function endStep(state: SessionState) {
  if (!state.session.has("step")) return;
  state.session.unset("step");
  state.changed = true;
}
