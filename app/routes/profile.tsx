import { data, Form, Link, type ShouldRevalidateFunction } from "react-router";
import type { Route } from "./+types/profile";
import { Field, FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { limits } from "#app/lib/limits.ts";
import { parseForm, profileSchema } from "#app/lib/validation.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { profileFormFailure, profileView, saveProfile } from "#app/server/account/profile.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";
import { takeFlash } from "#app/server/session/session.server.ts";
import { DRAFT_NOT_SAVED, isDraftAnswer, writeKeepingDraft } from "#app/server/sign-in/draft-sign-in.server.ts";
import { DraftSignIn } from "#app/components/draft-sign-in.tsx";
import { keepsDraftAnswer } from "#app/lib/draft.ts";
import { noticeLink, RECOVERY_CODES_PATH, RENEW_AT_MOST } from "#app/lib/recovery-codes.ts";

export const meta: Route.MetaFunction = () => [{ title: "Your profile" }];

export async function loader(args: Route.LoaderArgs) {
  // The draft login on this page's answer needs no session.
  if (isDraftAnswer(args.context)) {
    return { email: "", values: { firstName: "", lastName: "" }, twoFactor: false, provider: null, passkeys: null, recoveryCodes: null, notice: null };
  }
  const signedIn = await requireUser(args);
  return { ...(await profileView(signedIn)), notice: takeFlash(signedIn.session) };
}

export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  !keepsDraftAnswer(actionResult) && defaultShouldRevalidate;

export async function action(args: Route.ActionArgs) {
  const form = await readForm(args.request);
  const values = { firstName: String(form.get("firstName") ?? ""), lastName: String(form.get("lastName") ?? "") };
  return writeKeepingDraft(args, form, ["firstName", "lastName"], async (signedIn, { save }) => {
    // A fresh id per answer remounts the inputs, so they show what came back even without a reload.
    const attempt = crypto.randomUUID();
    if (!save) return { attempt, values, errors: {}, formError: DRAFT_NOT_SAVED, saved: false };
    const parsed = parseForm(profileSchema, form);
    if (!parsed.ok) return data({ attempt, values, errors: parsed.errors, formError: null, saved: false }, { status: 400 });

    const result = await saveProfile(signedIn, parsed.data);
    if (!result.ok) return profileFormFailure(result.failure, values, attempt);
    return { attempt, values: parsed.data, errors: {}, formError: null, saved: true };
  });
}

export default function Profile({ loaderData, actionData }: Route.ComponentProps) {
  if (actionData && "draftLogin" in actionData) return <DraftSignIn draft={actionData.draftLogin} />;
  const values = actionData?.values ?? loaderData.values;
  const errors = actionData?.errors as Record<string, string | undefined> | undefined;
  return (
    <section className="card" aria-labelledby="profile-title">
      <h1 id="profile-title">Your profile</h1>
      <FormAlert message={actionData ? null : loaderData.notice} tone="info" link={actionData ? null : noticeLink(loaderData.notice)} />
      <p>
        Email: <strong>{loaderData.email}</strong>
      </p>
      <p className="actions">
        <Link to="/profile/email">Change email</Link>
        {/* Only what applies: an account of an identity provider has no password here. */}
        {loaderData.provider ? null : <Link to="/profile/password">Change password</Link>}
        <Link to="/profile/sessions">Where you are signed in</Link>
      </p>
      <HowYouSignIn {...loaderData} />
      <FormAlert message={actionData?.saved ? "Profile saved" : null} tone="info" />
      <FormAlert message={actionData?.formError} fieldErrors={errors} />
      <Form method="post">
        <Field
          key={`firstName-${actionData?.attempt}`}
          label="First name"
          name="firstName"
          autoComplete="given-name"
          maxLength={limits.nameMax}
          defaultValue={values.firstName}
          error={errors?.firstName}
        />
        <Field
          key={`lastName-${actionData?.attempt}`}
          label="Last name"
          name="lastName"
          autoComplete="family-name"
          maxLength={limits.nameMax}
          defaultValue={values.lastName}
          error={errors?.lastName}
        />
        <SubmitButton pendingLabel="Saving…">Save profile</SubmitButton>
      </Form>
      <section aria-labelledby="two-factor-heading">
        <h2 id="two-factor-heading">Two-factor sign-in</h2>
        <p>
          {loaderData.twoFactor
            ? "On: logging in asks for a code from your authenticator app."
            : `Off: logging in takes only ${loaderData.provider ? `signing in with ${loaderData.provider}` : "your password"}.`}
        </p>
        <Link to="/profile/two-factor">{loaderData.twoFactor ? "Manage two-factor sign-in" : "Set up two-factor sign-in"}</Link>
      </section>
      <section aria-labelledby="passkeys-heading">
        <h2 id="passkeys-heading">Passkeys</h2>
        <p>
          {loaderData.passkeys === null
            ? "Sign in with your fingerprint, face or screen lock instead of your password."
            : loaderData.passkeys
              ? "On: you can sign in with a passkey, without your password."
              : "None yet: add one to sign in with your fingerprint, face or screen lock instead of your password."}
        </p>
        <Link to="/profile/passkeys">{loaderData.passkeys ? "Manage your passkeys" : "Add a passkey"}</Link>
      </section>
      <section aria-labelledby="your-data-heading">
        <h2 id="your-data-heading">Your data</h2>
        <p>Take a copy of your account with you, or see what happened to it lately.</p>
        <p className="actions">
          {/* A plain <a>, not <Link>: the browser itself must ask, to save the file its headers name. No
              `download` attribute: a failure page is then shown rather than saved. */}
          <a href="/profile/download">Download your data</a>
          <Link to="/profile/activity">Recent activity</Link>
        </p>
      </section>
      <section aria-labelledby="your-account-heading">
        <h2 id="your-account-heading">Your account</h2>
        <p>Deleting it removes the account, its posts and every way to sign in to it, for good.</p>
        <Link to="/profile/delete" className="danger-link">Delete your account</Link>
      </section>
    </section>
  );
}

type SignInWays = { provider: string | null; passkeys: number | null; twoFactor: boolean; recoveryCodes: number | null };

/** How the account signs in, as Directus and the account-sign-in extension say. */
function HowYouSignIn({ provider, passkeys, twoFactor, recoveryCodes }: SignInWays) {
  return (
    <section aria-labelledby="how-heading">
      <h2 id="how-heading">How you sign in</h2>
      <ul>
        <li>{provider ? `With ${provider}: your account has no password here.` : "With your password."}</li>
        {passkeys === null ? null : <li>Passkeys: {passkeys}.</li>}
        <li>Two-factor sign-in: {twoFactor ? "on" : "off"}.</li>
        {twoFactor && recoveryCodes !== null ? (
          <li>
            {recoveryCodes} recovery code{recoveryCodes === 1 ? "" : "s"} left.{" "}
            {recoveryCodes <= RENEW_AT_MOST ? (
              <strong>
                <Link to={RECOVERY_CODES_PATH}>Renew your recovery codes</Link> before they run out.
              </strong>
            ) : (
              <Link to={RECOVERY_CODES_PATH}>Your recovery codes</Link>
            )}
          </li>
        ) : null}
      </ul>
    </section>
  );
}
