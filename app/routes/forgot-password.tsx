import { data, Form, Link } from "react-router";
import type { Route } from "./+types/forgot-password";
import { EmailField, FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { limits } from "#app/lib/limits.ts";
import { forgotPasswordSchema, parseForm } from "#app/lib/validation.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { failureMessage, failureStatus } from "#app/server/directus/failure-messages.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requestPasswordReset } from "#app/server/account/password-reset.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Reset your password" }];

export async function action({ request }: Route.ActionArgs) {
  const form = await readForm(request);
  const email = String(form.get("email") ?? "").slice(0, limits.emailMax);
  const attempt = crypto.randomUUID();
  const parsed = parseForm(forgotPasswordSchema, form);
  if (!parsed.ok) return data({ attempt, email, errors: parsed.errors, formError: null, sent: false }, { status: 400 });

  const result = await requestPasswordReset(parsed.data.email, clientIp(request));
  if (!result.ok) return data({ attempt, email, errors: {}, formError: failureMessage(result.failure), sent: false }, { status: failureStatus(result.failure) });
  // The same answer for every address: Directus says nothing about whether one has an account.
  return { attempt, email: parsed.data.email, errors: {}, formError: null, sent: true };
}

export default function ForgotPassword({ actionData }: Route.ComponentProps) {
  const errors = actionData?.errors as Record<string, string | undefined> | undefined;
  if (actionData?.sent) {
    return (
      <section className="card" aria-labelledby="forgot-title">
        <h1 id="forgot-title">Check your email</h1>
        <p role="status">
          If <strong>{actionData.email}</strong> belongs to an account, we have sent it a link to choose a new password.
        </p>
        <p className="muted">The link works for 24 hours, once. Nothing there? Look in your spam folder, or ask again.</p>
        <p>
          <Link to="/login">Back to log in</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Reset your password</h1>
      <p>Enter the email address of your account, and we will send it a link to choose a new password.</p>
      <FormAlert message={actionData?.formError} fieldErrors={errors} />
      <Form method="post">
        <EmailField attempt={actionData?.attempt} email={actionData?.email} error={errors?.email} />
        <SubmitButton pendingLabel="Sending…">Send the link</SubmitButton>
      </Form>
      <p>
        Remembered it? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}
