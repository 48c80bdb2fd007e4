import { data, Form, Link, redirect, useSearchParams } from "react-router";
import type { Route } from "./+types/confirm-email";
import { LinkProblemNotice } from "#app/components/link-problem.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { cancelEmailChange, confirmEmailChange, type EmailChangeProblem } from "#app/server/account/account-changes.server.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { failureMessage, failureStatus } from "#app/server/directus/failure-messages.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { linkProblemStatus, linkTokenProblem, linkTokenUserId, readLinkToken, type LinkProblem } from "#app/server/account/link-token.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";
import { getSessionState, signOut, type SessionState } from "#app/server/session/session.server.ts";
import { beginStep, endStep, liveStep, stepInProgress, type EmailChangeLinkStep } from "#app/server/session/steps.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Confirm your new email address" }];

const confirmedMessage = (email: string) => `Your email address is now ${email}. Log in with it: every session of your account has ended.`;

type Purpose = EmailChangeLinkStep["purpose"];
const scopeOf = { confirm: "email-change", cancel: "email-change-cancel" } as const;
const problemStatus = (problem: EmailChangeProblem) =>
  problem === "other-account" ? 403 : problem === "invalid" || problem === "expired" || problem === "used" ? linkProblemStatus(problem) : 409;

// /confirm-email?token=… is the link mailed to a new address; ?cancel=… the one in the notice to the
// old address. Either token moves into the session and the page reloads without it, so it stays out
// of the address bar, the history and the page; a GET never replaces a step this browser is in the
// middle of (then the page asks first). Opening a link changes nothing (mail scanners open links
// too): a button posts. Only the account that asked can confirm (docs/decisions/015): a browser not
// signed in is asked to sign in, and comes back here; another account is refused.
export function loader({ request, context }: Route.LoaderArgs) {
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

export async function action(args: Route.ActionArgs) {
  const { request, context } = args;
  const state = getSessionState(context);
  const form = await readForm(request);
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
  const ip = clientIp(request);

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

export default function ConfirmEmail({ loaderData, actionData }: Route.ComponentProps) {
  const [searchParams] = useSearchParams();
  const view = actionData?.view ?? loaderData.view;
  const problem = (actionData?.problem ?? loaderData.problem) as EmailChangeProblem | LinkProblem | null;
  const title = <h1 id="confirm-title">{view === "cancel" || view === "cancelled" ? "Cancel the email change" : "Confirm your new email address"}</h1>;
  const card = (children: React.ReactNode) => (
    <section className="card" aria-labelledby="confirm-title">
      {children}
    </section>
  );

  if (view === "problem" && problem) return card(<LinkProblemNotice problem={problem} titleId="confirm-title" flow="email-change" />);
  if (view === "other-account") return card(<LinkProblemNotice problem="other-account" titleId="confirm-title" flow="email-change" />);
  if (view === "missing") {
    return card(
      <>
        <h1 id="confirm-title">Open the link from your email</h1>
        <p role="alert">This page needs the link we email when you ask to change your email address, or the one that cancels such a change.</p>
        <p>
          <Link to="/profile/email">Change your email address</Link> or <Link to="/login">log in</Link>.
        </p>
      </>,
    );
  }
  if (view === "asks") {
    const purpose = searchParams.has("cancel") ? "cancel" : "confirm";
    return card(
      <>
        {title}
        <p>
          This link is about changing an account&apos;s email address. This browser is in the middle of something else (a sign-in, a
          registration or another link); continuing replaces it.
        </p>
        <Form method="post" action="/confirm-email">
          <input type="hidden" name="intent" value="open" />
          <input type="hidden" name="purpose" value={purpose} />
          <input type="hidden" name="token" value={searchParams.get(purpose === "cancel" ? "cancel" : "token") ?? ""} />
          <SubmitButton action="/confirm-email" pendingLabel="Opening…">Continue</SubmitButton>
        </Form>
        <p>
          <Link to="/">Not now</Link>
        </p>
      </>,
    );
  }
  if (view === "cancelled") {
    return card(
      <>
        {title}
        <p role="status">The change is cancelled: the account keeps its address. If you did not ask for it, reset your password now.</p>
        <p>
          <Link to="/forgot-password">Reset your password</Link> or <Link to="/login">log in</Link>.
        </p>
      </>,
    );
  }
  if (view === "cancel") {
    return card(
      <>
        {title}
        <p>
          Someone signed in to the account that uses <strong>{loaderData.email}</strong> asked to change its email address. Cancelling
          keeps the address as it is; the link sent to the new address then does nothing.
        </p>
        <Form method="post">
          <SubmitButton pendingLabel="Cancelling…">Cancel the change</SubmitButton>
        </Form>
      </>,
    );
  }
  if (view === "sign-in") {
    return card(
      <>
        {title}
        <p role={actionData ? "alert" : undefined}>
          Only the account that asked for this change can confirm it. Log in as that account (with the address it uses now), and you
          come back here to confirm.
        </p>
        <p>
          <Link to={`/login?${new URLSearchParams({ redirectTo: "/confirm-email" })}`}>Log in to confirm</Link>
        </p>
        <p>If you did not ask for this, you need do nothing: the link changes nothing for anyone else.</p>
      </>,
    );
  }
  return card(
    <>
      {title}
      <p>
        Your account will use <strong>{loaderData.email}</strong> from now on: you log in with it, and every session of your account
        ends, this one included.
      </p>
      <Form method="post">
        <SubmitButton pendingLabel="Confirming…">Confirm the new address</SubmitButton>
      </Form>
    </>,
  );
}
