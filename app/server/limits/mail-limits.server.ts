// At most one verification mail, one reset mail and one unlock link per address in five minutes, however many
// requests ask and from however many IPs (Directus bounds registrations per IP only). A request over
// the bound skips Directus but answers as Directus would, in the same time, so the answer tells
// nobody whether a mail went (docs/decisions/014).
import { setTimeout as sleep } from "node:timers/promises";
import { counterKey, createCounter } from "./counters.server";

const WINDOW_SECONDS = 5 * 60;

const counters = {
  verification: createCounter({ name: "verification-mail", points: 1, windowSeconds: WINDOW_SECONDS }),
  reset: createCounter({ name: "reset-mail", points: 1, windowSeconds: WINDOW_SECONDS }),
  unlock: createCounter({ name: "unlock-mail", points: 1, windowSeconds: WINDOW_SECONDS }),
};

export type MailKind = keyof typeof counters;

/**
 * Runs `send` (the Directus call that mails `email`) when this address got no mail of this kind
 * within the window; otherwise waits out `stallMs`, Directus's own stall for that call. A call that
 * fails sent nothing, so it does not count.
 */
export async function boundedMail(kind: MailKind, email: string, stallMs: number, send: () => Promise<void>): Promise<void> {
  const started = performance.now();
  const key = counterKey(email.trim().toLowerCase());
  const counted = await counters[kind].hit(key);
  if (!counted.allowed) {
    await sleep(Math.max(0, stallMs - (performance.now() - started)));
    return;
  }
  try {
    await send();
  } catch (error) {
    await counters[kind].reset(key).catch(() => {});
    throw error;
  }
}
