import { data, Form, Link } from "react-router";
import type { Route } from "./+types/profile.two-factor";
import { CodeField } from "#app/components/code-field.tsx";
import { ConfirmFirstNote } from "#app/components/confirm-first-note.tsx";
import { FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { twoFactorSchema } from "#app/lib/two-factor-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";
import { changeTwoFactor, twoFactorView } from "#app/server/account/two-factor.server.ts";

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
        <TurnedOn required={view.required} answer={answer} />
      ) : view.status === "setting-up" ? (
        <SettingUp secret={view.secret} qrCode={view.qrCode} answer={answer} />
      ) : (
        <TurnedOff required={view.required} confirmed={view.confirmed} />
      )}
    </section>
  );
}

function TurnedOff({ required, confirmed }: { required: boolean; confirmed: boolean }) {
  return (
    <>
      {required ? (
        <p>
          <strong>Your account requires two-factor sign-in. Set it up to continue.</strong>
        </p>
      ) : null}
      <p>With two-factor sign-in, logging in takes a code from an authenticator app as well as your password or your identity provider.</p>
      <ConfirmFirstNote confirmed={confirmed} />
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

function TurnedOn({ required, answer }: { required: boolean; answer: Answer }) {
  return (
    <>
      <p>
        <strong>Two-factor sign-in is on.</strong> Logging in asks for a code from your authenticator app.
      </p>
      {required ? (
        <p>Your account requires two-factor sign-in, so it stays on.</p>
      ) : (
        <Form method="post">
          <h2>Turn it off</h2>
          <CodeField attempt={answer?.attempt} error={answer?.errors.code} />
          <SubmitButton intent="disable" pendingLabel="Turning off…" className="danger">Turn off two-factor sign-in</SubmitButton>
        </Form>
      )}
      <p>
        <Link to="/dashboard">Continue to your dashboard</Link>
      </p>
    </>
  );
}
