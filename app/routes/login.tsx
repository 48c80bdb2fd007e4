import { data, Form, Link, redirect, useSearchParams } from "react-router";
import type { Route } from "./+types/login";
import { CredentialsFields, FormAlert } from "#app/components/field.tsx";
import { PausedLoginHelp } from "#app/components/paused-login.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { safeRedirect } from "#app/lib/safe-redirect.ts";
import { limits } from "#app/lib/limits.ts";
import { loginSchema, parseForm } from "#app/lib/validation.ts";
import { liveStep } from "#app/server/session/steps.server.ts";
import { logIn } from "#app/server/sign-in/auth.server.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { failureMessage, failureStatus } from "#app/server/directus/failure-messages.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { awaitCode } from "#app/server/sign-in/login-code.server.ts";
import { requireAnonymous } from "#app/server/session/require-user.server.ts";
import { getSessionState, signIn, takeFlash } from "#app/server/session/session.server.ts";
import { knownDevice } from "#app/server/session/device-cookie.server.ts";
import { throttledLogin, waitMessage } from "#app/server/limits/throttle.server.ts";
import { ProviderButtons } from "#app/components/provider-buttons.tsx";
import { PasskeySignIn, useAfterPasskeyOptions } from "#app/components/passkey-sign-in.tsx";
import { providerButtons } from "#app/server/sign-in/identity-provider.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Log in" }];

// A throttled attempt's wait, from the action to the response (React Router keeps action headers otherwise).
export const headers: Route.HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export function loader({ context }: Route.LoaderArgs) {
  requireAnonymous(context);
  const state = getSessionState(context);
  // Just verified: the form starts with the address the link confirmed.
  return { notice: takeFlash(state), email: liveStep(state, "email-verified")?.email ?? null, providers: providerButtons() };
}

export const UNVERIFIED_MESSAGE = "Your email address is not confirmed yet. Open the link we sent you, or send a new one.";

export async function action({ request, context }: Route.ActionArgs) {
  requireAnonymous(context);
  const form = await readForm(request);
  const email = String(form.get("email") ?? "").slice(0, limits.emailMax);
  // A fresh id per answer remounts the password input, so it is empty again even without a reload.
  const attempt = crypto.randomUUID();
  const parsed = parseForm(loginSchema, form);
  if (!parsed.ok) return data({ attempt, email, errors: parsed.errors, formError: null, unverified: false }, { status: 400 });

  const state = getSessionState(context);
  const ip = clientIp(request);
  const device = await knownDevice(request.headers.get("Cookie"), parsed.data.email);
  const result = await throttledLogin(parsed.data.email, ip, () => logIn(parsed.data.email, parsed.data.password, ip), device);
  if ("throttled" in result) {
    const headers = { "Retry-After": String(result.retryAfterSeconds) };
    return data({ attempt, email, errors: {}, formError: waitMessage(result.retryAfterSeconds), unverified: false, paused: true }, { status: 429, headers });
  }
  // The password was right and the account has two-factor sign-in: the code is next.
  if (!result.ok && result.codeRefused) throw awaitCode(getSessionState(context), parsed.data);
  if (!result.ok) {
    // Directus refuses an unverified account like a wrong password; this browser knows better only
    // for the address it registered itself, so nobody learns anything about other addresses.
    const pending = liveStep(state, "verification-sent");
    const unverified = result.failure.kind === "unauthorized" && pending?.email.toLowerCase() === parsed.data.email.toLowerCase();
    return data(
      { attempt, email, errors: {}, formError: unverified ? UNVERIFIED_MESSAGE : failureMessage(result.failure), unverified },
      { status: failureStatus(result.failure) },
    );
  }
  signIn(state, result.session);
  throw redirect(safeRedirect(parsed.data.redirectTo));
}

export default function Login({ loaderData, actionData }: Route.ComponentProps) {
  const [searchParams] = useSearchParams();
  const errors = actionData?.errors as Record<string, string | undefined> | undefined;
  const afterPasskeyOptions = useAfterPasskeyOptions();
  return (
    <section className="card" aria-labelledby="login-title">
      <h1 id="login-title">Log in</h1>
      <FormAlert message={loaderData.notice} tone="info" />
      <FormAlert message={actionData?.formError} fieldErrors={errors} />
      {actionData?.unverified ? (
        <Form method="post" action="/verify-email" className="inline-form">
          <SubmitButton action="/verify-email" pendingLabel="Sending…">Send the link again</SubmitButton>
        </Form>
      ) : null}
      <Form method="post" onSubmit={afterPasskeyOptions}>
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <CredentialsFields
          attempt={actionData?.attempt}
          email={actionData?.email ?? loaderData.email ?? undefined}
          errors={errors}
          emailAutoComplete="username webauthn"
        />
        <SubmitButton pendingLabel="Logging in…">Log in</SubmitButton>
      </Form>
      {actionData && "paused" in actionData ? <PausedLoginHelp email={actionData.email} /> : null}
      <PasskeySignIn redirectTo={searchParams.get("redirectTo")} />
      <ProviderButtons providers={loaderData.providers} redirectTo={searchParams.get("redirectTo")} />
      <p>
        <Link to="/forgot-password">Forgot password?</Link>
      </p>
      <p>
        No account yet? <a href="/register">Register</a>
      </p>
    </section>
  );
}
