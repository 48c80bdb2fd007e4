import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/login.code";
import { CodeField } from "#app/components/code-field.tsx";
import { RecoveryCodeForm } from "#app/components/recovery-code-form.tsx";
import { FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { loginCodeSchema } from "#app/lib/two-factor-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requireCodeStep, signInWithCode, startOver } from "#app/server/sign-in/login-code.server.ts";
import { signInWithRecoveryCode } from "#app/server/sign-in/recovery-code-sign-in.server.ts";
import { requireAnonymous } from "#app/server/session/require-user.server.ts";
import { getSessionState } from "#app/server/session/session.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Enter your sign-in code" }];

// Nothing from the step reaches the page: the email and password stay in the sealed cookie.
export function loader({ context }: Route.LoaderArgs) {
  requireAnonymous(context);
  requireCodeStep(getSessionState(context));
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  requireAnonymous(context);
  const state = getSessionState(context);
  const step = requireCodeStep(state);
  const form = await readForm(request);
  // A fresh id per answer empties the code input, even without a reload.
  const attempt = crypto.randomUUID();
  const parsed = parseForm(loginCodeSchema, form);
  if (!parsed.ok) return data({ attempt, errors: parsed.errors, formError: parsed.errors.intent ?? null }, { status: 400 });
  if (parsed.data.intent === "start-over") throw startOver(state);

  const result =
    parsed.data.intent === "recovery-code"
      ? await signInWithRecoveryCode(state, step, parsed.data.recoveryCode, clientIp(request))
      : await signInWithCode(state, step, parsed.data.code, clientIp(request));
  if (result.ok) throw redirect(result.redirectTo);
  return data({ attempt, errors: {}, formError: result.message }, { status: result.status });
}

export default function LoginCode({ actionData }: Route.ComponentProps) {
  const errors = actionData?.errors as Record<string, string | undefined> | undefined;
  return (
    <section className="card" aria-labelledby="code-title">
      <h1 id="code-title">Enter your sign-in code</h1>
      <p>Your account has two-factor sign-in. Open your authenticator app and enter the code it shows.</p>
      <FormAlert message={actionData?.formError} fieldErrors={errors} />
      <Form method="post">
        <CodeField attempt={actionData?.attempt} error={errors?.code} autoFocus />
        <SubmitButton intent="verify" pendingLabel="Checking…">Log in</SubmitButton>
      </Form>
      <RecoveryCodeForm attempt={actionData?.attempt} error={errors?.recoveryCode} />
      <Form method="post" className="secondary-form">
        <p className="muted">Not you, or no code at hand?</p>
        <SubmitButton intent="start-over" pendingLabel="Starting over…" className="secondary">Start over</SubmitButton>
      </Form>
    </section>
  );
}
