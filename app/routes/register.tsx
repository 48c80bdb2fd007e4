import { data, Form, Link, redirect } from "react-router";
import type { Route } from "./+types/register";
import { CredentialsFields, FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { limits } from "#app/lib/limits.ts";
import { parseForm, registerSchema } from "#app/lib/validation.ts";
import { beginStep } from "#app/server/steps.server.ts";
import { clientIp } from "#app/server/client-ip.server.ts";
import { failureMessage, failureStatus } from "#app/server/failure-messages.server.ts";
import { readForm } from "#app/server/form.server.ts";
import { registrationErrors } from "#app/server/registration-errors.server.ts";
import { register } from "#app/server/registration.server.ts";
import { requireAnonymous } from "#app/server/require-user.server.ts";
import { getSessionState, signIn } from "#app/server/session.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Register" }];

export function loader({ context }: Route.LoaderArgs) {
  requireAnonymous(context);
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  requireAnonymous(context);
  const form = await readForm(request);
  const email = String(form.get("email") ?? "").slice(0, limits.emailMax);
  const attempt = crypto.randomUUID();
  const parsed = parseForm(registerSchema, form);
  if (!parsed.ok) return data({ attempt, email, errors: parsed.errors, formError: null }, { status: 400 });

  const result = await register(parsed.data.email, parsed.data.password, clientIp(request));
  if (!result.ok) {
    const fieldErrors = registrationErrors(result.failure);
    return data(
      { attempt, email, errors: fieldErrors ?? {}, formError: fieldErrors ? null : failureMessage(result.failure) },
      { status: fieldErrors ? 400 : failureStatus(result.failure) },
    );
  }
  // The same page for every address: a taken one is not told apart (Directus answered the same).
  if ("verification" in result) {
    beginStep(getSessionState(context), { name: "verification-sent", email: parsed.data.email });
    throw redirect("/verify-email");
  }
  signIn(getSessionState(context), result.session);
  throw redirect("/dashboard");
}

export default function Register({ actionData }: Route.ComponentProps) {
  const errors = actionData?.errors as Record<string, string | undefined> | undefined;
  return (
    <section className="card" aria-labelledby="register-title">
      <h1 id="register-title">Register</h1>
      <FormAlert message={actionData?.formError} fieldErrors={errors} />
      <Form method="post">
        <CredentialsFields attempt={actionData?.attempt} email={actionData?.email} errors={errors} newPassword />
        <SubmitButton pendingLabel="Registering…">Register</SubmitButton>
      </Form>
      <p>
        Already registered? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}
