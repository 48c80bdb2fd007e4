import { Form } from "react-router";
import { RecoveryCodeField } from "./recovery-code-field";
import { SubmitButton } from "./submit-button";

/** "Use a recovery code" on a sign-in code step: a plain form of its own, with or without JavaScript. */
export function RecoveryCodeForm({ attempt, error, children }: { attempt: string | undefined; error: string | undefined; children?: React.ReactNode }) {
  return (
    <section aria-labelledby="recovery-code-heading" className="recovery-code-form">
      <h2 id="recovery-code-heading">Use a recovery code</h2>
      <p className="muted">No authenticator at hand? One of the recovery codes you kept signs you in instead.</p>
      <Form method="post">
        {children}
        <RecoveryCodeField attempt={attempt} error={error} />
        <SubmitButton intent="recovery-code" pendingLabel="Checking…">Use recovery code</SubmitButton>
      </Form>
    </section>
  );
}
