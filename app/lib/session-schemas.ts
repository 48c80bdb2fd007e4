// The sessions page's forms: end one session (by the handle the account-sessions extension gave it),
// or all but this one. Told apart by the `intent` their submit button sends.
import { z } from "zod";

/** An account-sessions handle: 43 base64url characters (directus-extensions/account-sessions/rules.js). */
export const SESSION_HANDLE = /^[\w-]{43}$/;
const UNREADABLE = { error: "This form could not be read. Please reload the page and try again." };

export const sessionsSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("end"), session: z.string(UNREADABLE).max(64, UNREADABLE).regex(SESSION_HANDLE, UNREADABLE) }),
    z.object({ intent: z.literal("end-others") }),
  ],
  UNREADABLE,
);

export type SessionsIntent = z.infer<typeof sessionsSchema>;
