// Route under /account-security: checks the signed-in user's own two-factor code, for the app's
// "confirm it's you" (docs/decisions/023). Directus 11.17.4 checks a code only inside a login or while
// turning two-factor on; nothing answers "is this this user's code now?" without signing in again.
//
// POST /account-security/verify-code { otp }   the signed-in user only (401 otherwise)
//   204 when `otp` (six digits) is the current code of the user's tfa_secret, checked by Directus's own
//   TFAService.verifyOTP; 400 INVALID_OTP when it is not; 409 TFA_NOT_ENABLED when the user has no
//   two-factor; 400 INVALID_PAYLOAD for anything but six digits. Every check is counted per user here
//   (CODE_CHECKS_PER_WINDOW per CODE_WINDOW_SECONDS, 429 beyond), so a caller holding a session token
//   cannot guess through it; the app counts each answer per account too and takes each code once.
import { WindowCounter } from "./unlock-rules.js";

export const CODE_CHECKS_PER_WINDOW = 10;
export const CODE_WINDOW_SECONDS = 15 * 60;

/**
 * @typedef {{ status: (code: number) => Response, json: (body: unknown) => void, end: () => void }} Response
 * @typedef {{ body?: unknown, accountability?: { user?: string | null } | null }} Request
 */

/** @param {Response} res @param {number} status @param {string} code @param {string} message */
function fail(res, status, code, message) {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** The six digits asked for, or null: nothing longer reaches the check. @param {unknown} body */
export function readCodeRequest(body) {
  const otp = body && typeof body === "object" ? /** @type {Record<string, unknown>} */ (body)["otp"] : undefined;
  return typeof otp === "string" && /^[0-9]{6}$/.test(otp) ? otp : null;
}

/**
 * @param {{ post: Function }} router
 * @param {{ services: { TFAService: new (options: object) => { verifyOTP: (key: string, otp: string) => Promise<boolean> } }, database: any, getSchema: () => Promise<unknown>, now?: () => number }} context
 *   `now` replaces the clock in tests
 */
export function verifyCode(router, context) {
  const { services, database, getSchema } = context;
  const checks = new WindowCounter({ limit: CODE_CHECKS_PER_WINDOW, windowMs: CODE_WINDOW_SECONDS * 1000, now: context.now ?? Date.now });

  router.post("/verify-code", async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    try {
      const userId = req.accountability?.user;
      if (!userId) return fail(res, 401, "INVALID_CREDENTIALS", "Sign in to check your code.");
      const otp = readCodeRequest(req.body);
      if (!otp) return fail(res, 400, "INVALID_PAYLOAD", '"otp" must be six digits.');
      const user = await database("directus_users").select("tfa_secret").where({ id: userId }).first();
      if (!user?.tfa_secret) return fail(res, 409, "TFA_NOT_ENABLED", "Two-factor sign-in is not on for this account.");
      // Counted before the check, right or wrong: a per-process bound (each Directus instance counts its own).
      if (!checks.hit(userId)) return fail(res, 429, "REQUESTS_EXCEEDED", "Too many codes checked; try again later.");
      const tfa = new services.TFAService({ knex: database, schema: await getSchema(), accountability: null });
      if (!(await tfa.verifyOTP(userId, otp))) return fail(res, 400, "INVALID_OTP", "That code is not right.");
      res.status(204).end();
    } catch (error) {
      next(error);
    }
  });
}
