// Routes under /account-security: a link mailed to an account's own address, for its owner to log in
// from a new browser while a stranger's failed attempts keep the app's login paused for new browsers
// (the app's device cookies: docs/decisions/013-throttling-not-lockout.md). The link signs nobody in:
// the app marks the browser that redeems it as known for the account, and the password is still needed.
//
// POST /account-security/unlock-link { email, url }   anyone
//   204 for every address, known or not, over the bounds or not: a link (url?token=…, `url` on
//   ACCOUNT_UNLOCK_URL_ALLOW_LIST) goes only to an existing active account with that address, at most
//   UNLOCK_MAILS_PER_ADDRESS an hour per address and UNLOCK_MAILS_PER_IP per asking IP.
// POST /account-security/unlock-link/redeem { token }   anyone holding the link
//   200 { data: { email } } when the token is ours, of this purpose, unexpired and unused, and the
//   account is active with the address it was mailed to; otherwise 400 invalid, 410 expired, 409 used.
//   Used once per Directus process here; the app claims each token once across its instances too.
import { confirmationLink, isUrlAllowed, readAllowList, readConfirmRequest } from "./rules.js";
import { mailSender } from "./notices.js";
import {
  isBoundTo,
  readUnlockRequest,
  signUnlockToken,
  UNLOCK_MAILS_PER_ADDRESS,
  UNLOCK_MAILS_PER_IP,
  UNLOCK_WINDOW_SECONDS,
  unlockMail,
  UsedOnce,
  verifyUnlockToken,
  WindowCounter,
} from "./unlock-rules.js";

/**
 * @typedef {{ status: (code: number) => Response, json: (body: unknown) => void, end: () => void }} Response
 * @typedef {{ body?: unknown, ip?: string, accountability?: { ip?: string | null } | null }} Request
 * @typedef {{ id: string, email: string | null, status: string }} Account
 */

/** @param {Response} res @param {number} status @param {string} code @param {string} message @param {object} [extra] */
function fail(res, status, code, message, extra = {}) {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extra } }] });
}

/**
 * @param {{ post: Function }} router
 * @param {import("./notices.js").HookContext & { env: Record<string, unknown>, send?: (mail: import("./rules.js").Mail) => Promise<void>, now?: () => number }} context
 *   `send` and `now` replace MailService and the clock in tests
 */
export function deviceUnlock(router, context) {
  const { env, database, logger } = context;
  const send = context.send ?? mailSender(context);
  const now = context.now ?? Date.now;
  const secret = () => env["SECRET"];
  const windowMs = UNLOCK_WINDOW_SECONDS * 1000;
  const perAddress = new WindowCounter({ limit: UNLOCK_MAILS_PER_ADDRESS, windowMs, now });
  const perIp = new WindowCounter({ limit: UNLOCK_MAILS_PER_IP, windowMs, now });
  const used = new UsedOnce({ now });

  /** @param {string} email @returns {Promise<Account | undefined>} */
  const accountByEmail = (email) => database("directus_users").select("id", "email", "status").whereRaw("lower(??) = ?", ["email", email.toLowerCase()]).first();
  /** @param {string} id @returns {Promise<Account | undefined>} */
  const accountById = (id) => database("directus_users").select("id", "email", "status").where({ id }).first();

  router.post("/unlock-link", async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    try {
      const request = readUnlockRequest(req.body);
      if (!request.ok) return fail(res, 400, "INVALID_PAYLOAD", request.reason);
      if (!isUrlAllowed(request.url, readAllowList(env["ACCOUNT_UNLOCK_URL_ALLOW_LIST"]))) {
        return fail(res, 400, "INVALID_PAYLOAD", `URL "${request.url}" can't be used for unlock links`);
      }
      // Counted before the address is looked up, so known and unknown addresses spend their bounds alike.
      const ip = req.accountability?.ip ?? req.ip ?? "unknown";
      const allowed = perIp.hit(ip) && perAddress.hit(request.email.toLowerCase());
      if (allowed) {
        const account = await accountByEmail(request.email);
        if (account?.email && account.status === "active") {
          const token = signUnlockToken({ userId: account.id, email: account.email }, secret(), now());
          // Not awaited: the answer must not wait for (or reveal) whether a mail went out.
          send(unlockMail(account.email, confirmationLink(request.url, token))).catch((error) =>
            logger.error(error, "account-security: could not send an unlock link"),
          );
        }
      }
      res.status(204).end();
    } catch (error) {
      next(error);
    }
  });

  router.post("/unlock-link/redeem", async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    try {
      const request = readConfirmRequest(req.body);
      if (!request.ok) return fail(res, 400, "INVALID_PAYLOAD", request.reason);
      const checked = verifyUnlockToken(request.token, secret(), now());
      if (!checked.ok) {
        return checked.problem === "expired"
          ? fail(res, 410, "TOKEN_EXPIRED", "This link has expired.", { problem: "expired" })
          : fail(res, 400, "INVALID_TOKEN", "This link is not valid.", { problem: "invalid" });
      }
      const { userId, bound, jti, expiresAt } = checked.claims;
      const account = await accountById(userId);
      if (!account?.email || account.status !== "active" || !isBoundTo(bound, secret(), account.email) || !used.claim(jti, expiresAt)) {
        return fail(res, 409, "INVALID_PAYLOAD", "This link has already been used.", { problem: "used" });
      }
      res.status(200).json({ data: { email: account.email } });
    } catch (error) {
      next(error);
    }
  });
}
