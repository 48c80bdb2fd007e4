// "Confirm it's you" (docs/decisions/023): an action that secures or hands over the account waits
// here until the person proves what the account has; then it goes on where it was asked for.
import { data, Form, Link } from "react-router";
import type { Route } from "./+types/confirm-its-you";
import { CodeField } from "#app/components/code-field.tsx";
import { Field, FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { ConfirmWithPasskey } from "#app/components/passkey-confirm.tsx";
import { limits } from "#app/lib/limits.ts";
import { confirmItsYouSchema } from "#app/lib/two-factor-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";
import { confirmItsYou, confirmView } from "#app/server/account/confirm-its-you.server.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Confirm it's you" }];

export async function loader(args: Route.LoaderArgs) {
  return confirmView(await requireUser(args, { twoFactorSetup: true }));
}

export async function action(args: Route.ActionArgs) {
  const signedIn = await requireUser(args, { twoFactorSetup: true });
  const form = await readForm(args.request);
  // A fresh id per answer remounts the inputs: a password or code is never sent back to the page.
  const attempt = crypto.randomUUID();
  const parsed = parseForm(confirmItsYouSchema, form);
  // The passkey's answer has no field of its own on the page: its refusal is said for the whole form.
  if (!parsed.ok) return data({ attempt, errors: parsed.errors, formError: parsed.errors.intent ?? parsed.errors.response ?? null }, { status: 400 });
  const { status, ...answer } = await confirmItsYou(signedIn, parsed.data, clientIp(args.request));
  return data({ attempt, ...answer }, { status });
}

export default function ConfirmItsYou({ loaderData: view, actionData }: Route.ComponentProps) {
  const errors = actionData?.errors as Record<string, string | undefined> | undefined;
  const { ways } = view;
  return (
    <section className="card" aria-labelledby="confirm-title">
      <h1 id="confirm-title">Confirm it's you</h1>
      <FormAlert message={actionData?.formError ?? view.notice} fieldErrors={errors} />
      {ways ? <Ways view={view} ways={ways} actionData={actionData} errors={errors} /> : <p>Nothing is waiting for you to confirm just now.</p>}
      <p>
        <Link to={view.back}>{ways ? "Cancel" : "Back to your profile"}</Link>
      </p>
    </section>
  );
}

function Ways({
  view,
  ways,
  actionData,
  errors,
}: {
  view: { what: string | null; minutes: number };
  ways: NonNullable<Route.ComponentProps["loaderData"]["ways"]>;
  actionData: { attempt: string } | undefined;
  errors: Record<string, string | undefined> | undefined;
}) {
  return (
    <>
      <p>
        {`To ${view.what}, confirm it's you. Then for ${view.minutes} minute${view.minutes === 1 ? "" : "s"} this browser is not asked again.`}
      </p>
      {ways.password ? (
        <Form method="post">
          <Field
            key={`password-${actionData?.attempt}`}
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            autoFocus
            maxLength={limits.passwordMax}
            hint="The password you log in with."
            error={errors?.password}
          />
          <SubmitButton intent="password" pendingLabel="Checking…">Confirm</SubmitButton>
        </Form>
      ) : null}
      {ways.provider && !ways.code ? (
        // A whole-page post: the answer sends the browser to the provider's own site. With two-factor on,
        // the code alone confirms (the provider would ask Directus for it anyway): one code field, not two.
        <Form method="post" reloadDocument>
          <p>Sign in at {ways.provider.label} again, in this browser.</p>
          <SubmitButton intent="provider" pendingLabel="Opening…">
            {`Continue with ${ways.provider.label}`}
          </SubmitButton>
        </Form>
      ) : null}
      {ways.code ? (
        // Shown only when two-factor sign-in is on: for any other account a code would check nothing.
        <Form method="post">
          <p>{ways.password ? "Or enter the code your authenticator app shows." : "Enter the code your authenticator app shows."}</p>
          <CodeField attempt={actionData?.attempt} error={errors?.code} autoFocus={!ways.password} />
          <SubmitButton intent="code" pendingLabel="Checking…">Confirm with the code</SubmitButton>
        </Form>
      ) : null}
      {ways.passkey ? <ConfirmWithPasskey alone={!ways.password && !ways.provider && !ways.code} /> : null}
      {!ways.password && !ways.provider && !ways.code && !ways.passkey ? (
        <p>Your account signs in through an identity provider this site no longer offers, so it cannot be confirmed here.</p>
      ) : null}
    </>
  );
}
