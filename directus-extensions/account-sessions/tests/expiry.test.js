// The hook with fakes of what Directus hands it (its emitter and knex): which sign-ins' rows get their
// session token's lifetime, and which are left alone.
import { describe, expect, it } from "vitest";
import expiry from "../expiry.js";

const DAY = 24 * 3600 * 1000;

/** Registers the hook; `updates` records each row update as [token, expires]. @param {Record<string, unknown>} env @param {{ rowsWritten?: boolean }} [options] */
function harness(env, options = {}) {
  const state = { rowsWritten: options.rowsWritten ?? true };
  /** @type {Record<string, Function>} */
  const handlers = {};
  /** @type {Array<[string, number]>} */
  const updates = [];
  const database = (/** @type {string} */ table) => {
    expect(table).toBe("directus_sessions");
    return {
      where: (/** @type {{ token: string, next_token: null }} */ where) => ({
        update: async (/** @type {{ expires: Date }} */ { expires }) => {
          expect(where.next_token).toBeNull();
          if (!state.rowsWritten) return 0;
          updates.push([where.token, expires.getTime()]);
          return 1;
        },
      }),
    };
  };
  expiry(
    { filter: (/** @type {string} */ event, /** @type {Function} */ fn) => (handlers[`filter:${event}`] = fn), action: (/** @type {string} */ event, /** @type {Function} */ fn) => (handlers[`action:${event}`] = fn) },
    /** @type {any} */ ({ env, database, logger: { error: () => {} } }),
  );
  return {
    state,
    handlers,
    updates,
    /** A login as Directus runs it: the JWT's claims through the filter, then the action once the row is written. */
    async login(/** @type {Record<string, unknown>} */ claims, status = "success") {
      const passed = await handlers["filter:auth.jwt"]?.(claims, { type: "login" });
      expect(passed).toBe(claims);
      await handlers["action:auth.login"]?.({ status });
    },
  };
}

describe("a sign-in's session row", () => {
  it("ends with its session token: SESSION_COOKIE_TTL after the sign-in, not REFRESH_TOKEN_TTL", async () => {
    const hook = harness({ SESSION_COOKIE_TTL: "1d", REFRESH_TOKEN_TTL: "7d" });
    const before = Date.now();
    await hook.login({ id: "u1", session: "session-token" });
    expect(hook.updates).toHaveLength(1);
    const [token, expires] = hook.updates[0] ?? [];
    expect(token).toBe("session-token");
    expect(expires).toBeGreaterThanOrEqual(before + DAY);
    expect(expires).toBeLessThanOrEqual(Date.now() + DAY);
  });

  it("leaves JSON-mode sign-ins (no session claim), renewals and failed sign-ins alone", async () => {
    const hook = harness({});
    await hook.login({ id: "u1" });
    await hook.handlers["filter:auth.jwt"]?.({ id: "u1", session: "renewed" }, { type: "refresh" });
    await hook.handlers["action:auth.login"]?.({ status: "success" });
    await hook.login({ id: "u1", session: "refused" }, "fail");
    expect(hook.updates).toEqual([]);
  });

  it("keeps a token whose row is not written yet for its own sign-in's action", async () => {
    const hook = harness({ SESSION_COOKIE_TTL: "1d", REFRESH_TOKEN_TTL: "7d" }, { rowsWritten: false });
    await hook.login({ id: "u1", session: "pending" });
    expect(hook.updates).toEqual([]);
    // Its row written, the next sign-in's action (its own, or another's) sets it.
    hook.state.rowsWritten = true;
    await hook.handlers["action:auth.login"]?.({ status: "success" });
    expect(hook.updates.map(([token]) => token)).toEqual(["pending"]);
  });

  it("does nothing when the row already ends with the token (REFRESH_TOKEN_TTL no longer than SESSION_COOKIE_TTL)", () => {
    const hook = harness({ SESSION_COOKIE_TTL: "1d", REFRESH_TOKEN_TTL: "1d" });
    expect(hook.handlers).toEqual({});
  });
});
