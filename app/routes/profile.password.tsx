import { data, Form, Link, redirect } from "react-router";
import type { Route } from "./+types/profile.password";
import { FormAlert } from "#app/components/field.tsx";
import { CurrentPasswordField, NewPasswordFields } from "#app/components/password-fields.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { changePasswordSchema, parseForm } from "#app/lib/validation.ts";
import { changePassword } from "#app/server/account/account-changes.server.ts";
import { signInProvider } from "#app/server/account/profile.server.ts";
import { accountChangeFailure } from "#app/server/account/account-change-errors.server.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";
import { flash } from "#app/server/session/session.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Change your password" }];

export const PASSWORD_CHANGED_MESSAGE = "Your password has been changed. Every other session of your account has ended.";

export async function loader(args: Route.LoaderArgs) {
  // Asking Directus which provider the account has also confirms the session is alive.
  return { provider: await signInProvider(await requireUser(args)) };
}

export async function action(args: Route.ActionArgs) {
  const signedIn = await requireUser(args);
  const form = await readForm(args.request);
  const attempt = crypto.randomUUID();
  const provider = await signInProvider(signedIn);
  if (provider) return data({ attempt, errors: {}, formError: noPasswordHere(provider) }, { status: 400 });
  const parsed = parseForm(changePasswordSchema, form);
  if (!parsed.ok) return data({ attempt, errors: parsed.errors, formError: null }, { status: 400 });

  const { currentPassword, password } = parsed.data;
  const result = await changePassword(signedIn, currentPassword, password, clientIp(args.request));
  if (!result.ok) return accountChangeFailure(result, attempt);
  flash(signedIn.session, PASSWORD_CHANGED_MESSAGE);
  throw redirect("/profile");
}

const noPasswordHere = (provider: string) => `Your account signs in with ${provider} and has no password here.`;

export default function ChangePassword({ loaderData, actionData }: Route.ComponentProps) {
  const errors = actionData?.errors as Record<string, string | undefined> | undefined;
  if (loaderData.provider) {
    return (
      <section className="card" aria-labelledby="password-title">
        <h1 id="password-title">Your password</h1>
        <p>{noPasswordHere(loaderData.provider)} Your password, if any, is kept by them.</p>
        <p>
          <Link to="/profile">Back to your profile</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="password-title">
      <h1 id="password-title">Change your password</h1>
      <p>You stay logged in here; every other session of your account ends.</p>
      <FormAlert message={actionData?.formError} fieldErrors={errors} />
      <Form method="post">
        <CurrentPasswordField attempt={actionData?.attempt} errors={errors} />
        <NewPasswordFields attempt={actionData?.attempt} errors={errors} />
        <SubmitButton pendingLabel="Saving…">Change password</SubmitButton>
      </Form>
      <p>
        <Link to="/profile">Back to your profile</Link>
      </p>
    </section>
  );
}
