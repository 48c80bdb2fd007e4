import { data, Form, Link, redirect, useSearchParams } from "react-router";
import type { Route } from "./+types/verify-email";
import { FormAlert } from "#app/components/field.tsx";
import { LinkProblemNotice } from "#app/components/link-problem.tsx";
import { NewPasswordFields } from "#app/components/password-fields.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { confirmRegistrationSchema, parseForm } from "#app/lib/validation.ts";
import { beginStep, liveStep } from "#app/server/session/steps.server.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { failureMessage, failureStatus } from "#app/server/directus/failure-messages.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { linkProblemStatus, linkTokenProblem, readLinkToken } from "#app/server/account/link-token.server.ts";
import { PASSWORD_POLICY_MESSAGE } from "#app/server/account/registration-errors.server.ts";
import { confirmRegistration, sendVerificationAgain } from "#app/server/account/registration.server.ts";
import { flash, getSessionState, signIn, takeFlash } from "#app/server/session/session.server.ts";

export const meta: Route.MetaFunction = ({ location }) => [
  { title: new URLSearchParams(location.search).has("token") ? "Choose your password" : "Confirm your email address" },
];

export const CONFIRMED_MESSAGE = "Your email address is confirmed and your password is set.";
export const CONFIRMED_OWN_PASSWORD_MESSAGE = "Your address is confirmed. Log in with your password.";

// /verify-email?token=… is the link in the email: a page that asks for a password, with the token in
// its form. Opening it changes nothing, neither at Directus nor in the session (a mail scanner's
// prefetch opens it too); posting the form confirms. Without a token this is the "check your email"
// page, with a button to send the link again.
export function loader({ request, context }: Route.LoaderArgs) {
  const state = getSessionState(context);
  const token = new URL(request.url).searchParams.get("token");
  const pending = liveStep(state, "verification-sent");
  if (token === null) return { notice: takeFlash(state), email: pending?.email ?? null, problem: null, confirming: null };
  const problem = linkTokenProblem(token, "pending-registration");
  if (problem) return data({ notice: null, email: pending?.email ?? null, problem, confirming: null }, { status: linkProblemStatus(problem) });
  return { notice: null, email: pending?.email ?? null, problem: null, confirming: readLinkToken(token)!.email };
}

/** "Confirm" (the password form of the link's page), or "send the link again", only for the address this browser registered. */
export async function action({ request, context }: Route.ActionArgs) {
  const form = await readForm(request);
  const state = getSessionState(context);
  const ip = clientIp(request);
  if (form.get("intent") === "confirm") {
    const attempt = crypto.randomUUID();
    const answer = (fields: { errors?: Record<string, string | undefined>; formError?: string | null; problem?: "invalid" | "expired" | "used" | null }, status: number) =>
      data({ intent: "confirm" as const, attempt, errors: {}, formError: null, problem: null, resent: false, ...fields }, { status });
    const parsed = parseForm(confirmRegistrationSchema, form);
    // The token has no field of its own to show an error beside: a form without one is a link that does not work.
    if (!parsed.ok && parsed.errors.token) return answer({ problem: "invalid" }, 400);
    if (!parsed.ok) return answer({ errors: parsed.errors }, 400);
    const result = await confirmRegistration(parsed.data.token, parsed.data.password, ip);
    if (result.ok) {
      signIn(state, result.session);
      flash(state, CONFIRMED_MESSAGE);
      throw redirect("/dashboard");
    }
    if ("problem" in result) return answer({ problem: result.problem }, linkProblemStatus(result.problem));
    if ("confirmedEmail" in result) {
      beginStep(state, { name: "email-verified", email: result.confirmedEmail });
      flash(state, CONFIRMED_OWN_PASSWORD_MESSAGE);
      throw redirect("/login");
    }
    if ("passwordRefused" in result) return answer({ errors: { password: PASSWORD_POLICY_MESSAGE } }, 400);
    return answer({ formError: failureMessage(result.failure) }, failureStatus(result.failure));
  }

  const pending = liveStep(state, "verification-sent");
  if (!pending) throw redirect("/verify-email");
  const result = await sendVerificationAgain(pending.email, ip);
  const resent = { intent: "resend" as const, attempt: null, errors: {}, problem: null };
  if (!result.ok) return data({ ...resent, resent: false, formError: failureMessage(result.failure) }, { status: failureStatus(result.failure) });
  beginStep(state, { name: "verification-sent", email: pending.email });
  return { ...resent, resent: true, formError: null };
}

export default function VerifyEmail({ loaderData, actionData }: Route.ComponentProps) {
  const { notice, email, confirming } = loaderData;
  const problem = actionData?.problem ?? loaderData.problem;
  const resend = email ? (
    <Form method="post" action="/verify-email">
      <SubmitButton action="/verify-email" pendingLabel="Sending…">Send the link again</SubmitButton>
    </Form>
  ) : (
    <p>
      To get a new link, <Link to="/register">register again</Link> with your email address.
    </p>
  );
  if (problem) {
    return (
      <section className="card" aria-labelledby="verify-title">
        <LinkProblemNotice problem={problem} titleId="verify-title" flow="verification" />
        {problem === "used" ? null : resend}
      </section>
    );
  }
  if (confirming) return <ChoosePassword email={confirming} actionData={actionData?.intent === "confirm" ? actionData : undefined} />;
  return (
    <section className="card" aria-labelledby="verify-title">
      <h1 id="verify-title">Check your email</h1>
      <FormAlert message={notice} tone="info" />
      <FormAlert message={actionData?.resent ? `We sent the link to ${email} again.` : null} tone="info" />
      <FormAlert message={actionData?.intent === "resend" ? actionData.formError : null} />
      {email ? (
        <>
          <p>
            We sent a link to <strong>{email}</strong>. Open it to confirm your address and choose your password.
          </p>
          <p className="muted">
            Nothing there? Look in your spam folder, or send the link again. If this address already has an account,
            no new one is made: <Link to="/login">log in</Link> or <Link to="/forgot-password">reset your password</Link>.
          </p>
        </>
      ) : (
        <p>Open the link in the email we sent when you registered. It confirms your address; there you choose your password.</p>
      )}
      {resend}
    </section>
  );
}

/** The link's page: the token rides in the form (from the address the page was opened at), never in the session. */
function ChoosePassword({ email, actionData }: { email: string; actionData: { attempt: string | null; errors: Record<string, string | undefined>; formError: string | null } | undefined }) {
  const [searchParams] = useSearchParams();
  const errors = actionData?.errors;
  return (
    <section className="card" aria-labelledby="verify-title">
      <h1 id="verify-title">Choose your password</h1>
      <p>
        For <strong>{email}</strong>. Saving it confirms this address and signs you in.
      </p>
      <FormAlert message={actionData?.formError} fieldErrors={errors} />
      <Form method="post">
        <input type="hidden" name="intent" value="confirm" />
        <input type="hidden" name="token" value={searchParams.get("token") ?? ""} />
        <NewPasswordFields attempt={actionData?.attempt ?? undefined} errors={errors} label="Password" />
        <SubmitButton pendingLabel="Saving…">Confirm and save the password</SubmitButton>
      </Form>
    </section>
  );
}
