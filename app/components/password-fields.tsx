import { limits } from "#app/lib/limits.ts";
import { Field } from "./field";

type Errors = Record<string, string | undefined> | undefined;

/**
 * A new password, typed twice. `attempt` changes with every answer from the server, remounting the
 * inputs so they are empty again: a password is never sent back to the page.
 */
export function NewPasswordFields({ attempt, errors, label = "New password" }: { attempt: string | undefined; errors: Errors; label?: string }) {
  return (
    <>
      <Field
        key={`password-${attempt}`}
        label={label}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={limits.passwordMin}
        maxLength={limits.passwordMax}
        hint={`At least ${limits.passwordMin} characters.`}
        error={errors?.password}
      />
      <Field
        key={`confirm-${attempt}`}
        label={`Repeat the ${label.toLowerCase()}`}
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        required
        maxLength={limits.passwordMax}
        error={errors?.confirmPassword}
      />
    </>
  );
}

/** The current password, asked for before a change to the account. */
export function CurrentPasswordField({ attempt, errors }: { attempt: string | undefined; errors: Errors }) {
  return (
    <Field
      key={`current-${attempt}`}
      label="Current password"
      name="currentPassword"
      type="password"
      autoComplete="current-password"
      required
      maxLength={limits.passwordMax}
      error={errors?.currentPassword}
    />
  );
}
