// The passkey forms: signing in (/login/passkey), the passkeys page, and "confirm it's you". The
// browser's answer to a ceremony arrives as JSON text; it is bounded before it is parsed, and only its
// shape is checked here: the account-sign-in extension verifies it (docs/decisions/024).
import { z } from "zod";
import { limits } from "./limits.ts";

const UNREADABLE = { error: "This form could not be read. Please reload the page and try again." };
export const PASSKEY_UNREADABLE = "Your browser's answer could not be read. Please try again.";
const NAME_HINT = `Give it a name of at most ${limits.passkeyNameMax} characters`;

/** WebAuthn's bound on a credential id (1,023 bytes), in base64url characters. */
const CREDENTIAL_ID_MAX = Math.ceil((1023 * 4) / 3);
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What the browser answered (@simplewebauthn/browser's RegistrationResponseJSON or AuthenticationResponseJSON). */
export type PasskeyResponse = { id: string; rawId: string; type: "public-key"; response: Record<string, unknown> } & Record<string, unknown>;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const responseShape = z.looseObject({
  id: z.string().min(1).max(CREDENTIAL_ID_MAX).regex(BASE64URL),
  rawId: z.string().min(1).max(CREDENTIAL_ID_MAX).regex(BASE64URL),
  type: z.literal("public-key"),
  response: z.record(z.string(), z.unknown()),
});

export const passkeyResponse = z
  .string({ error: PASSKEY_UNREADABLE })
  .max(limits.passkeyResponseMax, PASSKEY_UNREADABLE)
  .transform((text, ctx) => {
    const shaped = responseShape.safeParse(parseJson(text));
    if (shaped.success && shaped.data.id === shaped.data.rawId) return shaped.data as PasskeyResponse;
    ctx.addIssue({ code: "custom", message: PASSKEY_UNREADABLE });
    return z.NEVER;
  });

/** A passkey's name as typed: trimmed; empty when none was given. */
const passkeyName = z.string({ error: NAME_HINT }).max(limits.passkeyNameMax * 4, NAME_HINT).transform((name) => name.trim()).pipe(z.string().max(limits.passkeyNameMax, NAME_HINT));

/** The extension's passkey handle (a uuid). */
const passkeyId = z.string(UNREADABLE).max(36, UNREADABLE).regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, UNREADABLE);

export const passkeySignInSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("options") }),
    z.object({ intent: z.literal("sign-in"), response: passkeyResponse, redirectTo: z.string().max(2048).optional() }),
  ],
  UNREADABLE,
);

export type PasskeySignInIntent = z.infer<typeof passkeySignInSchema>;

export const passkeysSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("add-options") }),
    z.object({ intent: z.literal("add"), response: passkeyResponse, name: passkeyName.optional() }),
    z.object({ intent: z.literal("rename"), id: passkeyId, name: passkeyName.pipe(z.string().min(1, NAME_HINT)) }),
    z.object({ intent: z.literal("remove"), id: passkeyId }),
  ],
  UNREADABLE,
);

export type PasskeysIntent = z.infer<typeof passkeysSchema>;
