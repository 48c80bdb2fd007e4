// Hook: registration answers alike for every address, and a verification link confirms only the
// registration it was mailed for.
//
// Directus 11.17.4 checks its password policy (auth_password_policy) only when a registration creates
// an account, so a password the policy refuses was refused for a new address and taken (204) for one
// that has an account. Before Directus's own POST /users/register, the policy is checked for every
// registration, with Directus's own check (UsersService.checkPasswordPolicy) and its own refusal.
//
// Directus 11.17.4's registration token names only the address (services/users.js: { email, scope }),
// and verifying it activates whichever account waits at that address now. So a link kept from an
// earlier registration of the address (its account since moved to another address, or deleted)
// would confirm the NEXT registration there, for as long as the link lives.
//
// - When Directus mails a verification link (the `email.send` filter, template "user-registration"),
//   this records which account the link was mailed for: a hash of the token, the account's id and
//   the token's end. A mail whose record cannot be written is not sent (the filter throws).
// - Before Directus's own GET /users/register/verify-email, an unexpired link must be on record for
//   the account that holds its address now: otherwise it is refused, as one for an earlier
//   registration (LINK_SUPERSEDED, 409) or as one this Directus never mailed (INVALID_TOKEN, 403).
//   Expired and malformed tokens go on to Directus, which refuses them in its own words.
// - GraphQL's users_register and users_register_verify, which would skip these checks, are refused:
//   registrations are made and confirmed through the REST endpoints.
// Sending a link again (registering a waiting address again) mails a new token for the same account,
// recorded like the first, so every link mailed for the waiting account keeps working.
import { createHash } from "node:crypto";

export const TABLE = "account_security_registration_links";
/** Directus's template for the verification mail (services/users.js, registerUser). */
export const REGISTRATION_TEMPLATE = "user-registration";
export const REGISTER_PATH = "/users/register";
export const VERIFY_PATH = "/users/register/verify-email";
/** GraphQL's users_register and users_register_verify, which both begin so. */
export const GRAPHQL_REGISTRATION = "users_register";
const MAX_TOKEN_LENGTH = 2048;

/** The key a link is recorded under: its token's SHA-256 (the token itself is a secret). @param {string} token */
export function linkKey(token) {
  return createHash("sha256").update(token).digest("base64url");
}

/**
 * The token in a mail Directus is about to send, when it is a verification mail.
 * @param {unknown} mail
 * @returns {string | null}
 */
export function mailedToken(mail) {
  const template = /** @type {{ template?: { name?: unknown, data?: { url?: unknown } } } | null} */ (mail)?.template;
  if (template?.name !== REGISTRATION_TEMPLATE || typeof template.data?.url !== "string") return null;
  try {
    const token = new URL(template.data.url).searchParams.get("token");
    return token && token.length <= MAX_TOKEN_LENGTH ? token : null;
  } catch {
    return null;
  }
}

/**
 * What a registration token says, unchecked: Directus checks its signature after this hook, and a
 * forged token is never on record, so nothing here trusts it.
 * @param {unknown} token
 * @returns {{ email: string, expiresAt: number } | null}
 */
export function readRegistrationToken(token) {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((part) => /^[\w-]+$/.test(part))) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
    if (claims?.scope !== "pending-registration" || typeof claims.email !== "string" || typeof claims.exp !== "number") return null;
    return { email: claims.email, expiresAt: claims.exp * 1000 };
  } catch {
    return null;
  }
}

/**
 * Whether a link may go on to Directus: the account it was mailed for (`mailedFor`, from the record)
 * holds its address now (`holder`).
 * @param {string | null} mailedFor @param {string | null} holder
 * @returns {"ok" | "superseded" | "unknown"}
 */
export function linkStanding(mailedFor, holder) {
  if (mailedFor === null) return "unknown";
  return holder !== null && holder === mailedFor ? "ok" : "superseded";
}

/** Directus's error shape, so its error handler answers with this status and code. @param {number} status @param {string} code @param {string} message */
function directusError(status, code, message) {
  return Object.assign(new Error(message), { name: "DirectusError", status, code, extensions: {} });
}

export const supersededLink = () =>
  directusError(409, "LINK_SUPERSEDED", "This link was mailed for an earlier registration of this address.");
export const unknownLink = () => directusError(403, "INVALID_TOKEN", "Invalid token.");
export const graphqlRegistrationRefused = () =>
  directusError(403, "FORBIDDEN", `Register through POST ${REGISTER_PATH} and confirm through GET ${VERIFY_PATH}, where both are checked.`);

/**
 * @typedef {{
 *   record: (key: string, user: string, expiresAt: number, now: number) => Promise<void>,
 *   mailedFor: (key: string) => Promise<string | null>,
 *   holder: (email: string) => Promise<string | null>,
 * }} LinkStore
 */

/**
 * The records in the database every Directus instance shares: a table of its own (made on first use,
 * as identity-provider-accounts/codes.js makes its own), which no role is given access to.
 * @param {any} database knex
 * @returns {LinkStore}
 */
export function databaseStore(database) {
  /** @type {Promise<void> | null} */
  let ready = null;
  // Two instances making it at once both end with the one table.
  const ensureTable = () =>
    (ready ??= (async () => {
      if (await database.schema.hasTable(TABLE)) return;
      try {
        await database.schema.createTable(TABLE, (/** @type {any} */ table) => {
          table.string("link", 64).primary();
          table.uuid("user").notNullable();
          table.bigInteger("expires").notNullable();
        });
      } catch (error) {
        if (!(await database.schema.hasTable(TABLE))) throw error;
      }
    })().catch((error) => {
      ready = null;
      throw error;
    }));
  return {
    async record(key, user, expiresAt, now) {
      await ensureTable();
      // Links past their end can confirm nothing: their records go as new ones come.
      await database(TABLE).where("expires", "<=", now).delete();
      await database(TABLE).insert({ link: key, user, expires: expiresAt }).onConflict("link").merge();
    },
    async mailedFor(key) {
      await ensureTable();
      const row = await database(TABLE).select("user").where({ link: key }).first();
      return row?.user ?? null;
    },
    // As Directus finds the account of an address (UsersService.getUserByEmail): case-insensitively.
    async holder(email) {
      const row = await database("directus_users").select("id").whereRaw("LOWER(??) = ?", ["email", email.toLowerCase()]).first();
      return row?.id ?? null;
    },
  };
}

/**
 * @typedef {(password: string, schema: unknown) => Promise<void>} PolicyCheck
 */

/**
 * Directus's own policy check, which throws its own refusal (FAILED_VALIDATION on "password").
 * @param {{ services: { UsersService: new (options: object) => { checkPasswordPolicy: (passwords: string[]) => Promise<void> } }, database: any, getSchema: () => Promise<unknown> }} context
 * @returns {PolicyCheck}
 */
function directusPolicy({ services, database, getSchema }) {
  return async (password, schema) => {
    await new services.UsersService({ schema: schema ?? (await getSchema()), knex: database }).checkPasswordPolicy([password]);
  };
}

/**
 * @param {{ filter: Function, init: Function }} events
 * @param {{ database: any, services?: any, getSchema?: () => Promise<unknown>, store?: LinkStore, checkPolicy?: PolicyCheck, now?: () => number }} context
 *   `store`, `checkPolicy` and `now` replace the database, Directus's policy check and the clock in tests
 */
export default function registration({ filter, init }, context) {
  const store = context.store ?? databaseStore(context.database);
  const checkPolicy = context.checkPolicy ?? directusPolicy(/** @type {any} */ (context));
  const now = context.now ?? Date.now;

  filter("email.send", async (/** @type {unknown} */ mail) => {
    const token = mailedToken(mail);
    const claims = token ? readRegistrationToken(token) : null;
    if (!token || !claims) return mail;
    // Directus made the account (or found it waiting) just before signing the token.
    const holder = await store.holder(claims.email);
    if (holder) await store.record(linkKey(token), holder, claims.expiresAt, now());
    return mail;
  });

  init("routes.before", (/** @type {{ app: any }} */ { app }) => {
    // Directus validates the rest of the body after this; only a password it would check is checked here.
    app.post(REGISTER_PATH, async (/** @type {any} */ req, /** @type {unknown} */ _res, /** @type {Function} */ next) => {
      try {
        const password = req.body?.password;
        if (typeof password === "string") await checkPolicy(password, req.schema);
        next();
      } catch (error) {
        next(error);
      }
    });
    app.get(VERIFY_PATH, async (/** @type {any} */ req, /** @type {unknown} */ _res, /** @type {Function} */ next) => {
      try {
        const token = req.query?.token;
        const claims = readRegistrationToken(token);
        if (!claims || claims.expiresAt <= now()) return next();
        const standing = linkStanding(await store.mailedFor(linkKey(token)), await store.holder(claims.email));
        if (standing === "ok") return next();
        next(standing === "superseded" ? supersededLink() : unknownLink());
      } catch (error) {
        next(error);
      }
    });
    app.use("/graphql", (/** @type {any} */ req, /** @type {unknown} */ _res, /** @type {Function} */ next) => {
      const query = req.method === "GET" ? req.query?.query : req.body?.query;
      if (JSON.stringify(query ?? "").includes(GRAPHQL_REGISTRATION)) return next(graphqlRegistrationRefused());
      next();
    });
  });
}
