// The /account-sign-in endpoint: passkeys (WebAuthn), verified with @simplewebauthn/server, the relying
// party id and origin taken from APP_URL. Answers in Directus's error shape.
//
// Signed-in caller only (401 otherwise):
//   POST   /passkeys/registration/options  {}                           200 { data: { challenge_id, options } }
//   POST   /passkeys/registration          { challenge_id, response, name? }  201 { data: Passkey }; 400 INVALID_PAYLOAD
//   GET    /passkeys                                                     200 { data: Passkey[] } (the caller's)
//   PATCH  /passkeys/:id                   { name }                     200 { data: Passkey }; 404 for any other id
//   DELETE /passkeys/:id                                                 204; 404 for any other id
// Anyone:
//   POST   /passkeys/authentication/options {}                          200 { data: { challenge_id, options } }
//   POST   /passkeys/authentication        { challenge_id, response }   anonymous: a new Directus session, answered
//          as Directus's POST /auth/login in session mode (its cookie, { data: { expires } }); signed in: 200
//          { data: { confirmed: true } } for the caller's own passkey, no new session. Every refusal 401
//          INVALID_CREDENTIALS with one message.
// Passkey = { id, name, created_at, last_used_at, backed_up, device_type }: never the key or credential id.
// Challenges live in the database and are used up by the request that answers them, on any instance.
// The same endpoint serves the recovery-code routes (/recovery-codes…, recovery-routes.js).
import { randomUUID } from "node:crypto";
import { generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse } from "@simplewebauthn/server";
import { accountEvents, answerSession, bodyWithinBounds as withinBounds, fail } from "./answers.js";
import { directusEmitter, directusEmitterPath } from "./directus-emitter.js";
import {
  ANONYMOUS_CHALLENGES_PER_IP,
  CHALLENGES_PER_CALLER,
  CHECKS_PER_IP,
  FAILURES_PER_CREDENTIAL,
  NOTICE_WINDOW_MS,
  NOTICES_PER_ACCOUNT,
  REGISTRATIONS_PER_ACCOUNT,
  WINDOW_MS,
  WindowCounter,
} from "./limits.js";
import { mailSender, passkeyNotice } from "./notices.js";
import {
  CHALLENGE_TTL_MS,
  defaultName,
  isUuid,
  LIMITS,
  publicPasskey,
  readAuthentication,
  readName,
  readRegistration,
  relyingParty,
  userHandleOf,
  userIdOfHandle,
} from "./rules.js";
import { recoveryRoutes } from "./recovery-routes.js";
import { SessionRefused, sessionStarter } from "./session-start.js";
import { passkeyStore } from "./store.js";

/** The one answer to every refused sign-in: telling the reasons apart would tell a stranger which accounts and credentials exist. */
export const REFUSED = "The passkey could not be used to sign in.";

/**
 * @typedef {import("./answers.js").Response} Response
 * @typedef {import("./answers.js").Request} Request
 * @typedef {import("./session-start.js").Emitter} Emitter
 */

/** @param {Request} req */
const bodyWithinBounds = (req) => withinBounds(req, LIMITS.body);

/**
 * @param {{ get: Function, post: Function, patch: Function, delete: Function }} router
 * @param {{
 *   services: any, env: Record<string, any>, database: any, getSchema: () => Promise<unknown>, logger: { error: Function, warn: Function },
 *   emitter?: { emitAction: (event: string, meta: object) => void },
 *   coreEmitter?: () => Promise<Emitter>, send?: (mail: import("./notices.js").Mail) => Promise<void>, now?: () => number,
 * }} context `emitter`: the extensions' shared one; `coreEmitter`, `send` and `now` replace Directus's emitter, MailService and the clock in tests
 */
export function passkeyRoutes(router, context) {
  const { services, env, database, getSchema, logger } = context;
  const now = context.now ?? Date.now;
  const rp = relyingParty(env["APP_URL"]);
  const coreEmitter = context.coreEmitter ?? directusEmitter(directusEmitterPath());
  const startSessionFor = sessionStarter({ database, services, env, getSchema, coreEmitter, now });
  const send = context.send ?? mailSender(context);
  const store = passkeyStore(database);
  const report = accountEvents(context.emitter, logger);

  const checksPerIp = new WindowCounter({ limit: CHECKS_PER_IP, windowMs: WINDOW_MS, now });
  const failuresPerCredential = new WindowCounter({ limit: FAILURES_PER_CREDENTIAL, windowMs: WINDOW_MS, now });
  const challengesPerCaller = new WindowCounter({ limit: CHALLENGES_PER_CALLER, windowMs: WINDOW_MS, now });
  const anonymousChallengesPerIp = new WindowCounter({ limit: ANONYMOUS_CHALLENGES_PER_IP, windowMs: WINDOW_MS, now });
  const registrationsPerAccount = new WindowCounter({ limit: REGISTRATIONS_PER_ACCOUNT, windowMs: WINDOW_MS, now });
  const noticesPerAccount = new WindowCounter({ limit: NOTICES_PER_ACCOUNT, windowMs: NOTICE_WINDOW_MS, now });

  /** @param {Request} req */
  const ipOf = (req) => req.accountability?.ip ?? "unknown";

  /** Mails the owner, bounded per account; never delays or undoes the change. @param {string} userId @param {"added" | "removed"} kind @param {string} name */
  const notify = async (userId, kind, name) => {
    if (!noticesPerAccount.hit(userId)) return;
    const user = await database("directus_users").select("email").where({ id: userId }).first();
    if (!user?.email) return;
    send(passkeyNotice(kind, user.email, name, new Date(now()))).catch((error) => logger.error(error, `account-sign-in: could not send the passkey ${kind} notice`));
  };

  /**
   * A route for signed-in callers only; anything thrown goes to Directus's error handler.
   * @param {(userId: string, req: Request, res: Response) => Promise<void>} respond
   */
  const signedIn = (respond) => async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    try {
      const userId = req.accountability?.user;
      if (!userId) return fail(res, 401, "INVALID_CREDENTIALS", "Sign in to manage your passkeys.");
      if (!bodyWithinBounds(req)) return fail(res, 400, "INVALID_PAYLOAD", "The request is too large.");
      await respond(userId, req, res);
    } catch (error) {
      next(error);
    }
  };

  /** @param {string} userId */
  const listOf = async (userId) => (await store.passkeysOf(userId)).map(publicPasskey);

  router.get(
    "/passkeys",
    signedIn(async (userId, _req, res) => {
      res.status(200).json({ data: await listOf(userId) });
    }),
  );

  router.post(
    "/passkeys/registration/options",
    signedIn(async (userId, _req, res) => {
      if (!challengesPerCaller.hit(userId)) return fail(res, 429, "REQUESTS_EXCEEDED", "Too many requests; try again later.");
      const user = await database("directus_users").select("email", "first_name", "last_name").where({ id: userId }).first();
      const existing = await store.passkeysOf(userId);
      if (existing.length >= LIMITS.passkeysPerAccount) return fail(res, 409, "PASSKEY_LIMIT", `An account holds at most ${LIMITS.passkeysPerAccount} passkeys.`);
      const userName = user?.email ?? userId;
      const options = await generateRegistrationOptions({
        rpName: rp.rpName,
        rpID: rp.rpID,
        userName,
        userID: userHandleOf(userId),
        userDisplayName: [user?.first_name, user?.last_name].filter(Boolean).join(" ") || userName,
        timeout: CHALLENGE_TTL_MS,
        attestationType: "none",
        excludeCredentials: existing.map((row) => ({ id: row.credential_id, transports: transportsOf(row) })),
        authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
      });
      const at = now();
      const id = await store.addChallenge({ challenge: options.challenge, purpose: "registration", userId, expiresAt: at + CHALLENGE_TTL_MS, now: at });
      res.status(200).json({ data: { challenge_id: id, options } });
    }),
  );

  router.post(
    "/passkeys/registration",
    signedIn(async (userId, req, res) => {
      const notVerified = () => fail(res, 400, "INVALID_PAYLOAD", "The passkey could not be verified.");
      const request = readRegistration(req.body);
      if (!request.ok) return notVerified();
      if (!registrationsPerAccount.hit(userId)) return fail(res, 429, "REQUESTS_EXCEEDED", "Too many requests; try again later.");
      const challenge = await store.takeChallenge(request.challengeId, now());
      if (!challenge || challenge.purpose !== "registration" || challenge.user_id !== userId) return notVerified();
      let verification;
      try {
        verification = await verifyRegistrationResponse({
          response: request.response,
          expectedChallenge: challenge.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.rpID,
          requireUserVerification: true,
        });
      } catch {
        return notVerified();
      }
      if (!verification.verified) return notVerified();
      const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
      if ((await store.countOf(userId)) >= LIMITS.passkeysPerAccount) return fail(res, 409, "PASSKEY_LIMIT", `An account holds at most ${LIMITS.passkeysPerAccount} passkeys.`);
      if (await store.byCredential(credential.id)) return notVerified();
      const row = {
        id: randomUUID(),
        user_id: userId,
        credential_id: credential.id,
        public_key: Buffer.from(credential.publicKey).toString("base64url"),
        counter: credential.counter,
        transports: JSON.stringify(request.response.response.transports ?? []),
        name: request.name ?? defaultName(req.accountability?.userAgent),
        device_type: credentialDeviceType,
        backed_up: credentialBackedUp,
        created_at: now(),
        last_used_at: null,
      };
      try {
        await store.add(row);
      } catch (error) {
        // The same credential registered meanwhile (its id is unique).
        if (await store.byCredential(credential.id)) return notVerified();
        throw error;
      }
      await notify(userId, "added", row.name);
      report(userId, "passkey-added", req);
      res.status(201).json({ data: publicPasskey(row) });
    }),
  );

  router.patch(
    "/passkeys/:id",
    signedIn(async (userId, req, res) => {
      const id = req.params?.["id"];
      const name = readName(/** @type {Record<string, unknown> | undefined} */ (req.body)?.["name"]);
      if (!isUuid(id) || !(await store.ownedBy(userId, id))) return fail(res, 404, "ROUTE_NOT_FOUND", "No such passkey.");
      if (!name) return fail(res, 400, "INVALID_PAYLOAD", `"name" must be 1 to ${LIMITS.name} characters.`);
      if (!(await store.rename(userId, id, name))) return fail(res, 404, "ROUTE_NOT_FOUND", "No such passkey.");
      const row = await store.ownedBy(userId, id);
      if (!row) return fail(res, 404, "ROUTE_NOT_FOUND", "No such passkey.");
      res.status(200).json({ data: publicPasskey(row) });
    }),
  );

  router.delete(
    "/passkeys/:id",
    signedIn(async (userId, req, res) => {
      const id = req.params?.["id"];
      const row = isUuid(id) ? await store.ownedBy(userId, id) : undefined;
      if (!row || !(await store.remove(userId, row.id))) return fail(res, 404, "ROUTE_NOT_FOUND", "No such passkey.");
      await notify(userId, "removed", row.name);
      report(userId, "passkey-removed", req);
      res.status(204).end();
    }),
  );

  router.post("/passkeys/authentication/options", async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    try {
      if (!bodyWithinBounds(req)) return fail(res, 400, "INVALID_PAYLOAD", "The request is too large.");
      const userId = req.accountability?.user ?? null;
      const allowed = userId ? challengesPerCaller.hit(userId) : anonymousChallengesPerIp.hit(ipOf(req));
      if (!allowed) return fail(res, 429, "REQUESTS_EXCEEDED", "Too many requests; try again later.");
      // Signed in ("confirm it's you"): only the caller's own passkeys. Anonymous: any discoverable one.
      const allowCredentials = userId ? (await store.passkeysOf(userId)).map((row) => ({ id: row.credential_id, transports: transportsOf(row) })) : undefined;
      const options = await generateAuthenticationOptions({ rpID: rp.rpID, userVerification: "required", timeout: CHALLENGE_TTL_MS, ...(allowCredentials ? { allowCredentials } : {}) });
      const at = now();
      const id = await store.addChallenge({ challenge: options.challenge, purpose: "authentication", userId, expiresAt: at + CHALLENGE_TTL_MS, now: at });
      res.status(200).json({ data: { challenge_id: id, options } });
    } catch (error) {
      next(error);
    }
  });

  router.post("/passkeys/authentication", async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    try {
      const refuse = () => fail(res, 401, "INVALID_CREDENTIALS", REFUSED);
      const callerId = req.accountability?.user ?? null;
      if (!bodyWithinBounds(req)) return refuse();
      const request = readAuthentication(req.body);
      if (!request.ok) return refuse();
      const credentialId = request.response.id;
      // Counted before any work: every check per IP, and failures per credential from this IP. Not per
      // credential alone: its id is no secret, and a stranger's failures must never keep out the owner's
      // right passkey (the app counts per credential too, but never refuses a right one).
      const failureKey = `${credentialId}|${ipOf(req)}`;
      if (!failuresPerCredential.allows(failureKey) || !checksPerIp.hit(ipOf(req))) return fail(res, 429, "REQUESTS_EXCEEDED", "Too many attempts; try again later.");
      const refuseCounted = () => {
        failuresPerCredential.hit(failureKey);
        refuse();
      };

      // Used up whatever follows: an answer, right or wrong, spends its challenge.
      const challenge = await store.takeChallenge(request.challengeId, now());
      if (!challenge || challenge.purpose !== "authentication" || (challenge.user_id ?? null) !== callerId) return refuseCounted();
      const passkey = await store.byCredential(credentialId);
      if (!passkey) return refuseCounted();
      // Confirming it is them: only the caller's own passkey. Signing in: the user handle (sent by every
      // discoverable credential) must name the passkey's owner.
      if (callerId && passkey.user_id !== callerId) return refuseCounted();
      const handleOwner = userIdOfHandle(request.response.response.userHandle);
      if ((!callerId || request.response.response.userHandle) && handleOwner !== passkey.user_id) return refuseCounted();

      let verification;
      try {
        verification = await verifyAuthenticationResponse({
          response: request.response,
          expectedChallenge: challenge.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.rpID,
          credential: { id: passkey.credential_id, publicKey: new Uint8Array(Buffer.from(passkey.public_key, "base64url")), counter: Number(passkey.counter), transports: transportsOf(passkey) },
          requireUserVerification: true,
        });
      } catch {
        return refuseCounted();
      }
      if (!verification.verified || !verification.authenticationInfo.userVerified) return refuseCounted();
      if (!(await store.recordUse(passkey.id, Number(passkey.counter), verification.authenticationInfo.newCounter, now()))) return refuseCounted();

      if (callerId) return void res.status(200).json({ data: { confirmed: true } });

      let session;
      try {
        session = await startSessionFor(req, passkey.user_id, "passkey");
      } catch (error) {
        if (error instanceof SessionRefused) return refuseCounted();
        throw error;
      }
      answerSession(res, env, session);
    } catch (error) {
      next(error);
    }
  });
}

/** @param {import("./rules.js").PasskeyRow} row @returns {any[]} */
function transportsOf(row) {
  try {
    const parsed = JSON.parse(row.transports ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((t) => typeof t === "string") : [];
  } catch {
    return [];
  }
}

export default {
  id: "account-sign-in",
  /** @param {any} router @param {any} context */
  handler(router, context) {
    passkeyRoutes(router, context);
    recoveryRoutes(router, context);
  },
};
