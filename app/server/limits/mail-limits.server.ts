// At most one verification mail, one reset mail and one unlock link per address in five minutes, however many
// requests ask and from however many IPs (Directus bounds registrations per IP only). A request over
// the bound skips Directus but answers as Directus would, in the same time, so the answer tells
// nobody whether a mail went (docs/decisions/014). Email-change links are also bounded per account
// and per IP in an hour (decision 015), so one session cannot mail a list of addresses.
import { setTimeout as sleep } from "node:timers/promises";
import { ipCounterKey } from "../http/client-ip.server";
import { counterKey, createCounter } from "./counters.server";

const WINDOW_SECONDS = 5 * 60;

const counters = {
  verification: createCounter({ name: "verification-mail", points: 1, windowSeconds: WINDOW_SECONDS }),
  reset: createCounter({ name: "reset-mail", points: 1, windowSeconds: WINDOW_SECONDS }),
  unlock: createCounter({ name: "unlock-mail", points: 1, windowSeconds: WINDOW_SECONDS }),
};

const HOUR_SECONDS = 60 * 60;
/** Email-change requests that mail, per account and per IP in an hour (the extension holds the account to the same three). */
export const EMAIL_CHANGE_MAIL_BOUNDS = { perAccount: 3, perIp: 10 } as const;
const emailChangeCounters = {
  account: createCounter({ name: "email-change-mail-account", points: EMAIL_CHANGE_MAIL_BOUNDS.perAccount, windowSeconds: HOUR_SECONDS }),
  ip: createCounter({ name: "email-change-mail-ip", points: EMAIL_CHANGE_MAIL_BOUNDS.perIp, windowSeconds: HOUR_SECONDS }),
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

/**
 * Runs `send` (the Directus call that mails a link to `newEmail` and a notice to the account's
 * address) unless the account or the IP asked for a few already this hour, or the new address got a
 * link within five minutes. Over a bound, nothing is sent and the caller answers as if it were.
 * Every counter is hit before the call, so parallel requests cannot pass together; a request that
 * sends nothing (one bound refused, or the call failed) takes back its point from all three, so
 * each counts only what was sent.
 */
export async function boundedEmailChangeMail(
  { userId, clientIp, newEmail }: { userId: string; clientIp: string | null; newEmail: string },
  send: () => Promise<void>,
): Promise<void> {
  const bounds = [
    { counter: emailChangeCounters.account, key: counterKey("user", userId) },
    { counter: emailChangeCounters.ip, key: counterKey(ipCounterKey(clientIp)) },
    { counter: counters.verification, key: counterKey(newEmail.trim().toLowerCase()) },
  ];
  const hits = await Promise.all(bounds.map(({ counter, key }) => counter.hit(key)));
  const forgive = () => Promise.all(bounds.map(({ counter, key }) => counter.forgive(key).catch(() => {})));
  if (hits.some((hit) => !hit.allowed)) {
    await forgive();
    return;
  }
  try {
    await send();
  } catch (error) {
    await forgive();
    throw error;
  }
}
