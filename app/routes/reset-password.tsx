import { data, Form, Link, redirect, useSearchParams } from "react-router";
import type { Route } from "./+types/reset-password";
import { FormAlert } from "#app/components/field.tsx";
import { LinkProblemNotice } from "#app/components/link-problem.tsx";
import { NewPasswordFields } from "#app/components/password-fields.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { openResetLinkSchema, parseForm, resetPasswordSchema } from "#app/lib/validation.ts";
import { beginStep, endStep, liveStep, stepInProgress } from "#app/server/session/steps.server.ts";
import { logIn } from "#app/server/sign-in/auth.server.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { failureMessage, failureStatus } from "#app/server/directus/failure-messages.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { linkProblemStatus, linkTokenProblem, readLinkToken } from "#app/server/account/link-token.server.ts";
import { resetPassword } from "#app/server/account/password-reset.server.ts";
import { isPasswordRefusal, PASSWORD_POLICY_MESSAGE } from "#app/server/account/registration-errors.server.ts";
import { flash, getSessionState, signIn } from "#app/server/session/session.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Choose a new password" }];

export const PASSWORD_RESET_MESSAGE = "Your password has been changed. You are logged in here, and out everywhere else.";

// /reset-password?token=… is the link in the email. Its token moves into the session and the page
// reloads without it, so it stays out of the address bar, the history and the form. A GET never
// replaces a step this browser is in the middle of (a link from another site could): then the page
// asks first, and its button posts the token.
export function loader({ request, context }: Route.LoaderArgs) {
  const state = getSessionState(context);
  const token = new URL(request.url).searchParams.get("token");
  if (token !== null) {
    const problem = linkTokenProblem(token, "password-reset");
    if (problem) return data({ email: null, problem, asks: false }, { status: linkProblemStatus(problem) });
    const { email, expiresAt } = readLinkToken(token)!;
    if (stepInProgress(state) && liveStep(state, "password-reset")?.token !== token) return { email, problem: null, asks: true };
    beginStep(state, { name: "password-reset", email, token }, { notAfter: expiresAt });
    throw redirect("/reset-password");
  }
  const pending = liveStep(state, "password-reset");
  if (!pending) return data({ email: null, problem: "missing" as const, asks: false }, { status: 400 });
  return { email: pending.email, problem: null, asks: false };
}

export async function action({ request, context }: Route.ActionArgs) {
  const state = getSessionState(context);
  const form = await readForm(request);
  // "Continue" on the page that asked: this post, from this app's own page, may replace the step.
  if (form.get("intent") === "open") {
    const opened = parseForm(openResetLinkSchema, form);
    const problem = opened.ok ? linkTokenProblem(opened.data.token, "password-reset") : "invalid";
    if (!opened.ok || problem) return data({ attempt: null, errors: {}, formError: null, problem }, { status: linkProblemStatus(problem ?? "invalid") });
    const { email, expiresAt } = readLinkToken(opened.data.token)!;
    beginStep(state, { name: "password-reset", email, token: opened.data.token }, { notAfter: expiresAt });
    throw redirect("/reset-password");
  }
  const pending = liveStep(state, "password-reset");
  if (!pending) throw redirect("/reset-password");
  const attempt = crypto.randomUUID();
  const parsed = parseForm(resetPasswordSchema, form);
  if (!parsed.ok) return data({ attempt, errors: parsed.errors, formError: null, problem: null }, { status: 400 });

  const ip = clientIp(request);
  const result = await resetPassword(pending.token, parsed.data.password, ip);
  if (!result.ok && "problem" in result) {
    endStep(state);
    return data({ attempt, errors: {}, formError: null, problem: result.problem }, { status: linkProblemStatus(result.problem) });
  }
  if (!result.ok) {
    const refused = isPasswordRefusal(result.failure);
    const errors = refused ? { password: PASSWORD_POLICY_MESSAGE } : {};
    return data({ attempt, errors, formError: refused ? null : failureMessage(result.failure), problem: null }, { status: failureStatus(result.failure) });
  }

  // Directus has ended every session of this user; this browser starts a new one with the new password.
  endStep(state);
  const login = await logIn(pending.email, parsed.data.password, ip);
  if (!login.ok) {
    flash(state, "Your password has been changed and every session of your account has ended. Log in with the new one.");
    throw redirect("/login");
  }
  signIn(state, login.session);
  flash(state, PASSWORD_RESET_MESSAGE);
  throw redirect("/dashboard");
}

export default function ResetPassword({ loaderData, actionData }: Route.ComponentProps) {
  const [searchParams] = useSearchParams();
  const problem = actionData?.problem ?? loaderData.problem;
  if (problem === "missing") {
    return (
      <section className="card" aria-labelledby="reset-title">
        <h1 id="reset-title">Open the link from your email</h1>
        <p>This page needs the link we email when you ask to reset your password.</p>
        <p>
          <Link to="/forgot-password">Ask for a link</Link> or <Link to="/login">log in</Link>.
        </p>
      </section>
    );
  }
  if (problem) {
    return (
      <section className="card" aria-labelledby="reset-title">
        <LinkProblemNotice problem={problem} titleId="reset-title" flow="reset" />
      </section>
    );
  }
  if (loaderData.asks) {
    return (
      <section className="card" aria-labelledby="reset-title">
        <h1 id="reset-title">Choose a new password?</h1>
        <p>
          This link is for choosing a new password for <strong>{loaderData.email}</strong>. This browser is in the middle of
          something else (a sign-in, a registration or another reset); continuing replaces it.
        </p>
        <Form method="post" action="/reset-password">
          <input type="hidden" name="intent" value="open" />
          <input type="hidden" name="token" value={searchParams.get("token") ?? ""} />
          <SubmitButton action="/reset-password" pendingLabel="Opening…">Continue</SubmitButton>
        </Form>
        <p>
          <Link to="/">Not now</Link>
        </p>
      </section>
    );
  }
  const errors = actionData?.errors as Record<string, string | undefined> | undefined;
  return (
    <section className="card" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <p>
        For <strong>{loaderData.email}</strong>. Every other session of this account ends.
      </p>
      <FormAlert message={actionData?.formError} fieldErrors={errors} />
      <Form method="post">
        <NewPasswordFields attempt={actionData?.attempt ?? undefined} errors={errors} />
        <SubmitButton pendingLabel="Saving…">Save the new password</SubmitButton>
      </Form>
    </section>
  );
}
