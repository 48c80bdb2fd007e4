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
//
// GET /account-ownership/activity?before=<cursor>   the signed-in user only (401 otherwise)
//   200 { data: [event…], next: cursor | null }: one page (25) of the caller's own activity of the
//   last 90 days, newest first (activity-reader.js); 400 INVALID_QUERY for a cursor it did not give.
// GET /account-ownership/export   the signed-in user only (401 otherwise)
//   200 application/json, streamed (account-export.js): the caller's own data, no secret. A failure
//   after the first byte ends the connection, so the download is incomplete, never a truncated file
//   that parses.
// An administrator is answered like anyone: with their own activity and data (no parameter names a user).
import { InvalidCursor, readActivity } from "./activity-reader.js";
import { writeExport } from "./account-export.js";
import { deleteAccount, lastNotice, serviceAccountability } from "./delete-account.js";

/**
 * @typedef {{ status: (code: number) => Response, json: (body: unknown) => void, end: () => void }} Response
 * @typedef {{ accountability?: { user?: string | null, admin?: boolean, ip?: string | null, userAgent?: string | null, origin?: string | null } | null, query?: Record<string, unknown> }} Request
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
  /** @param {{ delete: Function, get: Function }} router @param {any} context */
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

    router.get("/activity", async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
      try {
        const user = req.accountability?.user;
        if (!user) return fail(res, 401, "INVALID_CREDENTIALS", "Sign in to see your account's activity.");
        const before = req.query?.["before"];
        if (before !== undefined && typeof before !== "string") return fail(res, 400, "INVALID_QUERY", "The cursor is not one this page gave.");
        const page = await readActivity(context, user, { before: before ?? null });
        res.status(200).json(page);
      } catch (error) {
        if (error instanceof InvalidCursor) return fail(res, 400, "INVALID_QUERY", error.message);
        next(error);
      }
    });

    router.get("/export", async (/** @type {Request} */ req, /** @type {any} */ res, /** @type {Function} */ next) => {
      const user = req.accountability?.user;
      if (!user) return fail(res, 401, "INVALID_CREDENTIALS", "Sign in to download your data.");
      try {
        await writeExport(context, user, piecesTo(res));
        res.end();
      } catch (error) {
        if (!res.headersSent) return next(error);
        logger.error(error, "account-ownership: an export failed part-way; its connection is ended");
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    });
  },
};

/**
 * Writes to an HTTP response piece by piece: the headers with the first piece, then each piece once
 * the one before has drained (the response's own backpressure). Throws when the client has gone, so
 * the export stops reading.
 * @param {any} res
 * @returns {(piece: string) => Promise<void>}
 */
export function piecesTo(res) {
  return async (piece) => {
    if (res.destroyed || res.writableEnded) throw new Error("account-ownership: the client left before the export ended");
    if (!res.headersSent) {
      res.status(200);
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.setHeader("Cache-Control", "no-store");
    }
    if (res.write(piece)) return;
    await new Promise((resolve, reject) => {
      const done = () => {
        res.off("drain", done);
        res.off("close", gone);
        resolve(undefined);
      };
      const gone = () => {
        res.off("drain", done);
        res.off("close", gone);
        reject(new Error("account-ownership: the client left before the export ended"));
      };
      res.on("drain", done);
      res.on("close", gone);
    });
  };
}
