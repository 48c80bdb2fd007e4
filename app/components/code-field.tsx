import { Field } from "./field";

/**
 * The six-digit code from an authenticator app. `attempt` changes with every answer from the
 * server, remounting the input so it is empty again (a used code is no use twice).
 */
export function CodeField({ attempt, error, autoFocus }: { attempt: string | undefined; error: string | undefined; autoFocus?: boolean }) {
  return (
    <Field
      key={`code-${attempt}`}
      label="Six-digit code"
      name="code"
      type="text"
      inputMode="numeric"
      autoComplete="one-time-code"
      // Digits, maybe grouped as apps show them ("123 456"); the server reads the same.
      pattern="\s*([0-9]\s*){6}"
      maxLength={16}
      required
      spellCheck={false}
      autoFocus={autoFocus}
      hint="The code your authenticator app shows for this account."
      error={error}
    />
  );
}
