// The email changes asked for, one row each, in a table of Directus's own database (SQLite or
// PostgreSQL, so every Directus instance sees the same rows): what lets a change be cancelled, a
// confirmation link work once, and the requests of one account be counted per hour. The table is
// the extension's alone; it is created on first use and rows older than a day are deleted as new
// ones arrive (no link lives past an hour).
//
// States: "pending" (its link may be confirmed), "taken" (the new address had an account: a note was
// mailed, nothing to confirm), "dropped" (over the hourly bound: nothing mailed), "confirmed",
// "cancelled". Only "pending" ever moves, and only through `move`, which is atomic: of two requests
// racing to confirm or cancel one change, one wins.

export const TABLE = "account_security_email_changes";
const KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * @typedef {"pending" | "taken" | "dropped" | "confirmed" | "cancelled"} ChangeState
 * @typedef {{ id: string, userId: string, state: ChangeState, createdAt: number }} Change
 * @typedef {{
 *   add: (change: Change) => Promise<void>,
 *   countSince: (userId: string, since: number) => Promise<number>, // rows not dropped, created after `since`
 *   move: (id: string, from: ChangeState, to: ChangeState) => Promise<boolean>,
 *   find: (id: string) => Promise<{ userId: string, state: ChangeState } | undefined>,
 * }} ChangeStore
 */

/** @param {any} database Directus's knex */
async function ensureTable(database) {
  if (await database.schema.hasTable(TABLE)) return;
  try {
    await database.schema.createTable(TABLE, (/** @type {any} */ table) => {
      table.string("id", 36).primary();
      table.string("user_id", 36).notNullable().index();
      table.string("state", 16).notNullable();
      table.bigInteger("created_at").notNullable();
    });
  } catch (error) {
    // Another Directus instance created it meanwhile.
    if (!(await database.schema.hasTable(TABLE))) throw error;
  }
}

/** The store over Directus's knex. @param {any} database @returns {ChangeStore} */
export function changeStore(database) {
  /** @type {Promise<void> | undefined} */
  let ready;
  // Resolves once the table exists. (A query builder is itself awaitable, so it is never handed
  // through a promise: awaiting it would run it.)
  const ensure = () =>
    (ready ??= ensureTable(database).catch((error) => {
      ready = undefined;
      throw error;
    }));
  return {
    async add({ id, userId, state, createdAt }) {
      await ensure();
      await database(TABLE).where("created_at", "<", createdAt - KEEP_MS).delete();
      await database(TABLE).insert({ id, user_id: userId, state, created_at: createdAt });
    },
    async countSince(userId, since) {
      await ensure();
      const row = await database(TABLE).where({ user_id: userId }).whereNot({ state: "dropped" }).where("created_at", ">", since).count({ n: "*" }).first();
      return Number(row?.n ?? 0);
    },
    async move(id, from, to) {
      await ensure();
      return (await database(TABLE).where({ id, state: from }).update({ state: to })) === 1;
    },
    async find(id) {
      await ensure();
      const row = await database(TABLE).select("user_id", "state").where({ id }).first();
      return row ? { userId: row.user_id, state: row.state } : undefined;
    },
  };
}
