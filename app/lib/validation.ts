// One schema per form, used by the actions and, through the limits below, by the inputs' own attributes.
import { z } from "zod";
import { isDirectusEmail, plausibleEmail } from "./email.ts";
import { limits } from "./limits.ts";

export { limits };

// Zod probes `new Function` to pick a faster parser; under our strict CSP that probe is a reported violation.
z.config({ jitless: true });

// Characters no one types into a form: NUL and other control codes (they break what stores them)
// and bidirectional overrides (they make a name or title read differently from what it is).
// Content keeps tabs and line breaks, and the bidi controls right-to-left writing may need.
const controlCharacters = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const contentControlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const CONTROL_MESSAGE = "Remove the invisible control characters";
const singleLine = (value: string) => !controlCharacters.test(value);

const emailText = z
  .string({ error: "Email is required" })
  .trim()
  .min(1, "Email is required")
  .max(limits.emailMax, `Email must be at most ${limits.emailMax} characters`)
  .refine(singleLine, CONTROL_MESSAGE);

// A new address must be one Directus accepts (josé@example.com and a!b@example.com are).
const newEmail = emailText.refine(isDirectusEmail, "Enter a valid email address");

// At login any plausible address goes to Directus: refusing one here could lock out an account
// Directus holds (one made before a rule changed, or by a newer Directus with a longer TLD list).
const existingEmail = emailText.regex(plausibleEmail, "Enter a valid email address");

export const loginSchema = z.object({
  email: existingEmail,
  password: z
    .string({ error: "Password is required" })
    .min(1, "Password is required")
    .max(limits.passwordMax, "Password is too long")
    .refine(singleLine, CONTROL_MESSAGE),
  redirectTo: z.string().optional(),
});

const newPassword = z
  .string({ error: "Password is required" })
  .min(limits.passwordMin, `Password must be at least ${limits.passwordMin} characters`)
  .max(limits.passwordMax, `Password must be at most ${limits.passwordMax} characters`)
  .refine(singleLine, CONTROL_MESSAGE);

const currentPassword = z
  .string({ error: "Enter your current password" })
  .min(1, "Enter your current password")
  .max(limits.passwordMax, "Password is too long");

export const registerSchema = z.object({ email: newEmail, password: newPassword });

// With email verification the password is chosen after confirming the address: any password field sent is ignored.
export const registerEmailSchema = z.object({ email: newEmail });

export const forgotPasswordSchema = z.object({ email: existingEmail });

// A new password is typed twice where no one can see it spelled out: a typo would lock the person out.
const PASSWORDS_DIFFER = "The two passwords are not the same";
const confirmation = z.string({ error: "Type the new password again" }).min(1, "Type the new password again");
const sameTwice = (form: { password: string; confirmPassword: string }) => form.password === form.confirmPassword;

export const resetPasswordSchema = z
  .object({ password: newPassword, confirmPassword: confirmation })
  .refine(sameTwice, { message: PASSWORDS_DIFFER, path: ["confirmPassword"] });

// The emailed link's token (a JWT from Directus) travels in the form, never in the session.
const linkToken = z
  .string({ error: "This form needs the link from your email" })
  .min(1, "This form needs the link from your email")
  .max(4096, "This link is too long")
  .refine(singleLine, CONTROL_MESSAGE);

export const confirmRegistrationSchema = z
  .object({ token: linkToken, password: newPassword, confirmPassword: confirmation })
  .refine(sameTwice, { message: PASSWORDS_DIFFER, path: ["confirmPassword"] });

export const openResetLinkSchema = z.object({ token: linkToken });

// The unlock link (a paused login): asking for one names an address as the login does; using one posts its token.
export const unlockRequestSchema = z.object({ email: existingEmail });
export const unlockSchema = z.object({ token: linkToken });

export const changePasswordSchema = z
  .object({ currentPassword, password: newPassword, confirmPassword: confirmation })
  .refine(sameTwice, { message: PASSWORDS_DIFFER, path: ["confirmPassword"] });

// No password here: "confirm it's you" comes first (docs/decisions/023).
export const changeEmailSchema = z.object({ email: newEmail });

export const postSchema = z.object({
  title: z
    .string({ error: "Title is required" })
    .trim()
    .min(1, "Title is required")
    .max(limits.titleMax, `Title must be at most ${limits.titleMax} characters`)
    .refine(singleLine, CONTROL_MESSAGE),
  // Present even when empty: a submission without it would otherwise erase a post's content on edit.
  content: z
    .string({ error: "The content field is missing from the form" })
    .max(limits.contentMax, `Content must be at most ${limits.contentMax.toLocaleString("en")} characters`)
    .refine((value) => !contentControlCharacters.test(value), CONTROL_MESSAGE),
});

// Both names are always sent (empty clears one); a submission missing them must not erase them.
const name = z
  .string({ error: "This field is missing from the form" })
  .trim()
  .max(limits.nameMax, `Must be at most ${limits.nameMax} characters`)
  .refine(singleLine, CONTROL_MESSAGE);
export const profileSchema = z.object({ firstName: name, lastName: name });

// Post ids are Directus integer keys; anything else (words, signs, paths, past 2^31 - 1) is not a post address.
export const postIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,9}$/)
  .transform(Number)
  .pipe(z.number().max(2_147_483_647));

/** The new-post form's own id (a UUID from its page): the same form sent twice makes one post. */
export const formKeySchema = z.uuid();

/** The post's revision when its edit form was opened: a save is refused once the post moved past it. */
export const revisionSchema = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);

export type FieldErrors = Record<string, string | undefined>;

/**
 * Parses a submitted form against a schema. A field sent twice counts as invalid rather than
 * silently taking one of the values. One pass over the entries: looking each name up again
 * (`getAll`) would scan every field once per name.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  form: FormData,
): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldErrors } {
  // null: sent twice, or as a file.
  const entries = new Map<string, string | null>();
  for (const [key, value] of form) entries.set(key, entries.has(key) || typeof value !== "string" ? null : value);
  const values = Object.fromEntries([...entries].filter(([, value]) => value !== null));
  const errors: FieldErrors = Object.fromEntries(
    [...entries].filter(([, value]) => value === null).map(([key]) => [key, "Send this field once, as text"]),
  );
  const result = schema.safeParse(values);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = String(issue.path[0] ?? "form");
      errors[field] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !result.success) return { ok: false, errors };
  return { ok: true, data: result.data };
}
