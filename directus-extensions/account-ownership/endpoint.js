// Endpoint /account-ownership: the signed-in user's own account, which Directus lets no ordinary
// role delete (and the app holds no admin token).
//
// DELETE /account-ownership/account   the signed-in user only (401 otherwise)
//   204 once the caller's posts, their extensions' rows and the Directus user are deleted, in one
//   transaction (delete-account.js); a failure answers Directus's error and leaves the account whole,
//   so the same request again finishes the job. 204 too when the account is already gone. A last
//   notice is mailed after the commit; a mail that fails is logged and changes nothing.
//   403 ADMIN_ACCOUNT for an administrator: this route is for people who registered, and it never
//   removes the last administrator. The request's body is not read (Directus bounds its size).
import { deleteAccount, lastNotice, serviceAccountability } from "./delete-account.js";

/**
 * @typedef {{ status: (code: number) => Response, json: (body: unknown) => void, end: () => void }} Response
 * @typedef {{ accountability?: { user?: string | null, admin?: boolean, ip?: string | null, userAgent?: string | null, origin?: string | null } | null }} Request
 */

/** Directus's error shape, so clients read these answers as they read Directus's own. @param {Response} res @param {number} status @param {string} code @param {string} message */
function fail(res, status, code, message) {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** Sends one message through Directus's MailService, in the project's mail layout (template "base"). @param {any} context */
function mailSender({ services, database, getSchema }) {
  /** @param {import("./delete-account.js").Mail} mail */
  return async ({ to, subject, text, html }) => {
    const mailService = new services.MailService({ schema: await getSchema(), knex: database });
    await mailService.send({ to, subject, text, template: { name: "base", data: { html } } });
  };
}

export default {
  id: "account-ownership",
  /** @param {{ delete: Function }} router @param {any} context */
  handler(router, context) {
    const { logger } = context;
    const send = mailSender(context);

    router.delete("/account", async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
      try {
        const caller = req.accountability;
        if (!caller?.user) return fail(res, 401, "INVALID_CREDENTIALS", "Sign in to delete your account.");
        if (caller.admin) return fail(res, 403, "ADMIN_ACCOUNT", "An administrator's account is not deleted here; another administrator removes it in Directus.");
        const address = await deleteAccount(context, caller.user, serviceAccountability(caller));
        res.status(204).end();
        if (address) {
          send(lastNotice(address)).catch((/** @type {unknown} */ error) => logger.error(error, "account-ownership: could not send the last notice"));
        }
      } catch (error) {
        next(error);
      }
    });
  },
};
