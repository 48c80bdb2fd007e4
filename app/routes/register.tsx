import { data, Form, Link, redirect } from "react-router";
import type { Route } from "./+types/register";
import { CredentialsFields, EmailField, FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { limits } from "#app/lib/limits.ts";
import { parseForm, registerEmailSchema, registerSchema } from "#app/lib/validation.ts";
import { beginStep } from "#app/server/session/steps.server.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import type { DirectusFailure } from "#app/server/directus/directus-errors.server.ts";
import { failureMessage, failureStatus } from "#app/server/directus/failure-messages.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { registrationErrors } from "#app/server/account/registration-errors.server.ts";
import { registerForConfirmation, registerWithPassword, registrationMode } from "#app/server/account/registration.server.ts";
import { requireAnonymous } from "#app/server/session/require-user.server.ts";
import { flash, getSessionState } from "#app/server/session/session.server.ts";
import { ProviderButtons } from "#app/components/provider-buttons.tsx";
import { providerButtons } from "#app/server/sign-in/identity-provider.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Register" }];

// True whether the address was new (its account now has this password) or had an account (nothing changed).
export const REGISTERED_MESSAGE =
  "Registered. If this address had no account, it has one now: log in with the password you chose. If it already had one, nothing changed: log in with that account's password, or reset it.";

// With email verification (the default, and what the form assumes while Directus cannot say) the
// password is chosen after confirming the address; without it, here.
export async function loader({ request, context }: Route.LoaderArgs) {
  requireAnonymous(context);
  const mode = await registrationMode(clientIp(request));
  return { asksPassword: mode.ok && !mode.verifiesEmail, providers: providerButtons() };
}

export async function action({ request, context }: Route.ActionArgs) {
  requireAnonymous(context);
  const form = await readForm(request);
  const email = String(form.get("email") ?? "").slice(0, limits.emailMax);
  const attempt = crypto.randomUUID();
  const ip = clientIp(request);
  const mode = await registrationMode(ip);
  if (!mode.ok) {
    return data({ attempt, email, errors: {}, formError: failureMessage(mode.failure), asksPassword: true }, { status: failureStatus(mode.failure) });
  }
  const asksPassword = !mode.verifiesEmail;
  const invalid = (errors: Record<string, string | undefined>) => data({ attempt, email, errors, formError: null, asksPassword }, { status: 400 });
  const refused = (failure: DirectusFailure) => {
    const fieldErrors = registrationErrors(failure);
    return data(
      { attempt, email, errors: fieldErrors ?? {}, formError: fieldErrors ? null : failureMessage(failure), asksPassword },
      { status: fieldErrors ? 400 : failureStatus(failure) },
    );
  };

  if (asksPassword) {
    const parsed = parseForm(registerSchema, form);
    if (!parsed.ok) return invalid(parsed.errors);
    const result = await registerWithPassword(parsed.data.email, parsed.data.password, ip);
    if (!result.ok) return refused(result.failure);
    // The same answer for every address, and no session: the login form (throttled) is next.
    const state = getSessionState(context);
    beginStep(state, { name: "email-verified", email: parsed.data.email });
    flash(state, REGISTERED_MESSAGE);
    throw redirect("/login");
  }
  const parsed = parseForm(registerEmailSchema, form);
  if (!parsed.ok) return invalid(parsed.errors);
  const result = await registerForConfirmation(parsed.data.email, ip);
  if (!result.ok) return refused(result.failure);
  // The same page for every address: a taken one is not told apart (Directus answered the same).
  beginStep(getSessionState(context), { name: "verification-sent", email: parsed.data.email });
  throw redirect("/verify-email");
}

export default function Register({ loaderData, actionData }: Route.ComponentProps) {
  const errors = actionData?.errors as Record<string, string | undefined> | undefined;
  const asksPassword = actionData?.asksPassword ?? loaderData.asksPassword;
  return (
    <section className="card" aria-labelledby="register-title">
      <h1 id="register-title">Register</h1>
      <FormAlert message={actionData?.formError} fieldErrors={errors} />
      <Form method="post">
        {asksPassword ? (
          <CredentialsFields attempt={actionData?.attempt} email={actionData?.email} errors={errors} newPassword />
        ) : (
          <>
            <EmailField attempt={actionData?.attempt} email={actionData?.email} error={errors?.email} />
            <p className="muted">We will email you a link: opening it confirms the address, and there you choose your password.</p>
          </>
        )}
        <SubmitButton pendingLabel="Registering…">Register</SubmitButton>
      </Form>
      <ProviderButtons providers={loaderData.providers} redirectTo={null} />
      <p>
        Already registered? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}
