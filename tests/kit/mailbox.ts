// The kit's `mailbox`: what the stack's Directus mailed, read from its mail sink's folder (MAIL_DIR),
// through the one reader the project's tests share (tests/support/mail.ts).
import type { KeptMessage } from "../../scripts/lib/mail-sink.mjs";
import { emailedLink, emailsTo, SUBJECTS } from "../support/mail.ts";
import { mailDir } from "./stack.ts";

export { SUBJECTS };

type Wanted = {
  /** One of SUBJECTS' values: the mail of one flow. */
  subject: string;
  /** Only mail received at or after this time (epoch ms); default: any. */
  since?: number;
};

export type Mailbox = {
  /** The link to `path` (e.g. "/verify-email") in the first such mail to `to`, waiting for it to arrive. */
  link: (to: string, wanted: Wanted & { path: string }) => Promise<string>;
  /** Every such mail to `to` received so far. */
  messages: (to: string, wanted: Wanted) => Promise<KeptMessage[]>;
};

/** A mailbox on the stack's mail folder, or on `dir` (a second stack's). */
export function mailbox(dir?: string): Mailbox {
  return {
    link: (to, wanted) => emailedLink(dir ?? mailDir(), { to, ...wanted }),
    messages: (to, wanted) => emailsTo(dir ?? mailDir(), { to, ...wanted }),
  };
}
