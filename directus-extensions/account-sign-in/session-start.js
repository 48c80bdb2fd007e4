// One way to start a genuine Directus session for a user whom another check (a passkey, or a
// recovery code after the account's first factor) has already identified: what
// AuthenticationService.login of Directus 11.17.4 does after its checks (dist/services/authentication.js, lines 158–218), step for step, so that the
// session is indistinguishable from a password login's: the same claims in the same session-mode
// token (signed with Directus's SECRET), the same directus_sessions row, the same login activity,
// last_access and events. Renewal, logout, the sessions page and every way Directus ends sessions
// then apply unchanged. docs/decisions/024 says what is replicated and how an upgrade is caught.
//
// Deliberately not replicated: the password and two-factor checks (the passkey replaces them: it is
// possession plus user verification), Directus's login-attempts limiter (it counts wrong passwords
// and would suspend the account; the passkey checks are bounded per IP and per credential instead,
// so nobody can suspend an account through them), and the stall (LOGIN_STALL_TIME hides how long a
// password check took; a passkey check's duration reveals nothing: every refusal is answered alike,
// and the expensive signature check runs for a known credential and an unknown one alike after the
// same database reads).
import { randomBytes } from "node:crypto";
import { fetchGlobalAccessForRoles, fetchGlobalAccessForUser, fetchRolesTree } from "@directus/utils/node";
import jwt from "jsonwebtoken";
import { durationMs } from "./rules.js";

/**
 * What a sign-in with a recovery code says on its `auth.login` (`method`, beside the provider, which
 * stays the account's): account-ownership records the sign-in as one with a recovery code. On the
 * event's meta, which Directus's own login builds itself, so no request body can set it.
 */
export const RECOVERY_CODE_METHOD = "recovery-code";

/** The account cannot be signed in to (not active, or gone). Answered like any other refusal. */
export class SessionRefused extends Error {
  constructor() {
    super("account-sign-in: the account cannot start a session");
  }
}

/**
 * @typedef {{ ip?: string | null, userAgent?: string, origin?: string }} Accountability
 * @typedef {{ emitFilter: (event: string, payload: any, meta: object, context: object) => Promise<any>, emitAction: (event: string, meta: object, context: object) => void }} Emitter
 * @typedef {{
 *   database: any,
 *   services: { ActivityService: new (options: object) => { createOne: (data: object) => Promise<unknown> } },
 *   env: Record<string, any>,
 *   emitter: Emitter,
 *   schema: unknown,
 *   accountability: Accountability | null,
 *   userId: string,
 *   provider: string,
 *   method?: typeof RECOVERY_CODE_METHOD,
 *   now?: () => number,
 * }} StartSessionOptions
 */

/**
 * Starts a session-mode session for `userId`, or throws SessionRefused when the account is not active.
 * @param {StartSessionOptions} options
 * @returns {Promise<{ accessToken: string, expires: number, id: string }>} the session token and its lifetime in ms
 */
export async function startSession({ database, services, env, emitter, schema, accountability, userId, provider, method, now = Date.now }) {
  const eventContext = { database, schema, accountability };
  const user = await database.select("id", "status", "role", "tfa_secret").from("directus_users").where("id", userId).first();
  // Directus refuses any status but "active" (suspended, invited, unverified, archived), and a deleted account has no row.
  if (!user || user.status !== "active") throw new SessionRefused();

  // authentication.js 158–168: the global access of the user's roles and of the user, as the token's claims.
  const ip = accountability?.ip ?? null;
  const roles = await fetchRolesTree(user.role, { knex: database });
  const access = await fetchGlobalAccessForRoles(roles, { knex: database, ip });
  const userAccess = await fetchGlobalAccessForUser(user.id, { knex: database, ip });
  /** @type {Record<string, unknown>} */
  const tokenPayload = {
    id: user.id,
    role: user.role,
    app_access: access.app || userAccess.app,
    admin_access: access.admin || userAccess.admin,
  };
  // 169–171: a policy that enforces two-factor on an account without it says so in the token.
  if (!user.tfa_secret) {
    const enforced = await database
      .select("directus_policies.enforce_tfa")
      .from("directus_users")
      .leftJoin("directus_roles", "directus_users.role", "directus_roles.id")
      .leftJoin("directus_access", "directus_roles.id", "directus_access.role")
      .leftJoin("directus_policies", "directus_access.policy", "directus_policies.id")
      .where("directus_users.id", user.id)
      .where("directus_policies.enforce_tfa", true)
      .first();
    if (enforced) tokenPayload["enforce_tfa"] = true;
  }
  // 172–174: the session's own token (nanoid(64) there: 64 characters of the URL-safe alphabet, as here).
  const refreshToken = randomBytes(48).toString("base64url");
  const refreshTokenExpiration = new Date(now() + (durationMs(env["REFRESH_TOKEN_TTL"], 0) ?? 0));
  tokenPayload["session"] = refreshToken;
  // 175–183: hooks may add claims (account-sessions' expiry hook reads the session claim here).
  const customClaims = await emitter.emitFilter("auth.jwt", tokenPayload, { status: "pending", user: user.id, provider, type: "login" }, eventContext);
  // 184–188: session mode's lifetime, Directus's SECRET, issuer "directus".
  const ttl = env["SESSION_COOKIE_TTL"];
  const accessToken = jwt.sign(customClaims, secretOf(env), { expiresIn: ttl, issuer: "directus" });
  // 189–196: the session row.
  await database("directus_sessions").insert({
    token: refreshToken,
    user: user.id,
    expires: refreshTokenExpiration,
    ip: accountability?.ip,
    user_agent: accountability?.userAgent,
    origin: accountability?.origin,
  });
  // 197: expired rows go.
  await database("directus_sessions").delete().where("expires", "<", new Date(now()));
  // 198–206: the login activity, through Directus's own ActivityService as there.
  if (accountability) {
    await new services.ActivityService({ knex: database, schema }).createOne({
      action: "login", // Action.LOGIN of @directus/constants
      user: user.id,
      ip: accountability.ip,
      user_agent: accountability.userAgent,
      origin: accountability.origin,
      collection: "directus_users",
      item: user.id,
    });
  }
  // 207: last access.
  await database("directus_users").update({ last_access: new Date(now()) }).where({ id: user.id });
  // 208: the success event (not awaited there either), saying when a recovery code was the way in.
  emitter.emitAction("auth.login", { payload: {}, status: "success", user: user.id, provider, ...(method ? { method } : {}) }, eventContext);
  return { accessToken, expires: durationMs(ttl) ?? 0, id: user.id };
}

/** Directus's getSecret: SECRET, which every instance of a cluster shares. @param {Record<string, any>} env */
function secretOf(env) {
  const secret = env["SECRET"];
  // Directus falls back to a random per-process secret; a session no other instance could read is no session here.
  if (!secret) throw new Error("account-sign-in: SECRET is not set");
  return secret;
}

/**
 * Directus's SESSION_COOKIE_OPTIONS (dist/constants.js 105–111), for the cookie its /auth/login sets
 * in session mode. @param {Record<string, any>} env
 */
export function sessionCookieOptions(env) {
  return {
    httpOnly: true,
    domain: env["SESSION_COOKIE_DOMAIN"],
    maxAge: durationMs(env["SESSION_COOKIE_TTL"]),
    secure: Boolean(env["SESSION_COOKIE_SECURE"]),
    sameSite: env["SESSION_COOKIE_SAME_SITE"] || "strict",
  };
}

/**
 * startSession for an endpoint's request: Directus's database, services and settings, its core
 * emitter, and the caller's IP, User-Agent and origin, recorded as Directus's own login records them.
 * @param {Omit<StartSessionOptions, "emitter" | "schema" | "accountability" | "userId" | "provider" | "method"> & { getSchema: () => Promise<unknown>, coreEmitter: () => Promise<Emitter> }} options
 * @returns {(req: { schema?: unknown, accountability?: { ip?: string | null, userAgent?: string, origin?: string } | null }, userId: string, provider: string, method?: typeof RECOVERY_CODE_METHOD) => ReturnType<typeof startSession>}
 */
export function sessionStarter({ database, services, env, getSchema, coreEmitter, now }) {
  return async (req, userId, provider, method) =>
    startSession({
      database,
      services,
      env,
      emitter: await coreEmitter(),
      schema: req.schema ?? (await getSchema()),
      accountability: { ip: req.accountability?.ip ?? null, userAgent: req.accountability?.userAgent, origin: req.accountability?.origin },
      userId,
      provider,
      method,
      now,
    });
}
