// The code of an account with two-factor sign-in that signed in through an identity provider:
// Directus takes the code only when the flow starts, so the provider is asked once more with it.
import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/login.provider-code";
import { CodeField } from "#app/components/code-field.tsx";
import { RecoveryCodeForm } from "#app/components/recovery-code-form.tsx";
import { FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { loginCodeSchema } from "#app/lib/two-factor-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requireAnonymous } from "#app/server/session/require-user.server.ts";
import { getSessionState, takeFlash } from "#app/server/session/session.server.ts";
import { cancelProviderCode, requireProviderCodeStep, startProviderSignIn } from "#app/server/sign-in/identity-provider.server.ts";
import { signInWithRecoveryCodeAtProvider } from "#app/server/sign-in/recovery-code-sign-in.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Enter your sign-in code" }];

export function loader({ context }: Route.LoaderArgs) {
  requireAnonymous(context);
  const state = getSessionState(context);
  const { provider } = requireProviderCodeStep(state);
  return { label: provider.label, notice: takeFlash(state) };
}

export async function action({ request, context }: Route.ActionArgs) {
  requireAnonymous(context);
  const state = getSessionState(context);
  const { step, provider } = requireProviderCodeStep(state);
  const form = await readForm(request);
  const attempt = crypto.randomUUID();
  const parsed = parseForm(loginCodeSchema, form);
  if (!parsed.ok) return data({ attempt, errors: parsed.errors, formError: parsed.errors.intent ?? null }, { status: 400 });
  if (parsed.data.intent === "start-over") throw cancelProviderCode(state);
  if (parsed.data.intent === "recovery-code") {
    // No second trip to the provider: the step's proof of this sign-in goes with the code.
    const result = await signInWithRecoveryCodeAtProvider(state, step, parsed.data.recoveryCode, clientIp(request));
    if (result.ok) throw redirect(result.redirectTo);
    return data({ attempt, errors: {}, formError: result.message }, { status: result.status });
  }
  // Directus counts each refused code against the account (auth_login_attempts), and each try
  // needs the person signed in at the provider.
  throw await startProviderSignIn(state, provider, { redirectTo: step.redirectTo, otp: parsed.data.code, clientIp: clientIp(request) });
}

export default function LoginProviderCode({ loaderData, actionData }: Route.ComponentProps) {
  const errors = actionData?.errors as Record<string, string | undefined> | undefined;
  return (
    <section className="card" aria-labelledby="code-title">
      <h1 id="code-title">Enter your sign-in code</h1>
      <p>Your account has two-factor sign-in. Open your authenticator app and enter the code it shows; then {loaderData.label} is asked once more.</p>
      <FormAlert message={actionData?.formError ?? loaderData.notice} fieldErrors={errors} />
      <Form method="post" reloadDocument>
        <CodeField attempt={actionData?.attempt} error={errors?.code} autoFocus />
        <SubmitButton intent="verify" pendingLabel="Checking…">Continue</SubmitButton>
      </Form>
      <RecoveryCodeForm attempt={actionData?.attempt} error={errors?.recoveryCode} />
      <Form method="post" className="secondary-form">
        <SubmitButton intent="start-over" pendingLabel="Starting over…" className="secondary">Start over</SubmitButton>
      </Form>
    </section>
  );
}
