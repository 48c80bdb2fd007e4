// The two-factor forms: the sign-in code step and the settings page. Each page's forms share one
// schema, told apart by the `intent` their submit button sends.
import { z } from "zod";
import { passkeyResponse } from "./passkey-schemas.ts";
import { normaliseRecoveryCode, RECOVERY_CODE_INPUT_MAX } from "./recovery-codes.ts";
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

const RECOVERY_CODE = "Enter one of your recovery codes as you kept it: ten letters and digits, such as abcde-12345";

// Read as the extension reads it (recovery-codes.ts); what cannot be a code is answered under the
// field and never sent on, as six digits that are not digits are.
const recoveryCode = z
  .string({ error: RECOVERY_CODE })
  .max(RECOVERY_CODE_INPUT_MAX, RECOVERY_CODE)
  .transform((value) => normaliseRecoveryCode(value) ?? "")
  .pipe(z.string().min(1, RECOVERY_CODE));

export const loginCodeSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("verify"), code }),
    z.object({ intent: z.literal("recovery-code"), recoveryCode }),
    z.object({ intent: z.literal("start-over") }),
  ],
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
    // The authenticator is lost: one of the account's recovery codes turns it off instead.
    z.object({ intent: z.literal("disable-with-recovery-code"), recoveryCode }),
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

export const KEEP_CODES_FIRST = "Tick the box once you have kept your recovery codes.";

// The recovery-codes page: "I have kept my recovery codes" (the box must be ticked), or a new batch.
export const recoveryCodesSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("kept"), kept: z.literal("on", { error: KEEP_CODES_FIRST }) }),
    z.object({ intent: z.literal("renew") }),
  ],
  UNREADABLE,
);

export type RecoveryCodesIntent = z.infer<typeof recoveryCodesSchema>;
