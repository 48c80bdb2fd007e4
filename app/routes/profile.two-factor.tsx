import { data, Form, Link } from "react-router";
import type { Route } from "./+types/profile.two-factor";
import { CodeField } from "#app/components/code-field.tsx";
import { RecoveryCodeField } from "#app/components/recovery-code-field.tsx";
import { ConfirmFirstNote } from "#app/components/confirm-first-note.tsx";
import { FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { twoFactorSchema } from "#app/lib/two-factor-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";
import { changeTwoFactor, twoFactorView } from "#app/server/account/two-factor.server.ts";
import type { RecoveryCodesStatus } from "#app/server/account/recovery-codes.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Two-factor sign-in" }];

export async function loader(args: Route.LoaderArgs) {
  return twoFactorView(await requireUser(args, { twoFactorSetup: true }));
}

export async function action(args: Route.ActionArgs) {
  const signedIn = await requireUser(args, { twoFactorSetup: true });
  const form = await readForm(args.request);
  // A fresh id per answer remounts the inputs, so the code is empty again even without a reload.
  const attempt = crypto.randomUUID();
  const parsed = parseForm(twoFactorSchema, form);
  if (!parsed.ok) return data({ attempt, errors: parsed.errors, formError: parsed.errors.intent ?? null }, { status: 400 });
  const { status, ...answer } = await changeTwoFactor(signedIn, parsed.data, clientIp(args.request));
  return data({ attempt, ...answer }, { status });
}

type Answer = { attempt: string; errors: Record<string, string | undefined> } | undefined;

export default function TwoFactor({ loaderData: view, actionData }: Route.ComponentProps) {
  const answer: Answer = actionData;
  return (
    <section className="card" aria-labelledby="two-factor-title">
      <h1 id="two-factor-title">Two-factor sign-in</h1>
      <FormAlert message={view.notice} tone="info" />
      <FormAlert message={actionData?.formError} fieldErrors={answer?.errors} />
      {view.status === "on" ? (
        <TurnedOn required={view.required} recoveryCodes={view.recoveryCodes} answer={answer} />
      ) : view.status === "setting-up" ? (
        <SettingUp secret={view.secret} qrCode={view.qrCode} answer={answer} />
      ) : (
        <TurnedOff required={view.required} confirmed={view.confirmed} provider={view.provider} />
      )}
    </section>
  );
}

function TurnedOff({ required, confirmed, provider }: { required: boolean; confirmed: boolean; provider: string | null }) {
  return (
    <>
      {required ? (
        <p>
          <strong>Your account requires two-factor sign-in. Set it up to continue.</strong>
        </p>
      ) : null}
      <p>
        With two-factor sign-in, signing in takes a code from an authenticator app as well as {provider ? `signing in with ${provider}` : "your password"}.
        You also get recovery codes, for when you cannot use the app.
      </p>
      <ConfirmFirstNote confirmed={confirmed} provider={provider} />
      <Form method="post">
        <SubmitButton intent="start" pendingLabel="Starting…">Set up two-factor sign-in</SubmitButton>
      </Form>
    </>
  );
}

function SettingUp({ secret, qrCode, answer }: { secret: string; qrCode: string; answer: Answer }) {
  return (
    <>
      <p>Scan this QR code with your authenticator app:</p>
      <img className="qr-code" src={qrCode} alt="QR code for your authenticator app" width={192} height={192} />
      <p>
        Or enter this key in the app:{" "}
        <code className="two-factor-key" data-testid="two-factor-key">
          {secret.match(/.{1,4}/g)?.join(" ")}
        </code>
      </p>
      <p>Then enter the code the app shows, to turn two-factor sign-in on.</p>
      <Form method="post">
        <CodeField attempt={answer?.attempt} error={answer?.errors.code} />
        <SubmitButton intent="enable" pendingLabel="Turning on…">Turn on two-factor sign-in</SubmitButton>
      </Form>
      <Form method="post" className="secondary-form">
        <SubmitButton intent="cancel" pendingLabel="Cancelling…" className="secondary">Cancel</SubmitButton>
      </Form>
    </>
  );
}

function TurnedOn({ required, recoveryCodes, answer }: { required: boolean; recoveryCodes: RecoveryCodesStatus | null; answer: Answer }) {
  return (
    <>
      <p>
        <strong>Two-factor sign-in is on.</strong> Logging in asks for a code from your authenticator app.
      </p>
      <p>
        {recoveryCodes === null
          ? "Your recovery codes sign you in when you cannot use the app."
          : recoveryCodes.total === 0
            ? "You have no recovery codes: make them, so that losing the app does not lock you out."
            : `${recoveryCodes.remaining} of ${recoveryCodes.total} recovery codes left.`}{" "}
        <Link to="/profile/recovery-codes">Your recovery codes</Link>
      </p>
      {required ? (
        <p>Your account requires two-factor sign-in, so it stays on.</p>
      ) : (
        <>
          <Form method="post">
            <h2>Turn it off</h2>
            <CodeField attempt={answer?.attempt} error={answer?.errors.code} />
            <SubmitButton intent="disable" pendingLabel="Turning off…" className="danger">Turn off two-factor sign-in</SubmitButton>
          </Form>
          <section aria-labelledby="lost-heading">
            <h2 id="lost-heading">Lost your authenticator?</h2>
            <p>Turn two-factor sign-in off with one of your recovery codes.</p>
            <Form method="post">
              <RecoveryCodeField attempt={answer?.attempt} error={answer?.errors.recoveryCode} />
              <SubmitButton intent="disable-with-recovery-code" pendingLabel="Turning off…" className="danger">
                Turn off with a recovery code
              </SubmitButton>
            </Form>
          </section>
        </>
      )}
      <p>
        <Link to="/dashboard">Continue to your dashboard</Link>
      </p>
    </>
  );
}
