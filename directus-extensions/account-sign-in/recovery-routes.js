// The recovery-code routes of the /account-sign-in endpoint (docs/decisions/025-recovery-codes.md).
// Answers in Directus's error shape.
//
// Signed-in caller only (401 INVALID_CREDENTIALS otherwise):
//   GET  /recovery-codes                                200 { data: { remaining, total, created_at } } (0, 0, null when none)
//   POST /recovery-codes               {}               201 { data: { codes: string[10] } } shown as xxxxx-xxxxx, once; the old
//        batch is gone in the same transaction; 409 TWO_FACTOR_OFF; 429 beyond BATCHES_PER_ACCOUNT an hour
//   POST /recovery-codes/two-factor-off { code }        204: the code used up, two-factor off through Directus's TFAService,
//        the codes deleted; 401 INVALID_OTP for a wrong code; 409 TWO_FACTOR_OFF; 429 TOO_MANY_WRONG_CODES
// Anyone:
//   POST /recovery-codes/sign-in  { email, password, code } or { provider_proof, code }
//        a new Directus session through startSession, answered as Directus's login in session mode with
//        { data: { expires, remaining } }. Every refusal 401 INVALID_CREDENTIALS with one message; 429
//        REQUESTS_EXCEEDED beyond RECOVERY_SIGN_INS_PER_IP from one IP; 429 TOO_MANY_WRONG_CODES once the
//        account's wrong codes reach their bound (only after its first factor).
// No answer and no log line carries a code, hash, salt or proof.
import { performance } from "node:perf_hooks";
import { accountEvents, answerSession, bodyWithinBounds, fail } from "./answers.js";
import { codePoints } from "./code-points.js";
import { directusEmitter, directusEmitterPath } from "./directus-emitter.js";
import {
  BATCH_WINDOW_MS,
  BATCHES_PER_ACCOUNT,
  NOTICE_WINDOW_MS,
  RECOVERY_NOTICES_PER_ACCOUNT,
  RECOVERY_SIGN_INS_PER_IP,
  WINDOW_MS,
  WindowCounter,
} from "./limits.js";
import { mailSender, recoveryRenewalNotice, recoveryUseNotice } from "./notices.js";
import { isProof, proofHashOf } from "./provider-proofs.js";
import { hashOf, MAX_INPUT, newBatch, newSalt, normalisedCode, shownCode } from "./recovery-codes.js";
import { recoveryStore } from "./recovery-store.js";
import { RECOVERY_CODE_METHOD, SessionRefused, sessionStarter } from "./session-start.js";

/** The one answer to every refused sign-in: telling the reasons apart would tell a stranger which accounts exist and which passwords are right. */
export const RECOVERY_REFUSED = "The recovery code could not be used to sign in.";

/** Bounds checked before any work. */
export const RECOVERY_LIMITS = { body: 4 * 1024, email: 254, password: 1024, code: MAX_INPUT };

/**
 * @typedef {import("./answers.js").Request} Request
 * @typedef {import("./answers.js").Response} Response
 * @typedef {{ code: string } & ({ kind: "password", email: string, password: string } | { kind: "proof", proof: string })} SignInRequest
 */

/** The sign-in body, bounded, or null. @param {unknown} body @returns {SignInRequest | null} */
export function readSignIn(body) {
  if (!body || typeof body !== "object" || Array.isArray(body)) return null;
  const { email, password, provider_proof: proof, code } = /** @type {Record<string, unknown>} */ (body);
  if (typeof code !== "string" || code.length > RECOVERY_LIMITS.code) return null;
  if (proof !== undefined) {
    if (email !== undefined || password !== undefined || !isProof(proof)) return null;
    return { kind: "proof", proof, code };
  }
  if (typeof email !== "string" || email.length === 0 || email.length > RECOVERY_LIMITS.email) return null;
  if (typeof password !== "string" || password.length === 0 || password.length > RECOVERY_LIMITS.password) return null;
  return { kind: "password", email, password, code };
}

/**
 * @param {{ get: Function, post: Function }} router
 * @param {{
 *   services: any, env: Record<string, any>, database: any, getSchema: () => Promise<unknown>, logger: { error: Function, warn: Function },
 *   emitter?: { emitAction: (event: string, meta: object) => void },
 *   coreEmitter?: () => Promise<import("./session-start.js").Emitter>, send?: (mail: import("./notices.js").Mail) => Promise<void>, now?: () => number,
 * }} context `emitter`: the extensions' shared one; `coreEmitter`, `send` and `now` replace Directus's emitter, MailService and the clock in tests
 */
export function recoveryRoutes(router, context) {
  const { services, env, database, getSchema, logger } = context;
  const now = context.now ?? Date.now;
  const coreEmitter = context.coreEmitter ?? directusEmitter(directusEmitterPath());
  const startSessionFor = sessionStarter({ database, services, env, getSchema, coreEmitter, now });
  const send = context.send ?? mailSender(context);
  const store = recoveryStore(database);
  const points = codePoints(database, store.ensure, now);
  const report = accountEvents(context.emitter, logger);
  // Directus's own: every answer of its login takes at least this long, so timing tells no account apart.
  const stallMs = Number(env["LOGIN_STALL_TIME"] ?? 500) || 0;

  const signInsPerIp = new WindowCounter({ limit: RECOVERY_SIGN_INS_PER_IP, windowMs: WINDOW_MS, now });
  const batchesPerAccount = new WindowCounter({ limit: BATCHES_PER_ACCOUNT, windowMs: BATCH_WINDOW_MS, now });
  const noticesPerAccount = new WindowCounter({ limit: RECOVERY_NOTICES_PER_ACCOUNT, windowMs: NOTICE_WINDOW_MS, now });

  /** Mails the owner, bounded per account; never delays or undoes what happened. @param {string} userId @param {(email: string) => import("./notices.js").Mail} mail */
  const notify = async (userId, mail) => {
    if (!noticesPerAccount.hit(userId)) return;
    const user = await database("directus_users").select("email").where({ id: userId }).first();
    if (!user?.email) return;
    send(mail(user.email)).catch((error) => logger.error(error, "account-sign-in: could not send a recovery-code notice"));
  };

  /** @param {string} userId */
  const twoFactorOf = async (userId) => Boolean((await database("directus_users").select("tfa_secret").where({ id: userId }).first())?.tfa_secret);

  /**
   * Checks `input` against the account's codes and uses the right one up; one scrypt whatever the
   * input (a malformed code or an account without codes costs the same). @param {string} userId @param {unknown} input @param {string} [proofId]
   */
  const useCode = async (userId, input, proofId) => {
    const code = normalisedCode(input);
    const salt = await store.saltOf(userId);
    const hash = await hashOf(code ?? "", salt ?? newSalt());
    return code !== null && salt !== null && store.useCode(userId, hash, now(), proofId);
  };

  /**
   * A route for signed-in callers only; anything thrown goes to Directus's error handler.
   * @param {(userId: string, req: Request, res: Response) => Promise<void>} respond
   */
  const signedIn = (respond) => async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    try {
      const userId = req.accountability?.user;
      if (!userId) return fail(res, 401, "INVALID_CREDENTIALS", "Sign in to manage your recovery codes.");
      if (!bodyWithinBounds(req, RECOVERY_LIMITS.body)) return fail(res, 400, "INVALID_PAYLOAD", "The request is too large.");
      await respond(userId, req, res);
    } catch (error) {
      next(error);
    }
  };

  router.get(
    "/recovery-codes",
    signedIn(async (userId, _req, res) => {
      res.status(200).json({ data: await store.summaryOf(userId) });
    }),
  );

  router.post(
    "/recovery-codes",
    signedIn(async (userId, req, res) => {
      if (!(await twoFactorOf(userId))) return fail(res, 409, "TWO_FACTOR_OFF", "Recovery codes need two-factor sign-in on.");
      if (!batchesPerAccount.hit(userId)) return fail(res, 429, "REQUESTS_EXCEEDED", "Too many requests; try again later.");
      const codes = newBatch();
      const salt = newSalt();
      // One after another: each scrypt takes 16 MiB.
      const hashes = [];
      for (const code of codes) hashes.push(await hashOf(code, salt));
      const replaced = await store.replaceBatch(userId, salt, hashes, now());
      if (replaced > 0) await notify(userId, (email) => recoveryRenewalNotice(email, new Date(now())));
      report(userId, "recovery-codes-renewed", req);
      res.setHeader("Cache-Control", "no-store");
      res.status(201).json({ data: { codes: codes.map(shownCode) } });
    }),
  );

  router.post(
    "/recovery-codes/two-factor-off",
    signedIn(async (userId, req, res) => {
      if (!(await twoFactorOf(userId))) return fail(res, 409, "TWO_FACTOR_OFF", "Two-factor sign-in is already off.");
      if (!(await points.take(userId))) return fail(res, 429, "TOO_MANY_WRONG_CODES", "Too many wrong codes; try again later.");
      const input = /** @type {Record<string, unknown> | undefined} */ (req.body)?.["code"];
      if (!(await useCode(userId, input))) return fail(res, 401, "INVALID_OTP", "The recovery code is not right.");
      await points.clear(userId);
      // Directus's own way (its /users/me/tfa/disable), so its hooks and revisions see the change.
      await new services.TFAService({ knex: database, schema: req.schema ?? (await getSchema()), accountability: req.accountability }).disableTFA(userId);
      await store.deleteCodesOf([userId]);
      await notify(userId, (email) => recoveryUseNotice("two-factor-off", email, 0, new Date(now())));
      // A sign-in with a code is recorded as such by the auth.login it emits; this use signs no one in.
      report(userId, "recovery-code-used", req);
      res.status(204).end();
    }),
  );

  router.post("/recovery-codes/sign-in", async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    const started = performance.now();
    /** Every answer, right or wrong, after the same least time. @param {() => void} answer */
    const stalled = async (answer) => {
      const left = stallMs - (performance.now() - started);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      answer();
    };
    const refuse = () => stalled(() => fail(res, 401, "INVALID_CREDENTIALS", RECOVERY_REFUSED));
    try {
      const request = bodyWithinBounds(req, RECOVERY_LIMITS.body) ? readSignIn(req.body) : null;
      if (!request) return await refuse();
      if (!signInsPerIp.hit(req.accountability?.ip ?? "unknown")) return await stalled(() => fail(res, 429, "REQUESTS_EXCEEDED", "Too many attempts; try again later."));
      const schema = req.schema ?? (await getSchema());

      // The first factor: the account's password, or its provider's fresh proof.
      /** @type {{ userId: string, provider: string, proofId?: string }} */
      let who;
      if (request.kind === "password") {
        const user = await database("directus_users").select("id").whereRaw("LOWER(??) = ?", ["email", request.email.toLowerCase()]).andWhere({ provider: "default" }).first();
        if (!user) return await refuse();
        try {
          await new services.AuthenticationService({ knex: database, schema, accountability: req.accountability ?? null }).verifyPassword(user.id, request.password);
        } catch (error) {
          if (/** @type {{ code?: string }} */ (error)?.code === "INVALID_CREDENTIALS") return await refuse();
          throw error;
        }
        who = { userId: user.id, provider: "default" };
      } else {
        const proof = await store.liveProof(proofHashOf(request.proof), now());
        if (!proof) return await refuse();
        who = { userId: proof.user_id, provider: proof.provider, proofId: proof.id };
      }
      const account = await database("directus_users").select("status", "provider", "tfa_secret").where({ id: who.userId }).first();
      if (!account || account.status !== "active" || !account.tfa_secret || account.provider !== who.provider) return await refuse();

      if (!(await points.take(who.userId))) return await stalled(() => fail(res, 429, "TOO_MANY_WRONG_CODES", "Too many wrong codes; try again later."));
      if (!(await useCode(who.userId, request.code, who.proofId))) return await refuse();
      await points.clear(who.userId);

      let session;
      try {
        session = await startSessionFor(req, who.userId, who.provider, RECOVERY_CODE_METHOD);
      } catch (error) {
        if (error instanceof SessionRefused) return await refuse();
        throw error;
      }
      const remaining = await store.remainingOf(who.userId);
      await notify(who.userId, (email) => recoveryUseNotice("sign-in", email, remaining, new Date(now())));
      await stalled(() => answerSession(res, env, session, { remaining }));
    } catch (error) {
      next(error);
    }
  });
}
