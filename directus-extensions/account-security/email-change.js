// Endpoint /account-security: an email change that waits for the new address to confirm it.
//
// POST /account-security/email-change { email, url }   the signed-in user only (401 otherwise)
//   Mails a link (url?token=…) to the new address; the account keeps its address meanwhile. `url` must
//   be on ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST. The answer is 204 whether or not the new address already
//   has an account (that address gets a note instead of a link), so it tells nobody who is registered.
// POST /account-security/email-change/confirm { token }  anyone holding the link
//   Writes the new address when the token is ours and unexpired, the account still has the address
//   the link was made for (so a link works once) and the new address is still free. Directus then ends
//   every session of the user, as on any email change, and the notice hook tells the old address.
//   200 { data: { email } }; otherwise 400 invalid, 410 expired, 409 used or taken (`problem` says which).
import {
  addressTakenMail,
  confirmationLink,
  confirmationMail,
  isBoundTo,
  isUrlAllowed,
  readAllowList,
  readConfirmRequest,
  readEmailChangeRequest,
  signEmailChangeToken,
  verifyEmailChangeToken,
} from "./rules.js";
import { mailSender } from "./notices.js";

/**
 * @typedef {{ status: (code: number) => Response, json: (body: unknown) => void, end: () => void }} Response
 * @typedef {{ body?: unknown, accountability?: { user?: string | null } | null }} Request
 * @typedef {{ id: string, email: string | null, status: string }} Account
 */

/** Directus's error shape, so clients read these answers as they read Directus's own. @param {Response} res @param {number} status @param {string} code @param {string} message @param {object} [extra] */
function fail(res, status, code, message, extra = {}) {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extra } }] });
}

/**
 * @param {{ post: Function }} router
 * @param {import("./notices.js").HookContext & { env: Record<string, unknown>, services: { UsersService: new (options: object) => any }, send?: (mail: import("./rules.js").Mail) => Promise<void>, now?: () => number }} context
 *   `send` and `now` replace MailService and the clock in tests
 */
function handler(router, context) {
  const { env, services, database, getSchema, logger } = context;
  const send = context.send ?? mailSender(context);
  const now = context.now ?? Date.now;
  const secret = () => env["SECRET"];
  // Not awaited: the answer must not wait for (or reveal) which of the two messages went out.
  /** @param {import("./rules.js").Mail} mail */
  const sendLater = (mail) => {
    send(mail).catch((error) => logger.error(error, "account-security: could not send an email-change message"));
  };
  /** @param {string} id @returns {Promise<Account | undefined>} */
  const account = (id) => database("directus_users").select("id", "email", "status").where({ id }).first();

  router.post("/email-change", async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    try {
      const userId = req.accountability?.user;
      if (!userId) return fail(res, 401, "INVALID_CREDENTIALS", "Sign in to change your email address.");
      const request = readEmailChangeRequest(req.body);
      if (!request.ok) return fail(res, 400, "INVALID_PAYLOAD", request.reason);
      if (!isUrlAllowed(request.url, readAllowList(env["ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST"]))) {
        return fail(res, 400, "INVALID_PAYLOAD", `URL "${request.url}" can't be used to confirm email changes`);
      }
      const users = new services.UsersService({ schema: await getSchema(), knex: database });
      try {
        // Directus's own rule (joi's email()), so the address the link carries is one Directus will write.
        users.validateEmail(request.email);
      } catch {
        return fail(res, 400, "FAILED_VALIDATION", "That is not an email address.", { field: "email" });
      }
      const me = await account(userId);
      if (!me?.email || me.status !== "active") return fail(res, 403, "FORBIDDEN", "This account cannot change its email address.");
      if (request.email.toLowerCase() === me.email.toLowerCase()) return fail(res, 400, "INVALID_PAYLOAD", "That is already the account's address.", { field: "email" });

      const taken = await users.getUserByEmail(request.email);
      if (taken) sendLater(addressTakenMail(request.email));
      else {
        const token = signEmailChangeToken({ userId, newEmail: request.email, currentEmail: me.email }, secret(), now());
        sendLater(confirmationMail(request.email, confirmationLink(request.url, token)));
      }
      res.status(204).end();
    } catch (error) {
      next(error);
    }
  });

  router.post("/email-change/confirm", async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    try {
      const request = readConfirmRequest(req.body);
      if (!request.ok) return fail(res, 400, "INVALID_PAYLOAD", request.reason);
      const checked = verifyEmailChangeToken(request.token, secret(), now());
      if (!checked.ok) {
        return checked.problem === "expired"
          ? fail(res, 410, "TOKEN_EXPIRED", "This link has expired.", { problem: "expired" })
          : fail(res, 400, "INVALID_TOKEN", "This link is not valid.", { problem: "invalid" });
      }
      const { userId, newEmail, bound } = checked.claims;
      const me = await account(userId);
      if (!me?.email || me.status !== "active" || !isBoundTo(bound, secret(), me.email)) {
        return fail(res, 409, "INVALID_PAYLOAD", "This link has already been used.", { problem: "used" });
      }
      const users = new services.UsersService({ schema: await getSchema(), knex: database });
      const taken = await users.getUserByEmail(newEmail);
      if (taken && taken.id !== me.id) return fail(res, 409, "RECORD_NOT_UNIQUE", "That address now belongs to another account.", { problem: "taken" });
      // No accountability: the link is the permission. The write goes through UsersService, so Directus
      // validates and de-duplicates the address, ends the user's sessions and runs the notice hook.
      await users.updateOne(me.id, { email: newEmail });
      res.status(200).json({ data: { email: newEmail } });
    } catch (error) {
      next(error);
    }
  });
}

export default { id: "account-security", handler };
