// Hook: tells an account's owner by mail when its password changes, its email changes (to the OLD
// address) or two-factor sign-in is turned off, whoever made the change (the owner, a reset link, an
// administrator, the email-change link). Directus emits `users.update` for all of them: UsersService
// updates (profile, reset) and TFAService's `tfa_secret: null` alike.
//
// The filter runs before the write and reads the account as it was (its address, whether two-factor
// was on); the action runs once the write committed and sends. A write that fails sends nothing, and
// a mail that fails is logged and never undoes or blocks the change (actions are not awaited).
//
// The same filter refuses a user's direct write of another address onto their own account: an
// address changes only through the link mailed to it (email-change.js), or by an administrator.
import { isUnconfirmedEmailChange, mayNotify, noticeMail, noticesFor } from "./rules.js";

/** Directus's error shape (what @directus/errors makes), so its error handler answers 403 with this code. */
export class EmailChangeNeedsConfirmation extends Error {
  name = "DirectusError";
  code = "FORBIDDEN";
  status = 403;
  extensions = { reason: "An email address changes only through the link mailed to it (POST /account-security/email-change)." };
  constructor() {
    super("You don't have permission to change the email address directly.");
  }
}

/**
 * @typedef {import("./rules.js").Notice} Notice
 * @typedef {import("./rules.js").Mail} Mail
 * @typedef {(table: string) => any} Knex
 * @typedef {{ services: { MailService: new (options: object) => { send: (mail: object) => Promise<unknown> } }, database: Knex, getSchema: () => Promise<unknown>, logger: { warn: Function, error: Function } }} HookContext
 */

/** Sends one message through Directus's MailService, in the project's mail layout (template "base"). @param {HookContext} context */
export function mailSender({ services, database, getSchema }) {
  /** @param {Mail} mail */
  return async ({ to, subject, text, html }) => {
    const mailService = new services.MailService({ schema: await getSchema(), knex: database });
    await mailService.send({ to, subject, text, template: { name: "base", data: { html } } });
  };
}

/**
 * @param {{ filter: Function, action: Function }} register
 * @param {HookContext & { send?: (mail: Mail) => Promise<void> }} context `send` replaces MailService in tests
 */
export default function notices({ filter, action }, context) {
  const { database, logger } = context;
  const send = context.send ?? mailSender(context);
  // One update's notices, from its filter to its action. Directus hands both the same `keys` array
  // (ItemsService.updateMany), so it is the key; an update that fails never reaches its action and
  // its entry goes with the array.
  /** @type {WeakMap<object, Notice[]>} */
  const pending = new WeakMap();

  filter(
    "users.update",
    async (
      /** @type {Record<string, unknown>} */ payload,
      /** @type {{ keys: string[] }} */ meta,
      /** @type {{ database?: Knex, accountability?: { user?: string | null, admin?: boolean } | null }} */ eventContext,
    ) => {
      if (!mayNotify(payload) || !Array.isArray(meta?.keys) || meta.keys.length === 0) return payload;
      // Inside the update's transaction when there is one: the accounts exactly as this update finds them.
      const knex = eventContext?.database ?? database;
      /** @type {import("./rules.js").AccountBefore[]} */
      const accounts = await knex("directus_users").select("id", "email", "tfa_secret").whereIn("id", meta.keys);
      if (accounts.some((account) => isUnconfirmedEmailChange(payload, account, eventContext?.accountability))) throw new EmailChangeNeedsConfirmation();
      const found = accounts.flatMap((account) => noticesFor(payload, account));
      if (found.length > 0) pending.set(meta.keys, found);
      return payload;
    },
  );

  action("users.update", async (/** @type {{ keys: string[] }} */ meta) => {
    const found = meta?.keys ? pending.get(meta.keys) : undefined;
    if (!found) return;
    pending.delete(meta.keys);
    const when = new Date();
    await Promise.all(
      found.map((notice) =>
        send(noticeMail(notice, when)).catch((error) => logger.error(error, `account-security: could not send the "${notice.kind}" notice`)),
      ),
    );
  });
}
