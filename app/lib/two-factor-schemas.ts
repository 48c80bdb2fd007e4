// The two-factor forms: the sign-in code step and the settings page. Each page's forms share one
// schema, told apart by the `intent` their submit button sends.
import { z } from "zod";
import { passkeyResponse } from "./passkey-schemas.ts";
import { loginSchema } from "./validation.ts";

export const CODE_DIGITS = 6;
const SIX_DIGITS = "Enter the six digits your authenticator app shows";
const UNREADABLE = { error: "This form could not be read. Please reload the page and try again." };

// Apps show the code as "123 456" and people paste it with spaces around; only ASCII digits count.
const code = z
  .string({ error: SIX_DIGITS })
  .max(32, SIX_DIGITS)
  .transform((value) => value.replace(/\s/g, ""))
  .pipe(z.string().regex(/^[0-9]{6}$/, SIX_DIGITS));

export const loginCodeSchema = z.discriminatedUnion(
  "intent",
  [z.object({ intent: z.literal("verify"), code }), z.object({ intent: z.literal("start-over") })],
  UNREADABLE,
);

export const twoFactorSchema = z.discriminatedUnion(
  "intent",
  [
    // No password: "confirm it's you" comes first (confirm-its-you.server.ts), by what the account has.
    z.object({ intent: z.literal("start") }),
    z.object({ intent: z.literal("enable"), code }),
    z.object({ intent: z.literal("cancel") }),
    z.object({ intent: z.literal("disable"), code }),
  ],
  UNREADABLE,
);

export type TwoFactorIntent = z.infer<typeof twoFactorSchema>;

// "Confirm it's you": the account's password, its two-factor code when that is on, or a fresh sign-in
// at its identity provider (with the code when two-factor sign-in is on, as Directus asks for it there),
// or one of its passkeys (the options first, then the browser's answer).
export const confirmItsYouSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("password"), password: loginSchema.shape.password }),
    z.object({ intent: z.literal("provider") }),
    z.object({ intent: z.literal("provider-code"), code }),
    z.object({ intent: z.literal("code"), code }),
    z.object({ intent: z.literal("passkey-options") }),
    z.object({ intent: z.literal("passkey"), response: passkeyResponse }),
  ],
  UNREADABLE,
);

export type ConfirmItsYouIntent = z.infer<typeof confirmItsYouSchema>;
