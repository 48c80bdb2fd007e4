// One schema per form, used by the actions and, through the limits below, by the inputs' own attributes.
import { z } from "zod";

// Zod probes `new Function` to pick a faster parser; under our strict CSP that probe is a reported violation.
z.config({ jitless: true });

export const limits = {
  emailMax: 254,
  passwordMin: 8,
  passwordMax: 256,
  titleMax: 255,
  contentMax: 100_000,
  nameMax: 100,
} as const;

const email = z
  .string({ error: "Email is required" })
  .trim()
  .min(1, "Email is required")
  .max(limits.emailMax, `Email must be at most ${limits.emailMax} characters`)
  .pipe(z.email("Enter a valid email address"));

export const loginSchema = z.object({
  email,
  password: z.string({ error: "Password is required" }).min(1, "Password is required").max(limits.passwordMax, "Password is too long"),
  redirectTo: z.string().optional(),
});

export const registerSchema = z.object({
  email,
  password: z
    .string({ error: "Password is required" })
    .min(limits.passwordMin, `Password must be at least ${limits.passwordMin} characters`)
    .max(limits.passwordMax, `Password must be at most ${limits.passwordMax} characters`),
});

export const postSchema = z.object({
  title: z
    .string({ error: "Title is required" })
    .trim()
    .min(1, "Title is required")
    .max(limits.titleMax, `Title must be at most ${limits.titleMax} characters`),
  content: z.string().max(limits.contentMax, `Content must be at most ${limits.contentMax.toLocaleString("en")} characters`).default(""),
});

const name = z.string().trim().max(limits.nameMax, `Must be at most ${limits.nameMax} characters`);
export const profileSchema = z.object({ firstName: name.default(""), lastName: name.default("") });

// Post ids are Directus integer keys; anything else (words, signs, paths, past 2^31 - 1) is not a post address.
export const postIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,9}$/)
  .transform(Number)
  .pipe(z.number().max(2_147_483_647));

export type FieldErrors = Record<string, string | undefined>;

/**
 * Parses a submitted form against a schema. A field sent twice counts as invalid rather than
 * silently taking one of the values.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  form: FormData,
): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const values: Record<string, string> = {};
  const errors: FieldErrors = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    const [first] = all;
    if (all.length > 1 || typeof first !== "string") errors[key] = "Send this field once, as text";
    else values[key] = first;
  }
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
