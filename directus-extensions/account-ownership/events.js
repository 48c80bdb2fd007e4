// The account's own security events (sign-ins with how, failed sign-ins, passkey, recovery-code and
// session changes) in one table of Directus's database, so every Directus instance writes and reads
// the same rows; created on first use like the other extensions' tables, refused to REST and GraphQL
// (event-hooks.js). Directus's own activity log is not enough: it records a login without how, never
// a failed one, and nothing the extensions do.
//
// Failed sign-ins are written by whoever types an address, a stranger included, so they cost O(1)
// rows whatever is sent: one row per (account, IP) per clock hour whose count grows, at most
// FAILURE_ROWS_PER_DAY rows per account per day, after which the newest row's count grows. Nothing
// typed is ever stored. Rows older than the window go, a bounded batch at each write.

/** The table; PER_USER_TABLES (delete-account.js) deletes an account's rows with it. */
export const EVENTS = "account_ownership_events";

export const LIMITS = Object.freeze({ ip: 64, userAgent: 256, kind: 32, method: 80 });
/** What the activity page and the export show, and how long a row is kept. */
export const WINDOW_MS = 90 * 24 * 3600 * 1000;
export const FAILURE_ROWS_PER_DAY = 20;
/** Old rows removed per write: the table shrinks as it grows, and no write does unbounded work. */
export const PRUNE_BATCH = 100;

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** What other extensions may report through the shared emitter (event-hooks.js). */
export const REPORTED_KINDS = Object.freeze(["passkey-added", "passkey-removed", "recovery-codes-renewed", "recovery-code-used", "session-ended", "other-sessions-ended"]);

/** @param {unknown} text @param {number} max @returns {string | null} */
const bounded = (text, max) => (typeof text === "string" && text !== "" ? text.slice(0, max) : null);

/**
 * The events store over Directus's knex. `at` is kept as milliseconds since the epoch (a bigInteger,
 * like the other extensions' times): compared exactly, to the millisecond, on SQLite and PostgreSQL.
 * @param {any} database @param {() => number} [now]
 */
export function eventStore(database, now = Date.now) {
  /** @type {Promise<void> | undefined} */
  let ready;
  const ensure = () =>
    (ready ??= ensureEventsTable(database).catch((error) => {
      ready = undefined;
      throw error;
    }));

  /** Removes at most PRUNE_BATCH rows older than the window (its own index on `at`). @param {number} at */
  const prune = async (at) => {
    const old = database(EVENTS).select("id").where("at", "<", at - WINDOW_MS).orderBy("at", "asc").limit(PRUNE_BATCH);
    await database(EVENTS).whereIn("id", old).delete();
  };

  return {
    ensure,

    /**
     * Records one event (a sign-in or what another extension reported).
     * @param {{ user: string, kind: string, method?: string | null, ip?: string | null, userAgent?: string | null }} event
     */
    async record({ user, kind, method = null, ip = null, userAgent = null }) {
      await ensure();
      const at = now();
      await database(EVENTS).insert({
        user_id: user,
        at,
        kind: /** @type {string} */ (bounded(kind, LIMITS.kind)),
        method: bounded(method, LIMITS.method),
        ip: bounded(ip, LIMITS.ip),
        user_agent: bounded(userAgent, LIMITS.userAgent),
        count: 1,
      });
      await prune(at);
    },

    /**
     * Counts one failed sign-in of `user` from `ip`: into the (user, ip) row of this clock hour, else a
     * new row while the account has fewer than FAILURE_ROWS_PER_DAY today, else into its newest row.
     * @param {{ user: string, ip?: string | null, userAgent?: string | null }} failure
     */
    async recordFailure({ user, ip = null, userAgent = null }) {
      await ensure();
      const at = now();
      const address = bounded(ip, LIMITS.ip);
      const failures = () => database(EVENTS).where({ user_id: user, kind: "sign-in-failed" });
      const thisHour = failures().andWhere("at", ">=", at - (at % HOUR_MS));
      const sameAddress = await (address === null ? thisHour.whereNull("ip") : thisHour.andWhere({ ip: address })).select("id").orderBy("at", "desc").orderBy("id", "desc").first();
      /** @param {number | string} id */
      const addTo = (id) => database(EVENTS).where({ id }).update({ count: database.raw("?? + 1", ["count"]), at });
      if (sameAddress) return addTo(sameAddress.id);
      const today = await failures().andWhere("at", ">=", at - (at % DAY_MS)).count({ n: "*" }).first();
      if (Number(today?.n ?? 0) >= FAILURE_ROWS_PER_DAY) {
        const newest = await failures().select("id").orderBy("at", "desc").orderBy("id", "desc").first();
        if (newest) return addTo(newest.id);
      }
      await database(EVENTS).insert({ user_id: user, at, kind: "sign-in-failed", method: null, ip: address, user_agent: bounded(userAgent, LIMITS.userAgent), count: 1 });
      await prune(at);
    },
  };
}

/** @typedef {ReturnType<typeof eventStore>} EventStore */

/** Creates the table unless it exists (another instance may be creating it at the same moment). @param {any} database */
export async function ensureEventsTable(database) {
  if (await database.schema.hasTable(EVENTS)) return;
  try {
    await database.schema.createTable(EVENTS, (/** @type {any} */ table) => {
      table.increments("id");
      table.string("user_id", 36).notNullable();
      table.bigInteger("at").notNullable().index();
      table.string("kind", LIMITS.kind).notNullable();
      table.string("method", LIMITS.method);
      table.string("ip", LIMITS.ip);
      table.string("user_agent", LIMITS.userAgent);
      table.integer("count").notNullable().defaultTo(1);
      table.index(["user_id", "at"]);
    });
  } catch (error) {
    if (!(await database.schema.hasTable(EVENTS))) throw error;
  }
}
