// What the sessions endpoint tells the account's activity (account-ownership's events table,
// docs/decisions/027) on the extensions' shared emitter: a session ended, the other sessions ended;
// nothing for a refused or empty request. Over a real (in-memory SQLite) directus_sessions table.
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import sessions from "../sessions.js";

const directusRequire = createRequire(join(fileURLToPath(import.meta.url), "../../../../directus/node_modules/directus/cli.js"));
const knex = directusRequire("knex");

const ME = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";
const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const DAY = 24 * 3600 * 1000;

/** @type {any[]} */
const opened = [];
afterEach(async () => {
  while (opened.length > 0) await opened.pop().destroy();
});

async function endpoint() {
  const db = knex({ client: "sqlite3", connection: { filename: ":memory:" }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  opened.push(db);
  await db.schema.createTable("directus_sessions", (t) => {
    t.string("token").primary();
    t.string("user");
    t.timestamp("expires");
    t.string("ip");
    t.string("user_agent");
    t.string("origin");
    t.string("next_token");
  });
  // Three sign-ins of mine (one the caller's) and one of another account, each written a minute apart.
  await db("directus_sessions").insert([
    { token: "mine-current", user: ME, expires: new Date(NOW + 7 * DAY - 60_000), ip: "203.0.113.1", user_agent: "Firefox" },
    { token: "mine-phone", user: ME, expires: new Date(NOW + 7 * DAY - 120_000), ip: "203.0.113.2", user_agent: "Safari" },
    { token: "mine-tablet", user: ME, expires: new Date(NOW + 7 * DAY - 180_000), ip: "203.0.113.3", user_agent: "Chrome" },
    { token: "other", user: OTHER, expires: new Date(NOW + 7 * DAY - 60_000), ip: "192.0.2.1", user_agent: "Edge" },
  ]);
  /** @type {Record<string, Function>} */
  const routes = {};
  const register = (/** @type {string} */ method) => (/** @type {string} */ path, /** @type {Function} */ fn) => (routes[`${method} ${path}`] = fn);
  /** @type {Array<[string, any]>} */
  const reported = [];
  sessions.handler(
    { get: register("GET"), post: register("POST"), delete: register("DELETE") },
    {
      env: { SECRET: "test-secret-test-secret-test-secret", SESSION_COOKIE_TTL: "1d", REFRESH_TOKEN_TTL: "7d" },
      database: db,
      emitter: { emitAction: (/** @type {string} */ event, /** @type {any} */ meta) => void reported.push([event, meta]) },
      logger: { error() {} },
      now: () => NOW,
    },
  );
  /** @param {string} route @param {{ user?: string | null, session?: string | null, params?: Record<string, string> }} request */
  const call = async (route, { user = ME, session = "mine-current", params = {} } = {}) => {
    const answer = { status: 0, body: /** @type {any} */ (undefined) };
    const res = {
      status(/** @type {number} */ code) {
        answer.status = code;
        return res;
      },
      json(/** @type {unknown} */ value) {
        answer.body = value;
      },
      end() {},
    };
    /** @type {unknown} */
    let failed;
    await routes[route]?.({ params, accountability: { user, session, ip: "203.0.113.9", userAgent: "Firefox/133" } }, res, (/** @type {unknown} */ error) => (failed = error));
    if (failed) throw failed;
    return answer;
  };
  return { call, reported };
}

describe("what the sessions endpoint reports", () => {
  it("session-ended for a session the caller ended, nothing for an unknown one", async () => {
    const { call, reported } = await endpoint();
    const listed = (await call("GET /")).body.data;
    const phone = listed.find((/** @type {any} */ s) => s.user_agent === "Safari");
    expect((await call("DELETE /:id", { params: { id: "x".repeat(43) } })).status).toBe(404);
    expect(reported).toEqual([]);
    expect((await call("DELETE /:id", { params: { id: phone.id } })).status).toBe(200);
    expect(reported).toEqual([["account-ownership.event", { user: ME, kind: "session-ended", ip: "203.0.113.9", user_agent: "Firefox/133" }]]);
  });

  it("other-sessions-ended when the caller ended others, nothing when there were none", async () => {
    const { call, reported } = await endpoint();
    expect((await call("POST /end-others")).body.data).toEqual({ ended: 2 });
    expect((await call("POST /end-others")).body.data).toEqual({ ended: 0 });
    expect(reported).toEqual([["account-ownership.event", { user: ME, kind: "other-sessions-ended", ip: "203.0.113.9", user_agent: "Firefox/133" }]]);
  });
});
