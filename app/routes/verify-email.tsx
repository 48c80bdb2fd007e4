import { data, Form, Link, redirect } from "react-router";
import type { Route } from "./+types/verify-email";
import { FormAlert } from "#app/components/field.tsx";
import { LinkProblemNotice } from "#app/components/link-problem.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { beginStep, endStep, liveStep } from "#app/server/steps.server.ts";
import { clientIp } from "#app/server/client-ip.server.ts";
import { failureMessage, failureStatus } from "#app/server/failure-messages.server.ts";
import { readForm } from "#app/server/form.server.ts";
import { linkProblemStatus, linkTokenProblem, readLinkToken } from "#app/server/link-token.server.ts";
import { sendVerificationAgain, verifyEmailToken } from "#app/server/registration.server.ts";
import { flash, getSessionState, takeFlash } from "#app/server/session.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Confirm your email address" }];

export const VERIFIED_MESSAGE = "Your email address is confirmed. Log in to continue.";

// /verify-email?token=… is the link in the email: it confirms the address and goes on to log in.
// Without a token this is the "check your email" page, with a button to send the link again.
export async function loader({ request, context }: Route.LoaderArgs) {
  const state = getSessionState(context);
  const token = new URL(request.url).searchParams.get("token");
  const pending = liveStep(state, "verification-sent");
  if (token === null) return { notice: takeFlash(state), email: pending?.email ?? null, problem: null };

  const problem = linkTokenProblem(token, "pending-registration");
  const result = problem ? { ok: false as const, problem } : await verifyEmailToken(token, clientIp(request));
  if (result.ok) {
    const email = readLinkToken(token)!.email;
    endStep(state);
    beginStep(state, { name: "email-verified", email });
    flash(state, VERIFIED_MESSAGE);
    throw redirect("/login");
  }
  if ("failure" in result) throw data({ message: failureMessage(result.failure) }, { status: failureStatus(result.failure) });
  return data({ notice: null, email: pending?.email ?? null, problem: result.problem }, { status: linkProblemStatus(result.problem) });
}

/** "Send the link again": only for the address this browser registered (or changed to). */
export async function action({ request, context }: Route.ActionArgs) {
  await readForm(request);
  const state = getSessionState(context);
  const pending = liveStep(state, "verification-sent");
  if (!pending) throw redirect("/verify-email");
  const result = await sendVerificationAgain(pending.email, clientIp(request));
  if (!result.ok) return data({ resent: false, error: failureMessage(result.failure) }, { status: failureStatus(result.failure) });
  beginStep(state, { name: "verification-sent", email: pending.email });
  return { resent: true, error: null };
}

export default function VerifyEmail({ loaderData, actionData }: Route.ComponentProps) {
  const { notice, email, problem } = loaderData;
  const resend = email ? (
    <Form method="post" action="/verify-email">
      <SubmitButton action="/verify-email" pendingLabel="Sending…">Send the link again</SubmitButton>
    </Form>
  ) : (
    <p>
      To get a new link, <Link to="/register">register again</Link> with the same email address and password.
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
  return (
    <section className="card" aria-labelledby="verify-title">
      <h1 id="verify-title">Check your email</h1>
      <FormAlert message={notice} tone="info" />
      <FormAlert message={actionData?.resent ? `We sent the link to ${email} again.` : null} tone="info" />
      <FormAlert message={actionData?.error} />
      {email ? (
        <>
          <p>
            We sent a link to <strong>{email}</strong>. Open it to confirm your address, then log in.
          </p>
          <p className="muted">
            Nothing there? Look in your spam folder, or send the link again. If this address already has an account,
            no new one is made: <Link to="/login">log in</Link> or <Link to="/forgot-password">reset your password</Link>.
          </p>
        </>
      ) : (
        <p>Open the link in the email we sent when you registered. It confirms your address; then you can log in.</p>
      )}
      {resend}
    </section>
  );
}
