import { data, Form, Link, redirect } from "react-router";
import type { Route } from "./+types/profile.email";
import { ConfirmFirstNote } from "#app/components/confirm-first-note.tsx";
import { EmailField, FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { limits } from "#app/lib/limits.ts";
import { changeEmailSchema, parseForm } from "#app/lib/validation.ts";
import { requestEmailChange } from "#app/server/account/account-changes.server.ts";
import { keptFor } from "#app/server/account/confirm-its-you.server.ts";
import { accountChangeFailure } from "#app/server/account/account-change-errors.server.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";
import { flash, hasConfirmedItsYou, takeFlash } from "#app/server/session/session.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Change your email address" }];

export async function loader(args: Route.LoaderArgs) {
  const { user, session } = await requireUser(args, { confirm: true });
  // `newEmail`: what was typed before "confirm it's you", given back once confirmed.
  return { email: user.email, newEmail: keptFor(session, "email-change").email, confirmed: hasConfirmedItsYou(session), notice: takeFlash(session) };
}

export async function action(args: Route.ActionArgs) {
  const signedIn = await requireUser(args);
  const form = await readForm(args.request);
  const email = String(form.get("email") ?? "").slice(0, limits.emailMax);
  const attempt = crypto.randomUUID();
  const parsed = parseForm(changeEmailSchema, form);
  if (!parsed.ok) return data({ attempt, email, errors: parsed.errors, formError: null }, { status: 400 });
  if (parsed.data.email.toLowerCase() === signedIn.user.email.toLowerCase()) {
    return data({ attempt, email, errors: { email: "This is already your email address." }, formError: null }, { status: 400 });
  }

  const result = await requestEmailChange(signedIn, parsed.data.email, clientIp(args.request));
  if (!result.ok) return accountChangeFailure(result, attempt, email);
  flash(signedIn.session, `We sent a link to ${parsed.data.email}; your address changes once you open it.`);
  throw redirect("/profile");
}

export default function ChangeEmail({ loaderData, actionData }: Route.ComponentProps) {
  const errors = actionData?.errors as Record<string, string | undefined> | undefined;
  return (
    <section className="card" aria-labelledby="email-title">
      <h1 id="email-title">Change your email address</h1>
      <p>
        Now: <strong>{loaderData.email}</strong>. We send a link to the new address; your address changes once you open it
        and confirm. Until then you keep logging in with this one. Then every session of your account ends, and we tell
        this address about the change.
      </p>
      <FormAlert message={loaderData.notice} tone="info" />
      <FormAlert message={actionData?.formError} fieldErrors={errors} />
      <ConfirmFirstNote confirmed={loaderData.confirmed} />
      <Form method="post">
        <EmailField attempt={actionData?.attempt} email={actionData?.email ?? loaderData.newEmail} error={errors?.email} label="New email" />
        <SubmitButton pendingLabel="Sending…">Change email</SubmitButton>
      </Form>
      <p>
        <Link to="/profile">Back to your profile</Link>
      </p>
    </section>
  );
}
