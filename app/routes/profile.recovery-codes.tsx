// Recovery codes (docs/decisions/025): a new batch shown once (a list, Copy with JavaScript, a
// download, and "I have kept my recovery codes"), then only how many remain; renewing waits for
// "confirm it's you" and voids the old codes.
import { data, Form, Link } from "react-router";
import type { Route } from "./+types/profile.recovery-codes";
import { ConfirmFirstNote } from "#app/components/confirm-first-note.tsx";
import { CopyCodesButton } from "#app/components/copy-codes-button.tsx";
import { FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { RENEW_AT_MOST } from "#app/lib/recovery-codes.ts";
import { recoveryCodesSchema } from "#app/lib/two-factor-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";
import { changeRecoveryCodes, recoveryCodesView, type RecoveryCodesStatus } from "#app/server/account/recovery-codes.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Recovery codes" }];

export async function loader(args: Route.LoaderArgs) {
  return recoveryCodesView(await requireUser(args));
}

export async function action(args: Route.ActionArgs) {
  const signedIn = await requireUser(args);
  const parsed = parseForm(recoveryCodesSchema, await readForm(args.request));
  if (!parsed.ok) return data({ errors: parsed.errors, formError: parsed.errors.intent ?? null }, { status: 400 });
  const { status, ...answer } = await changeRecoveryCodes(signedIn, parsed.data);
  return data(answer, { status });
}

type Answer = { errors: Record<string, string | undefined>; formError: string | null } | undefined;

export default function RecoveryCodes({ loaderData: view, actionData }: Route.ComponentProps) {
  const answer: Answer = actionData;
  return (
    <section className="card" aria-labelledby="recovery-codes-title">
      <h1 id="recovery-codes-title">Recovery codes</h1>
      <FormAlert message={answer ? null : view.notice} tone="info" />
      <FormAlert message={answer?.formError} fieldErrors={answer?.errors} />
      {view.codes ? (
        <NewCodes codes={view.codes} error={answer?.errors.kept} />
      ) : view.twoFactor ? (
        <Remaining status={view.status} confirmed={view.confirmed} />
      ) : (
        <>
          <p>Recovery codes come with two-factor sign-in: each signs you in once when you cannot use your authenticator app.</p>
          <Link to="/profile/two-factor">Set up two-factor sign-in</Link>
        </>
      )}
      <p>
        <Link to="/profile">Back to your profile</Link>
      </p>
    </section>
  );
}

function NewCodes({ codes, error }: { codes: string[]; error: string | undefined }) {
  return (
    <>
      <p>
        <strong>Keep these codes somewhere safe now: they are shown only this once.</strong> Each signs you in once when you cannot
        use your authenticator app, and turns two-factor sign-in off if you lose it.
      </p>
      <ul className="recovery-codes" aria-label="Your recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <p className="actions">
        <CopyCodesButton codes={codes} />
        {/* A document request, not a page: the file downloads whether JavaScript runs or not. */}
        <a href="/profile/recovery-codes/download" download="recovery-codes.txt">
          Download
        </a>
      </p>
      <Form method="post">
        <div className="field checkbox-field">
          <input
            type="checkbox"
            id="kept"
            name="kept"
            required
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "kept-error" : undefined}
          />
          <label htmlFor="kept">I have kept my recovery codes</label>
        </div>
        {error ? (
          <p id="kept-error" className="field-error">
            {error}
          </p>
        ) : null}
        <SubmitButton intent="kept" pendingLabel="Saving…">Done</SubmitButton>
      </Form>
    </>
  );
}

function Remaining({ status, confirmed }: { status: RecoveryCodesStatus | null; confirmed: boolean }) {
  const none = status !== null && status.total === 0;
  return (
    <>
      {status === null ? (
        <p>How many recovery codes you have left cannot be read just now.</p>
      ) : none ? (
        <p>You have no recovery codes. Make them, so that losing your authenticator app does not lock you out.</p>
      ) : (
        <p>
          {status.remaining} of {status.total} recovery codes left.
          {status.remaining <= RENEW_AT_MOST ? <strong> Renew them now, before they run out.</strong> : null}
        </p>
      )}
      <p className="hint">New codes void all the old ones.</p>
      <ConfirmFirstNote confirmed={confirmed} />
      <Form method="post">
        <SubmitButton intent="renew" pendingLabel="Making codes…">{none ? "Make recovery codes" : "Renew recovery codes"}</SubmitButton>
      </Form>
    </>
  );
}
