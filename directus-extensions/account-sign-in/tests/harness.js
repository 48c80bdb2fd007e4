// What Directus hands the extension, for tests without Directus: a knex on an in-memory SQLite
// database holding the few Directus tables the extension reads and writes (Directus's own knex and
// sqlite3, from directus/node_modules), recording emitters (Directus's, and the extensions' shared
// one), ActivityService writing its row, a mail outbox, a clock, and the routes as Express would call them.
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { passkeyRoutes } from "../endpoint.js";
import recoveryHooks from "../recovery-hooks.js";
import { recoveryRoutes } from "../recovery-routes.js";

const directusRequire = createRequire(join(fileURLToPath(import.meta.url), "../../../../directus/node_modules/directus/cli.js"));
const knex = directusRequire("knex");

export const SECRET = "test-secret-test-secret-test-secret";
export const APP_URL = "http://localhost:5173";
export const ORIGIN = "http://localhost:5173";
export const CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
export const START = Date.UTC(2026, 0, 1);

/** A knex on a fresh in-memory database with Directus's tables as the extension uses them. */
export async function directusDatabase() {
  const db = knex({ client: "sqlite3", connection: { filename: ":memory:" }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  await db.schema.createTable("directus_roles", (t) => {
    t.string("id").primary();
    t.string("parent");
  });
  await db.schema.createTable("directus_policies", (t) => {
    t.string("id").primary();
    t.boolean("admin_access").defaultTo(false);
    t.boolean("app_access").defaultTo(false);
    t.boolean("enforce_tfa").defaultTo(false);
    t.text("ip_access");
  });
  await db.schema.createTable("directus_access", (t) => {
    t.string("id").primary();
    t.string("role");
    t.string("user");
    t.string("policy");
  });
  await db.schema.createTable("directus_users", (t) => {
    t.string("id").primary();
    t.string("email");
    t.string("first_name");
    t.string("last_name");
    t.string("status");
    t.string("role");
    t.string("tfa_secret");
    t.string("provider").defaultTo("default");
    // Plain here: the fake AuthenticationService below compares it (Directus keeps an argon2 hash).
    t.string("password");
    t.timestamp("last_access");
  });
  await db.schema.createTable("directus_sessions", (t) => {
    t.string("token").primary();
    t.string("user");
    t.timestamp("expires");
    t.string("ip");
    t.string("user_agent");
    t.string("origin");
    t.string("share");
    t.string("next_token");
  });
  await db.schema.createTable("directus_activity", (t) => {
    t.increments("id");
    t.string("action");
    t.string("user");
    t.string("ip");
    t.string("user_agent");
    t.string("origin");
    t.string("collection");
    t.string("item");
  });
  await db("directus_roles").insert({ id: "role-user", parent: null });
  await db("directus_policies").insert([
    { id: "policy-app", app_access: true, admin_access: false, enforce_tfa: false },
    { id: "policy-tfa", app_access: false, admin_access: false, enforce_tfa: true },
  ]);
  await db("directus_access").insert({ id: "access-1", role: "role-user", user: null, policy: "policy-app" });
  return db;
}

export const USERS = {
  ada: "0b5a1a3e-8d1c-4a8e-9a3c-2b1f3a4c5d6e",
  bob: "1c6b2b4f-9e2d-4b9f-8b4d-3c2a4b5d6e7f",
};

/** Adds an account. @param {any} db @param {string} id @param {Record<string, unknown>} [fields] */
export async function addUser(db, id, fields = {}) {
  await db("directus_users").insert({ id, email: `${id.slice(0, 4)}@example.com`, status: "active", role: "role-user", tfa_secret: null, ...fields });
}

/**
 * What Directus hands an endpoint, over `db`, with the clock, outbox, emitter and hooks the tests read.
 * The recovery hooks are registered as Directus would, and the fake TFAService emits `users.update`
 * to them as Directus's ItemsService does.
 * @param {any} db @param {Record<string, unknown>} [env]
 */
function contextOver(db, env = {}) {
  const clock = { now: START };
  /** @type {Array<{ to: string, subject: string, text: string }>} */
  const outbox = [];
  /** @type {Array<[string, string, any, any]>} */
  const events = [];
  /** @type {Record<string, Function>} */
  const hooks = {};
  /** What the routes report on the extensions' shared emitter (account-ownership's events). @type {Array<[string, any]>} */
  const reported = [];
  const emitter = {
    async emitFilter(/** @type {string} */ event, /** @type {any} */ payload, /** @type {any} */ meta) {
      events.push(["filter", event, payload, meta]);
      return payload;
    },
    emitAction(/** @type {string} */ event, /** @type {any} */ meta) {
      events.push(["action", event, meta, null]);
    },
  };
  const logger = { error() {}, warn() {} };
  recoveryHooks(
    {
      filter: (/** @type {string} */ event, /** @type {Function} */ fn) => (hooks[`filter ${event}`] = fn),
      action: (/** @type {string} */ event, /** @type {Function} */ fn) => (hooks[`action ${event}`] = fn),
    },
    { database: db, logger, now: () => clock.now },
  );
  const context = {
    env: { APP_URL, SECRET, SESSION_COOKIE_TTL: "1d", REFRESH_TOKEN_TTL: "7d", SESSION_COOKIE_NAME: "directus_session_token", LOGIN_STALL_TIME: 0, ...env },
    database: db,
    getSchema: async () => ({}),
    logger,
    services: {
      ActivityService: class {
        async createOne(/** @type {Record<string, unknown>} */ data) {
          const [id] = await db("directus_activity").insert(data);
          return id;
        }
      },
      AuthenticationService: class {
        async verifyPassword(/** @type {string} */ id, /** @type {string} */ password) {
          const user = await db("directus_users").select("password").where({ id }).first();
          if (!user?.password || user.password !== password) throw Object.assign(new Error("Invalid user credentials."), { code: "INVALID_CREDENTIALS" });
        }
      },
      TFAService: class {
        async disableTFA(/** @type {string} */ id) {
          await db("directus_users").update({ tfa_secret: null }).where({ id });
          await hooks["action users.update"]?.({ payload: { tfa_secret: null }, keys: [id], collection: "directus_users" });
        }
      },
    },
    coreEmitter: async () => emitter,
    emitter: { emitAction: (/** @type {string} */ event, /** @type {any} */ meta) => void reported.push([event, meta]) },
    send: async (/** @type {any} */ mail) => void outbox.push(mail),
    now: () => clock.now,
  };
  return { context, clock, outbox, events, hooks, reported };
}

/** @param {Record<string, Function>} routes */
const routerOf = (routes) => {
  const register = (/** @type {string} */ method) => (/** @type {string} */ path, /** @type {Function} */ fn) => (routes[`${method} ${path}`] = fn);
  return { get: register("GET"), post: register("POST"), patch: register("PATCH"), delete: register("DELETE") };
};

/** The passkey routes over `db`, with the clock, outbox and emitter the tests read. @param {any} db @param {Record<string, unknown>} [env] */
export function routesOver(db, env = {}) {
  /** @type {Record<string, Function>} */
  const routes = {};
  const { context, ...rest } = contextOver(db, env);
  passkeyRoutes(routerOf(routes), context);
  return { routes, ...rest };
}

/** The recovery-code routes and hooks over `db`. @param {any} db @param {Record<string, unknown>} [env] */
export function recoveryRoutesOver(db, env = {}) {
  /** @type {Record<string, Function>} */
  const routes = {};
  const { context, ...rest } = contextOver(db, env);
  recoveryRoutes(routerOf(routes), context);
  return { routes, ...rest };
}

/**
 * Calls a route as Express would, recording the answer (status, body, cookies, headers).
 * @param {Record<string, Function>} routes @param {string} route "POST /passkeys/…"
 * @param {{ body?: unknown, user?: string | null, ip?: string, userAgent?: string, params?: Record<string, string>, headers?: Record<string, string> }} [request]
 */
export async function call(routes, route, { body, user = null, ip = "203.0.113.7", userAgent = CHROME_LINUX, params = {}, headers = {} } = {}) {
  /** @type {{ status: number, body: any, cookies: Array<[string, string, any]>, headers: Record<string, string> }} */
  const answer = { status: 0, body: undefined, cookies: [], headers: {} };
  const res = {
    status(/** @type {number} */ code) {
      answer.status = code;
      return res;
    },
    json(/** @type {unknown} */ value) {
      answer.body = value;
    },
    end() {},
    cookie(/** @type {string} */ name, /** @type {string} */ value, /** @type {any} */ options) {
      answer.cookies.push([name, value, options]);
    },
    setHeader(/** @type {string} */ name, /** @type {string} */ value) {
      answer.headers[name] = value;
    },
  };
  const handler = routes[route];
  if (!handler) throw new Error(`no route ${route}`);
  await handler({ body, params, headers, accountability: { user, ip, userAgent, origin: ORIGIN } }, res, (/** @type {unknown} */ error) => {
    throw error;
  });
  return answer;
}
