// The email-change links (docs/decisions/015): /confirm-email?token=… is the link mailed to a new
// address; ?cancel=… the one in the notice to the old address. Either token moves into the session
// and the page reloads without it, so it stays out of the address bar, the history and the page; a
// GET never replaces a step this browser is in the middle of (then the page asks first). Opening a
// link changes nothing (mail scanners open links too): a button posts. Only the account that asked
// can confirm: a browser not signed in is asked to sign in, and comes back here; another account is
// refused.
import { data, redirect } from "react-router";
import { failureMessage, failureStatus } from "../directus/failure-messages.server";
import { requireUser, type GuardArgs } from "../session/require-user.server";
import { getSessionState, signOut, type SessionState } from "../session/session.server";
import { beginStep, endStep, liveStep, stepInProgress, type EmailChangeLinkStep } from "../session/steps.server";
import { cancelEmailChange, confirmEmailChange, type EmailChangeProblem } from "./account-changes.server";
import { linkProblemStatus, linkTokenProblem, linkTokenUserId, readLinkToken } from "./link-token.server";

const confirmedMessage = (email: string) => `Your email address is now ${email}. Log in with it: every session of your account has ended.`;

type Purpose = EmailChangeLinkStep["purpose"];
const scopeOf = { confirm: "email-change", cancel: "email-change-cancel" } as const;
const problemStatus = (problem: EmailChangeProblem) =>
  problem === "other-account" ? 403 : problem === "invalid" || problem === "expired" || problem === "used" ? linkProblemStatus(problem) : 409;

/** The page for the link in the address, or for the one this browser holds. */
export function emailChangeLinkView({ request, context }: GuardArgs) {
  const state = getSessionState(context);
  const params = new URL(request.url).searchParams;
  const purpose: Purpose | null = params.has("token") ? "confirm" : params.has("cancel") ? "cancel" : null;
  if (purpose) {
    const token = params.get(purpose === "confirm" ? "token" : "cancel") ?? "";
    const problem = linkTokenProblem(token, scopeOf[purpose]);
    if (problem) return data({ view: "problem" as const, problem, email: null }, { status: linkProblemStatus(problem) });
    const { email, expiresAt } = readLinkToken(token)!;
    if (stepInProgress(state) && liveStep(state, "email-change-link")?.token !== token) return { view: "asks" as const, purpose, email, problem: null };
    beginStep(state, { name: "email-change-link", purpose, email, token }, { notAfter: expiresAt });
    throw redirect("/confirm-email");
  }
  const pending = liveStep(state, "email-change-link");
  if (!pending) return data({ view: "missing" as const, email: null, problem: null }, { status: 400 });
  return { view: stepView(state, pending), email: pending.email, problem: null };
}

/** What the page offers for the link this browser holds. */
function stepView(state: SessionState, step: EmailChangeLinkStep) {
  if (step.purpose === "cancel") return "cancel" as const;
  const user = state.session.get("user");
  if (!user) return "sign-in" as const;
  // The token's own word (unchecked) only words the page; the extension refuses another account anyway.
  return linkTokenUserId(step.token) === user.id ? ("confirm" as const) : ("other-account" as const);
}

/** Opens a link after asking, confirms the change or cancels it. */
export async function answerEmailChangeLink(args: GuardArgs, form: FormData, ip: string | null) {
  const { context } = args;
  const state = getSessionState(context);
  // "Continue" on the page that asked: this post, from this app's own page, may replace the step.
  if (form.get("intent") === "open") {
    const purpose: Purpose = form.get("purpose") === "cancel" ? "cancel" : "confirm";
    const token = String(form.get("token") ?? "");
    const problem = linkTokenProblem(token, scopeOf[purpose]);
    if (problem) return data({ view: "problem" as const, problem }, { status: linkProblemStatus(problem) });
    const { email, expiresAt } = readLinkToken(token)!;
    beginStep(state, { name: "email-change-link", purpose, email, token }, { notAfter: expiresAt });
    throw redirect("/confirm-email");
  }
  const pending = liveStep(state, "email-change-link");
  if (!pending) return data({ view: "missing" as const, problem: null }, { status: 400 });

  if (pending.purpose === "cancel") {
    const result = await cancelEmailChange(pending.token, ip);
    if (!result.ok && "failure" in result) throw data({ message: failureMessage(result.failure) }, { status: failureStatus(result.failure) });
    endStep(state);
    if (!result.ok) return data({ view: "problem" as const, problem: result.problem }, { status: problemStatus(result.problem) });
    // Its own status: the page's loader now finds no link here, and would answer 400.
    return data({ view: "cancelled" as const, problem: null }, { status: 200 });
  }

  // Nothing is asked of Directus for a browser that is not signed in: the link alone confirms nothing.
  if (!state.session.get("user")) return data({ view: "sign-in" as const, problem: null }, { status: 401 });
  const signedIn = await requireUser(args);
  const result = await confirmEmailChange(signedIn, pending.token);
  if (!result.ok && "failure" in result) throw data({ message: failureMessage(result.failure) }, { status: failureStatus(result.failure) });
  if (!result.ok) {
    // Another account keeps the link, so the right one can still sign in here and confirm it.
    if (result.problem !== "other-account") endStep(state);
    return data({ view: "problem" as const, problem: result.problem }, { status: problemStatus(result.problem) });
  }
  // Directus has ended every session of the account, this one included.
  signOut(state, confirmedMessage(result.email));
  // The login form starts with the new address, as after confirming a registration.
  beginStep(state, { name: "email-verified", email: result.email });
  throw redirect("/login");
}

