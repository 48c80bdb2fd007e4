import { useId } from "react";
import { Link } from "react-router";
import { limits } from "#app/lib/limits.ts";

type Labelled = { label: string; name: string; error?: string; hint?: string };

/** The label, hint and error around one control, wired so screen readers read them together. */
function FieldFrame({ label, error, hint, control }: Omit<Labelled, "name"> & { control: (aria: AriaWiring) => React.ReactNode }) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })}
      {hint ? <p id={hintId} className="hint">{hint}</p> : null}
      {error ? <p id={errorId} className="field-error">{error}</p> : null}
    </div>
  );
}

type AriaWiring = { id: string; "aria-invalid": true | undefined; "aria-describedby": string | undefined };

/** A labelled input whose error is tied to it. */
export function Field({ label, name, error, hint, ...input }: Labelled & React.InputHTMLAttributes<HTMLInputElement>) {
  return <FieldFrame label={label} error={error} hint={hint} control={(aria) => <input name={name} {...aria} {...input} />} />;
}

/** The multi-line twin of Field. */
export function TextArea({ label, name, error, hint, ...textarea }: Labelled & React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <FieldFrame label={label} error={error} hint={hint} control={(aria) => <textarea name={name} {...aria} {...textarea} />} />;
}

/** An email address, remounted with every answer (`attempt`) so it shows what came back. */
export function EmailField({
  attempt,
  email,
  error,
  label = "Email",
  autoComplete = "email",
}: {
  attempt: string | undefined;
  email: string | undefined;
  error: string | undefined;
  label?: string;
  /** "username webauthn" on the login: the browser offers this site's passkeys there too. */
  autoComplete?: string;
}) {
  return (
    <Field
      key={`email-${attempt}`}
      label={label}
      name="email"
      // Not type="email": browsers refuse addresses Directus takes, such as josé@example.com.
      type="text"
      inputMode="email"
      autoCapitalize="none"
      spellCheck={false}
      autoComplete={autoComplete}
      required
      maxLength={limits.emailMax}
      defaultValue={email}
      error={error}
    />
  );
}

/**
 * Email and password, as login and registration ask for them. `attempt` changes with every answer
 * from the server, remounting the inputs: the email shows what came back, the password is empty again.
 */
export function CredentialsFields({
  attempt,
  email,
  errors,
  newPassword = false,
  emailAutoComplete,
}: {
  attempt: string | undefined;
  email: string | undefined;
  errors: Record<string, string | undefined> | undefined;
  newPassword?: boolean;
  emailAutoComplete?: string;
}) {
  return (
    <>
      <EmailField attempt={attempt} email={email} error={errors?.email} autoComplete={emailAutoComplete} />
      <Field
        key={`password-${attempt}`}
        label="Password"
        name="password"
        type="password"
        autoComplete={newPassword ? "new-password" : "current-password"}
        required
        minLength={newPassword ? limits.passwordMin : undefined}
        maxLength={limits.passwordMax}
        hint={newPassword ? `At least ${limits.passwordMin} characters.` : undefined}
        error={errors?.password}
      />
    </>
  );
}

export const FIELD_ERRORS_NOTICE = "Please correct the highlighted fields.";

/**
 * A message about the whole form (wrong password, Directus down), announced when it appears. Given
 * the field errors, it also announces that some exist, since a field's own message is only read
 * when that field is focused.
 */
export function FormAlert({
  message,
  tone = "error",
  fieldErrors,
  link,
}: {
  message?: string | null;
  tone?: "error" | "info";
  fieldErrors?: Record<string, string | undefined>;
  /** Where the message asks the person to go (a notice to renew the recovery codes). */
  link?: { to: string; label: string } | null;
}) {
  if (!message && fieldErrors && Object.values(fieldErrors).some(Boolean)) message = FIELD_ERRORS_NOTICE;
  if (!message) return null;
  return (
    <p className={`form-alert ${tone}`} role={tone === "error" ? "alert" : "status"}>
      {message}
      {link ? (
        <>
          {" "}
          <Link to={link.to}>{link.label}</Link>
        </>
      ) : null}
    </p>
  );
}
