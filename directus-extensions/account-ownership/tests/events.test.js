// The events table and the hook that fills it, on a real (in-memory SQLite) database: sign-ins with
// how, failed sign-ins counted and bounded whatever a stranger sends, what other extensions report on
// the shared emitter, pruning, and the guard that keeps the table from REST and GraphQL.
import { afterEach, describe, expect, it } from "vitest";
import bundle from "../index.js";
import eventHooks, { RECOVERY_CODE, methodOf } from "../event-hooks.js";
import { EVENTS, FAILURE_ROWS_PER_DAY, PRUNE_BATCH, WINDOW_MS, eventStore } from "../events.js";
import { PER_USER_TABLES } from "../delete-account.js";
import { ME, OTHER, directusDatabase } from "./directus-database.js";

const START = Date.UTC(2026, 11, 6, 10, 0, 0);
const HOUR = 3600 * 1000;

/** @type {any[]} */
const opened = [];
afterEach(async () => {
  while (opened.length > 0) await opened.pop().destroy();
});

/** The hook registered on stand-ins for Directus's core events and the extensions' shared emitter, over a real database. */
async function hooked() {
  const db = await directusDatabase();
  opened.push(db);
  const clock = { now: START };
  /** @type {Record<string, Function[]>} */
  const actions = {};
  /** @type {Record<string, Function>} */
  const filters = {};
  /** @type {Record<string, Function[]>} */
  const shared = {};
  const errors = /** @type {unknown[]} */ ([]);
  eventHooks(
    {
      filter: (/** @type {string} */ event, /** @type {Function} */ handler) => (filters[event] = handler),
      action: (/** @type {string} */ event, /** @type {Function} */ handler) => (actions[event] ??= []).push(handler),
    },
    {
      database: db,
      emitter: { onAction: (/** @type {string} */ event, /** @type {Function} */ handler) => (shared[event] ??= []).push(handler) },
      logger: { error: (/** @type {unknown} */ error) => errors.push(error) },
      now: () => clock.now,
    },
  );
  /** Emits as Directus's emitter does: every listener, awaited. @param {Record<string, Function[]>} on @param {string} event @param {any} meta @param {any} [context] */
  const emit = async (on, event, meta, context) => {
    for (const handler of on[event] ?? []) await handler({ event, ...meta }, context);
  };
  const from = (/** @type {string} */ ip, userAgent = "Mozilla/5.0 Firefox") => ({ database: db, schema: {}, accountability: { ip, userAgent } });
  const rows = () => db(EVENTS).select("*").orderBy("id", "asc");
  return { db, clock, filters, errors, rows, from, login: (/** @type {any} */ meta, /** @type {any} */ context) => emit(actions, "auth.login", meta, context), report: (/** @type {any} */ meta) => emit(shared, "account-ownership.event", meta), deleted: (/** @type {any} */ keys) => emit(actions, "users.delete", { keys }) };
}

describe("sign-ins (auth.login)", () => {
  it("records a success with how: password, passkey, recovery code, an identity provider", async () => {
    const { login, from, rows } = await hooked();
    await login({ status: "success", user: ME, provider: "default", payload: { email: "me@example.com", password: "typed secret" } }, from("203.0.113.1"));
    await login({ status: "success", user: ME, provider: "passkey", payload: {} }, from("203.0.113.2"));
    await login({ status: "success", user: ME, provider: "default", method: RECOVERY_CODE, payload: {} }, from("203.0.113.3"));
    await login({ status: "success", user: ME, provider: "keycloak", payload: { code: "oauth code" } }, from("203.0.113.4"));
    expect((await rows()).map((row) => [row.kind, row.method, row.ip, row.user_agent, row.count])).toEqual([
      ["signed-in", "password", "203.0.113.1", "Mozilla/5.0 Firefox", 1],
      ["signed-in", "passkey", "203.0.113.2", "Mozilla/5.0 Firefox", 1],
      ["signed-in", "recovery-code", "203.0.113.3", "Mozilla/5.0 Firefox", 1],
      ["signed-in", "provider:keycloak", "203.0.113.4", "Mozilla/5.0 Firefox", 1],
    ]);
    // Nothing typed is kept, in any column.
    expect(JSON.stringify(await rows())).not.toMatch(/typed secret|oauth code|me@example\.com/);
  });

  it("maps providers to methods", () => {
    expect(methodOf({ provider: "default" })).toBe("password");
    expect(methodOf({ provider: "passkey" })).toBe("passkey");
    expect(methodOf({ provider: "github", method: RECOVERY_CODE })).toBe("recovery-code");
    expect(methodOf({ provider: "github" })).toBe("provider:github");
  });

  it("records a failure of a known account, never what was typed; an unknown address records nothing", async () => {
    const { login, from, rows } = await hooked();
    await login({ status: "fail", user: ME, provider: "default", payload: { email: "me@example.com", password: "wrong-guess-123" } }, from("203.0.113.9"));
    await login({ status: "fail", user: undefined, provider: "default", payload: { email: "nobody@example.com", password: "x" } }, from("203.0.113.9"));
    const all = await rows();
    expect(all.map((row) => [row.user_id, row.kind, row.method, row.ip, row.count])).toEqual([[ME, "sign-in-failed", null, "203.0.113.9", 1]]);
    expect(JSON.stringify(all)).not.toMatch(/wrong-guess-123|nobody@example\.com/);
  });

  it("bounds what it keeps from the request: an IP of 64 characters, a User-Agent of 256", async () => {
    const { login, from, rows } = await hooked();
    await login({ status: "success", user: ME, provider: "default" }, from("9".repeat(500), "A".repeat(5000)));
    const [row] = await rows();
    expect(row.ip).toHaveLength(64);
    expect(row.user_agent).toHaveLength(256);
  });
});

describe("failed sign-ins are aggregated and bounded", () => {
  it("adds failures from one IP within the same hour to one row", async () => {
    const { login, from, rows, clock } = await hooked();
    for (let i = 0; i < 50; i++) {
      clock.now = START + i * 60 * 1000; // one a minute, within 10:00–10:49
      await login({ status: "fail", user: ME, provider: "default" }, from("203.0.113.9"));
    }
    const all = await rows();
    expect(all).toHaveLength(1);
    expect(all[0].count).toBe(50);
    // The row says when the last one was.
    expect(Number(all[0].at)).toBe(START + 49 * 60 * 1000);
    clock.now = START + HOUR; // the next hour: a new row
    await login({ status: "fail", user: ME, provider: "default" }, from("203.0.113.9"));
    expect((await rows()).map((row) => row.count)).toEqual([50, 1]);
  });

  it(`keeps at most ${FAILURE_ROWS_PER_DAY} failure rows per account per day whatever the IPs; the rest adds to the newest row`, async () => {
    const { login, from, rows, clock } = await hooked();
    for (let i = 0; i < 300; i++) {
      clock.now = START + i;
      await login({ status: "fail", user: ME, provider: "default" }, from(`198.51.${Math.floor(i / 250)}.${i % 250}`));
    }
    const all = await rows();
    expect(all).toHaveLength(FAILURE_ROWS_PER_DAY);
    expect(all.reduce((sum, row) => sum + row.count, 0)).toBe(300);
    expect(all.at(-1).count).toBe(300 - FAILURE_ROWS_PER_DAY + 1);
    // The owner's own sign-in is still recorded, and another account is untouched.
    await login({ status: "success", user: ME, provider: "default" }, from("203.0.113.1"));
    await login({ status: "fail", user: OTHER, provider: "default" }, from("198.51.0.0"));
    expect((await rows()).filter((row) => row.kind === "signed-in")).toHaveLength(1);
    expect((await rows()).filter((row) => row.user_id === OTHER).map((row) => row.count)).toEqual([1]);
    // The next day starts a new allowance.
    clock.now = START + 24 * HOUR;
    await login({ status: "fail", user: ME, provider: "default" }, from("203.0.113.77"));
    expect((await rows()).at(-1)).toMatchObject({ user_id: ME, kind: "sign-in-failed", ip: "203.0.113.77", count: 1 });
  }, 60_000);
});

describe("pruning", () => {
  it("removes rows older than 90 days as it writes, a bounded batch at a time", async () => {
    const { db, login, from, rows, clock } = await hooked();
    await eventStore(db).ensure();
    const old = Array.from({ length: PRUNE_BATCH + 30 }, (_, i) => ({ user_id: OTHER, at: START - WINDOW_MS - 1000 - i, kind: "signed-in", method: "password", count: 1 }));
    for (let i = 0; i < old.length; i += 50) await db(EVENTS).insert(old.slice(i, i + 50));
    await db(EVENTS).insert({ user_id: OTHER, at: START - WINDOW_MS + 1000, kind: "signed-in", method: "password", count: 1 });
    clock.now = START;
    await login({ status: "success", user: ME, provider: "default" }, from("203.0.113.1"));
    expect(await rows()).toHaveLength(old.length + 2 - PRUNE_BATCH);
    await login({ status: "success", user: ME, provider: "default" }, from("203.0.113.1"));
    const left = await rows();
    expect(left.every((row) => Number(row.at) >= START - WINDOW_MS)).toBe(true);
    expect(left).toHaveLength(3);
  });
});

describe("what other extensions report on the shared emitter", () => {
  it("records the known kinds with their IP and User-Agent, and ignores anything else", async () => {
    const { report, rows } = await hooked();
    for (const kind of ["passkey-added", "passkey-removed", "recovery-codes-renewed", "recovery-code-used", "session-ended", "other-sessions-ended"]) {
      await report({ user: ME, kind, ip: "203.0.113.5", user_agent: "Safari" });
    }
    await report({ user: ME, kind: "signed-in", ip: "203.0.113.5" });
    await report({ user: ME, kind: "anything" });
    await report({ user: 42, kind: "passkey-added" });
    expect((await rows()).map((row) => [row.user_id, row.kind, row.method, row.ip, row.user_agent])).toEqual([
      [ME, "passkey-added", null, "203.0.113.5", "Safari"],
      [ME, "passkey-removed", null, "203.0.113.5", "Safari"],
      [ME, "recovery-codes-renewed", null, "203.0.113.5", "Safari"],
      [ME, "recovery-code-used", null, "203.0.113.5", "Safari"],
      [ME, "session-ended", null, "203.0.113.5", "Safari"],
      [ME, "other-sessions-ended", null, "203.0.113.5", "Safari"],
    ]);
  });

  it("logs a failure to record and never throws into the request that caused it", async () => {
    const { db, report, login, from, errors } = await hooked();
    await db.destroy();
    opened.length = 0;
    await expect(report({ user: ME, kind: "passkey-added" })).resolves.toBeUndefined();
    await expect(login({ status: "success", user: ME, provider: "default" }, from("203.0.113.1"))).resolves.toBeUndefined();
    expect(errors).toHaveLength(2);
  });
});

describe("the account's events go with the account", () => {
  it("are among the tables deleting an account empties, and a deletion anywhere (users.delete) removes them", async () => {
    expect(PER_USER_TABLES).toContainEqual({ table: EVENTS, column: "user_id" });
    const { login, from, rows, deleted } = await hooked();
    await login({ status: "success", user: ME, provider: "default" }, from("203.0.113.1"));
    await login({ status: "success", user: OTHER, provider: "default" }, from("203.0.113.2"));
    await deleted([ME]);
    expect((await rows()).map((row) => row.user_id)).toEqual([OTHER]);
  });
});

describe("the table guard", () => {
  it("refuses every query, create, update and delete of the events table with Directus's 403", async () => {
    const { filters } = await hooked();
    expect(Object.keys(filters).sort()).toEqual(["create", "delete", "query", "update"].map((event) => `${EVENTS}.items.${event}`));
    for (const handler of Object.values(filters)) expect(() => handler({})).toThrow(expect.objectContaining({ status: 403, code: "FORBIDDEN" }));
  });

  it("is registered by the bundle beside the endpoint", () => {
    expect(bundle.hooks.map((hook) => hook.config)).toEqual([eventHooks]);
    expect(bundle.endpoints.map((endpoint) => endpoint.config.id)).toEqual(["account-ownership"]);
  });
});
