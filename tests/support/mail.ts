// Reading what the test Directus mailed, from its mail sink's folder (scripts/lib/mail-sink.mjs).
import { readMessages, waitForMessage, type KeptMessage } from "../../scripts/lib/mail-sink.mjs";

export const SUBJECTS = {
  verify: "Verify your email address",
  reset: "Password Reset Request",
  // The account-security extension's (directus-extensions/account-security/rules.js).
  confirmEmailChange: "Confirm your new email address",
  emailChangeAsked: "Your email address is about to change",
  passwordChanged: "Your password was changed",
  emailChanged: "Your email address was changed",
  twoFactorOff: "Two-factor sign-in was turned off",
  unlock: "Log in from a new browser",
  // The account-ownership extension's (directus-extensions/account-ownership/delete-account.js).
  accountDeleted: "Your account has been deleted",
} as const;

type Wanted = { to: string; subject: string; /** Only messages received at or after this time (epoch ms). */ since?: number };

function matches({ to, subject, since = 0 }: Wanted) {
  return (message: KeptMessage) =>
    message.subject === subject &&
    message.to.some((address) => address.toLowerCase() === to.toLowerCase()) &&
    Date.parse(message.receivedAt) >= since;
}

/** The first link to `path` in the first matching message, waiting for it to arrive. */
export async function emailedLink(mailDir: string, wanted: Wanted & { path: string }): Promise<string> {
  const message = await waitForMessage(mailDir, matches(wanted));
  const link = message.links.find((href) => new URL(href, "http://x").pathname === wanted.path);
  if (!link) throw new Error(`the message to ${wanted.to} has no link to ${wanted.path}: ${message.links.join(", ")}`);
  return link;
}

/** Every matching message received so far. */
export async function emailsTo(mailDir: string, wanted: Wanted): Promise<KeptMessage[]> {
  return (await readMessages(mailDir)).filter(matches(wanted));
}
