// What every route of the endpoint answers alike: Directus's error shape, the body bound, and a new
// session answered as Directus's POST /auth/login answers in session mode.
import { sessionCookieOptions } from "./session-start.js";

/**
 * @typedef {{ status: (code: number) => Response, json: (body: unknown) => void, end: () => void, cookie: (name: string, value: string, options: object) => void, setHeader: (name: string, value: string) => void }} Response
 * @typedef {{ body?: unknown, params?: Record<string, string>, headers?: Record<string, unknown>, schema?: unknown, accountability?: { user?: string | null, ip?: string | null, userAgent?: string, origin?: string } | null }} Request
 */

/** @param {Response} res @param {number} status @param {string} code @param {string} message */
export function fail(res, status, code, message) {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** The body stays within `limit` bytes, as sent (Content-Length) and as parsed. @param {Request} req @param {number} limit */
export function bodyWithinBounds(req, limit) {
  const declared = Number(req.headers?.["content-length"] ?? 0);
  if (declared > limit) return false;
  return req.body === undefined || Buffer.byteLength(JSON.stringify(req.body) ?? "") <= limit;
}

/**
 * As Directus's /auth/login answers in session mode (auth/drivers/local.js and middleware/respond.js):
 * its cookie, no caching, and `{ data: { expires, ...extra } }`.
 * @param {Response} res @param {Record<string, any>} env @param {{ accessToken: string, expires: number }} session @param {Record<string, unknown>} [extra]
 */
export function answerSession(res, env, session, extra = {}) {
  res.cookie(env["SESSION_COOKIE_NAME"], session.accessToken, sessionCookieOptions(env));
  res.setHeader("Cache-Control", "no-cache");
  res.setHeader("Vary", "Origin, Cache-Control");
  res.status(200).json({ data: { expires: session.expires, ...extra } });
}

/**
 * Tells the account's activity what happened (the account-ownership extension records it; docs/decisions/027),
 * on the extensions' shared emitter (Directus's localEmitter, one per process). Nothing listens when
 * that extension is absent; a failure is logged and never fails the request.
 * @param {{ emitAction: (event: string, meta: object) => void } | undefined} emitter @param {{ error: Function }} logger
 * @returns {(user: string, kind: string, req: Request) => void}
 */
export function accountEvents(emitter, logger) {
  return (user, kind, req) => {
    try {
      emitter?.emitAction("account-ownership.event", { user, kind, ip: req.accountability?.ip ?? null, user_agent: req.accountability?.userAgent ?? null });
    } catch (error) {
      logger.error(error, "account-sign-in: could not report an account event");
    }
  };
}
