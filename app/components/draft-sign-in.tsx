import { Form } from "react-router";
import type { DraftLogin } from "#app/lib/draft.ts";
import { CodeField } from "./code-field";
import { RecoveryCodeForm } from "./recovery-code-form";
import { CredentialsFields, FormAlert } from "./field";
import { SubmitButton } from "./submit-button";
import { DraftPasskeySignIn } from "./passkey-sign-in";

/**
 * The login a write gets when its session has ended: what was written rides along in hidden fields
 * of this form, back to the same page, which saves it once the same account has signed in again.
 */
// The names draft-sign-in.server.ts reads (DRAFT_OWNER, DRAFT_STEP), written out: that module is server-only.
const DRAFT_OWNER_FIELD = "draftOwner";
const DRAFT_STEP_FIELD = "draftStep";

export function DraftSignIn({ draft }: { draft: DraftLogin }) {
  const code = draft.step === "code";
  return (
    <section className="card" aria-labelledby="draft-login-title">
      <h1 id="draft-login-title">{code ? "Enter your sign-in code" : "Log in to save your work"}</h1>
      <FormAlert message={draft.notice} tone="info" />
      <FormAlert message={draft.formError} fieldErrors={draft.errors} />
      {code ? <p>Your account has two-factor sign-in. Open your authenticator app and enter the code it shows.</p> : null}
      <Form method="post">
        <DraftFields draft={draft} step={draft.step} />
        {code ? (
          <CodeField attempt={draft.attempt} error={draft.errors.code} autoFocus />
        ) : (
          <CredentialsFields attempt={draft.attempt} email={draft.email || undefined} errors={draft.errors} />
        )}
        <SubmitButton intent={code ? "verify" : undefined} pendingLabel="Logging in…">
          Log in and save
        </SubmitButton>
      </Form>
      {code ? (
        <RecoveryCodeForm attempt={draft.attempt} error={draft.errors.recoveryCode}>
          <DraftFields draft={draft} step="recovery-code" />
        </RecoveryCodeForm>
      ) : (
        <DraftPasskeySignIn fields={{ ...draft.fields, [DRAFT_OWNER_FIELD]: draft.owner, [DRAFT_STEP_FIELD]: "passkey" }} />
      )}
    </section>
  );
}

/** What the draft login carries in each of its forms: the page's own fields, whose they are, and which step this is. */
function DraftFields({ draft, step }: { draft: DraftLogin; step: string }) {
  return (
    <>
      {Object.entries(draft.fields).map(([name, value]) => (
        <input key={`${name}-${draft.attempt}`} type="hidden" name={name} defaultValue={value} />
      ))}
      <input key={`owner-${draft.attempt}`} type="hidden" name={DRAFT_OWNER_FIELD} defaultValue={draft.owner} />
      <input key={`step-${draft.attempt}`} type="hidden" name={DRAFT_STEP_FIELD} defaultValue={step} />
    </>
  );
}
