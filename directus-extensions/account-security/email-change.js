// Endpoint /account-security: an email change that the new address's link confirms, for the account
// that asked only, and that the old address can cancel.
//
// POST /account-security/email-change { email, url }   the signed-in user only (401 otherwise)
//   Mails a link (url?token=…) to the new address and, to the current address, a notice with a cancel
//   link (url?cancel=…); the account keeps its address meanwhile. `url` must be on
//   ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST. The answer is 204 whether or not the new address already has
//   an account (that address gets a note instead of a link), and whether or not the account is over
//   its bound (EMAIL_CHANGES_PER_HOUR requests that mail, per account; beyond it nothing is mailed),
//   so it tells nobody who is registered nor what was dropped.
// POST /account-security/email-change/confirm { token }  the account the link was made for, signed in
//   Anonymous: 401 (`problem: "sign-in"`), so the bare link, in whatever inbox it landed, changes
//   nothing; another account: 403 (`other-account`). Writes the new address when the token is ours and
//   unexpired, its change is still pending (not cancelled, not confirmed), the account still has the
//   address the link was made for and the new address is still free. Directus then ends every session
//   of the user, as on any email change, and the notice hook tells the old address.
//   200 { data: { email } }; otherwise 400 invalid, 410 expired, 409 used, cancelled or taken.
// POST /account-security/email-change/cancel { token }  anyone holding the cancel link
//   Voids the pending change it names (it can only protect the owner). 200 { data: { cancelled: true } };
//   400 invalid, 410 expired, 409 used (already cancelled) or confirmed (too late).
import { randomUUID } from "node:crypto";
import {
  addressTakenMail,
  cancelLink,
  changeAskedMail,
  confirmationLink,
  confirmationMail,
  isBoundTo,
  isUrlAllowed,
  readAllowList,
  readConfirmRequest,
  readEmailChangeRequest,
  EMAIL_CHANGES_PER_HOUR,
  signCancelToken,
  signEmailChangeToken,
  verifyCancelToken,
  verifyEmailChangeToken,
} from "./rules.js";
import { mailSender } from "./notices.js";
import { changeStore } from "./pending-changes.js";

const HOUR_MS = 60 * 60 * 1000;

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
 * @param {import("./notices.js").HookContext & { env: Record<string, unknown>, services: { UsersService: new (options: object) => any }, send?: (mail: import("./rules.js").Mail) => Promise<void>, now?: () => number, changes?: import("./pending-changes.js").ChangeStore }} context
 *   `send`, `now` and `changes` replace MailService, the clock and the table in tests
 */
function handler(router, context) {
  const { env, services, database, getSchema, logger } = context;
  const send = context.send ?? mailSender(context);
  const now = context.now ?? Date.now;
  const changes = context.changes ?? changeStore(database);
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
      const at = now();
      const change = { id: randomUUID(), userId, state: /** @type {const} */ (taken ? "taken" : "pending"), createdAt: at };
      // Recorded first, then counted with itself: parallel requests can only drop each other, never pass the bound together.
      await changes.add(change);
      if ((await changes.countSince(userId, at - HOUR_MS)) > EMAIL_CHANGES_PER_HOUR) {
        await changes.move(change.id, change.state, "dropped");
        logger.warn(`account-security: email-change request of user ${userId} over the hourly bound; nothing mailed`);
      } else if (taken) sendLater(addressTakenMail(request.email));
      else {
        const claims = { userId, changeId: change.id, currentEmail: me.email };
        const token = signEmailChangeToken({ ...claims, newEmail: request.email }, secret(), at);
        sendLater(confirmationMail(request.email, confirmationLink(request.url, token)));
        sendLater(changeAskedMail(me.email, request.email, cancelLink(request.url, signCancelToken(claims, secret(), at)), new Date(at)));
      }
      res.status(204).end();
    } catch (error) {
      next(error);
    }
  });

  router.post("/email-change/confirm", async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    try {
      // The link alone is no permission: it may have reached the wrong inbox. The account signs in.
      const caller = req.accountability?.user;
      if (!caller) return fail(res, 401, "INVALID_CREDENTIALS", "Sign in as the account that asked for this change to confirm it.", { problem: "sign-in" });
      const request = readConfirmRequest(req.body);
      if (!request.ok) return fail(res, 400, "INVALID_PAYLOAD", request.reason);
      const checked = verifyEmailChangeToken(request.token, secret(), now());
      if (!checked.ok) return tokenProblem(res, checked.problem);
      const { userId, changeId, newEmail, bound } = checked.claims;
      if (caller !== userId) return fail(res, 403, "FORBIDDEN", "This link is for another account.", { problem: "other-account" });
      const change = await changes.find(changeId);
      if (change?.state === "cancelled") return fail(res, 409, "INVALID_PAYLOAD", "This change was cancelled.", { problem: "cancelled" });
      const me = await account(userId);
      if (change?.state !== "pending" || change.userId !== userId || !me?.email || me.status !== "active" || !isBoundTo(bound, secret(), me.email)) {
        return used(res);
      }
      const users = new services.UsersService({ schema: await getSchema(), knex: database });
      const taken = await users.getUserByEmail(newEmail);
      if (taken && taken.id !== me.id) return fail(res, 409, "RECORD_NOT_UNIQUE", "That address now belongs to another account.", { problem: "taken" });
      // Claimed before the write, atomically: of two confirmations (or a confirmation and a cancel) one wins.
      if (!(await changes.move(changeId, "pending", "confirmed"))) return used(res);
      try {
        // No accountability: the checks above are the permission. The write goes through UsersService, so
        // Directus validates and de-duplicates the address, ends the user's sessions and runs the notice hook.
        await users.updateOne(me.id, { email: newEmail });
      } catch (error) {
        await changes.move(changeId, "confirmed", "pending");
        throw error;
      }
      res.status(200).json({ data: { email: newEmail } });
    } catch (error) {
      next(error);
    }
  });

  router.post("/email-change/cancel", async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    try {
      const request = readConfirmRequest(req.body);
      if (!request.ok) return fail(res, 400, "INVALID_PAYLOAD", request.reason);
      const checked = verifyCancelToken(request.token, secret(), now());
      if (!checked.ok) return tokenProblem(res, checked.problem);
      if (await changes.move(checked.claims.changeId, "pending", "cancelled")) return res.status(200).json({ data: { cancelled: true } });
      const change = await changes.find(checked.claims.changeId);
      if (change?.state === "confirmed") return fail(res, 409, "INVALID_PAYLOAD", "The change was already confirmed.", { problem: "confirmed" });
      return used(res);
    } catch (error) {
      next(error);
    }
  });
}

/**
 * Not Directus's INVALID_TOKEN / TOKEN_EXPIRED: the confirm call carries the caller's session, and
 * those codes would say that session (not the link) is bad.
 * @param {Response} res @param {"invalid" | "expired"} problem
 */
function tokenProblem(res, problem) {
  return problem === "expired"
    ? fail(res, 410, "INVALID_PAYLOAD", "This link has expired.", { problem: "expired" })
    : fail(res, 400, "INVALID_PAYLOAD", "This link is not valid.", { problem: "invalid" });
}

/** @param {Response} res */
function used(res) {
  return fail(res, 409, "INVALID_PAYLOAD", "This link has already been used.", { problem: "used" });
}

export default { id: "account-security", handler };
