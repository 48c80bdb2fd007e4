import { RECOVERY_CODE_INPUT_MAX } from "#app/lib/recovery-codes.ts";
import { Field } from "./field";

/**
 * One of the account's recovery codes, as kept (on paper, in a file): any case, with or without its
 * dash. `attempt` remounts the input with every answer, so a refused code is not sent again by mistake.
 */
export function RecoveryCodeField({ attempt, error }: { attempt: string | undefined; error: string | undefined }) {
  return (
    <Field
      key={`recovery-code-${attempt}`}
      label="Recovery code"
      name="recoveryCode"
      type="text"
      autoComplete="off"
      autoCapitalize="none"
      spellCheck={false}
      required
      maxLength={RECOVERY_CODE_INPUT_MAX}
      hint="One of the codes you kept when you turned two-factor sign-in on, such as abcde-12345. Each works once."
      error={error}
    />
  );
}
