import { useId } from "react";

type FieldProps = React.InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  error?: string;
  hint?: string;
};

/** A labelled input whose error is tied to it, so screen readers read both together. */
export function Field({ label, name, error, hint, ...input }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint ? <p id={hintId} className="hint">{hint}</p> : null}
      {error ? <p id={errorId} className="field-error">{error}</p> : null}
    </div>
  );
}

type TextAreaProps = React.TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  name: string;
  error?: string;
  hint?: string;
};

/** The multi-line twin of Field, with the same label, hint and error wiring. */
export function TextArea({ label, name, error, hint, ...textarea }: TextAreaProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...textarea} />
      {hint ? <p id={hintId} className="hint">{hint}</p> : null}
      {error ? <p id={errorId} className="field-error">{error}</p> : null}
    </div>
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
}: {
  message?: string | null;
  tone?: "error" | "info";
  fieldErrors?: Record<string, string | undefined>;
}) {
  if (!message && fieldErrors && Object.values(fieldErrors).some(Boolean)) message = FIELD_ERRORS_NOTICE;
  if (!message) return null;
  return (
    <p className={`form-alert ${tone}`} role={tone === "error" ? "alert" : "status"}>
      {message}
    </p>
  );
}
