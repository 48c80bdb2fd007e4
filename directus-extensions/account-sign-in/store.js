// The extension's two tables in Directus's own database (SQLite or PostgreSQL, so every Directus
// instance sees the same rows), created on first use:
// - account_sign_in_passkeys: one row per passkey (its credential id, public key, counter, …);
// - account_sign_in_challenges: the challenges handed out, each answered at most once, on any instance.
// No role reads or writes them through REST or GraphQL (table-guard.js); only this code does, by knex.

import { randomUUID } from "node:crypto";

export const PASSKEYS = "account_sign_in_passkeys";
export const CHALLENGES = "account_sign_in_challenges";
export const TABLES = [PASSKEYS, CHALLENGES];

/** @typedef {import("./rules.js").PasskeyRow} PasskeyRow */
/** @typedef {{ id: string, challenge: string, purpose: "registration" | "authentication", user_id: string | null, expires_at: number | string }} ChallengeRow */

/** Creates a table unless it exists; shared with recovery-store.js. @param {any} database @param {string} name @param {(table: any) => void} columns */
export async function ensureTable(database, name, columns) {
  if (await database.schema.hasTable(name)) return;
  try {
    await database.schema.createTable(name, columns);
  } catch (error) {
    // Another Directus instance created it meanwhile.
    if (!(await database.schema.hasTable(name))) throw error;
  }
}

/** @param {any} database */
async function ensureTables(database) {
  await ensureTable(database, PASSKEYS, (/** @type {any} */ table) => {
    table.string("id", 36).primary();
    table.string("user_id", 36).notNullable().index();
    // base64url of at most 1,023 bytes: 1,364 characters.
    table.string("credential_id", 1400).notNullable().unique();
    table.text("public_key").notNullable();
    table.bigInteger("counter").notNullable().defaultTo(0);
    table.string("transports", 255);
    table.string("name", 255).notNullable();
    table.string("device_type", 16).notNullable();
    table.boolean("backed_up").notNullable().defaultTo(false);
    table.bigInteger("created_at").notNullable();
    table.bigInteger("last_used_at");
  });
  await ensureTable(database, CHALLENGES, (/** @type {any} */ table) => {
    table.string("id", 36).primary();
    table.string("challenge", 128).notNullable();
    table.string("purpose", 16).notNullable();
    table.string("user_id", 36);
    table.bigInteger("expires_at").notNullable().index();
  });
}

/**
 * The store over Directus's knex.
 * @param {any} database
 */
export function passkeyStore(database) {
  /** @type {Promise<void> | undefined} */
  let ready;
  // Resolves once the tables exist. (A query builder is itself awaitable, so it is never handed
  // through a promise: awaiting it would run it.)
  const ensure = () =>
    (ready ??= ensureTables(database).catch((error) => {
      ready = undefined;
      throw error;
    }));

  return {
    ensure,

    /**
     * Keeps a challenge until `expiresAt`; clears expired ones first, so the table holds only live ones.
     * @param {{ challenge: string, purpose: "registration" | "authentication", userId: string | null, expiresAt: number, now: number }} challenge
     * @returns {Promise<string>} its id
     */
    async addChallenge({ challenge, purpose, userId, expiresAt, now }) {
      await ensure();
      await database(CHALLENGES).where("expires_at", "<=", now).delete();
      const id = randomUUID();
      await database(CHALLENGES).insert({ id, challenge, purpose, user_id: userId, expires_at: expiresAt });
      return id;
    },

    /**
     * Uses a challenge up: the row is read, then deleted by a statement that also requires it
     * unexpired. Of any number of requests (on any instance) answering one challenge, only the one
     * whose delete removed the row gets it; the others get undefined, as for an unknown or expired one.
     * @param {string} id @param {number} now
     * @returns {Promise<ChallengeRow | undefined>}
     */
    async takeChallenge(id, now) {
      await ensure();
      const row = await database(CHALLENGES).select("id", "challenge", "purpose", "user_id", "expires_at").where({ id }).first();
      if (!row) return undefined;
      const deleted = await database(CHALLENGES).where({ id }).andWhere("expires_at", ">", now).delete();
      return Number(deleted) === 1 ? row : undefined;
    },

    /** @param {string} userId @returns {Promise<PasskeyRow[]>} oldest first */
    async passkeysOf(userId) {
      await ensure();
      return database(PASSKEYS).select("*").where({ user_id: userId }).orderBy("created_at", "asc").orderBy("id", "asc");
    },

    /** @param {string} userId */
    async countOf(userId) {
      await ensure();
      const row = await database(PASSKEYS).where({ user_id: userId }).count({ n: "*" }).first();
      return Number(row?.n ?? 0);
    },

    /** @param {string} credentialId @returns {Promise<PasskeyRow | undefined>} */
    async byCredential(credentialId) {
      await ensure();
      return database(PASSKEYS).select("*").where({ credential_id: credentialId }).first();
    },

    /** @param {string} userId @param {string} id @returns {Promise<PasskeyRow | undefined>} */
    async ownedBy(userId, id) {
      await ensure();
      return database(PASSKEYS).select("*").where({ id, user_id: userId }).first();
    },

    /** @param {PasskeyRow} row */
    async add(row) {
      await ensure();
      await database(PASSKEYS).insert(row);
    },

    /** @param {string} userId @param {string} id @param {string} name @returns {Promise<boolean>} */
    async rename(userId, id, name) {
      await ensure();
      return Number(await database(PASSKEYS).where({ id, user_id: userId }).update({ name })) === 1;
    },

    /** @param {string} userId @param {string} id @returns {Promise<boolean>} */
    async remove(userId, id) {
      await ensure();
      return Number(await database(PASSKEYS).where({ id, user_id: userId }).delete()) === 1;
    },

    /**
     * Records a verified use: the new counter and when. Only if the counter is still the one the
     * check read, so two uses racing with the same counter cannot both pass.
     * @param {string} id @param {number} counterRead @param {number} newCounter @param {number} now
     * @returns {Promise<boolean>}
     */
    async recordUse(id, counterRead, newCounter, now) {
      await ensure();
      return Number(await database(PASSKEYS).where({ id, counter: counterRead }).update({ counter: newCounter, last_used_at: now })) === 1;
    },
  };
}

/** @typedef {ReturnType<typeof passkeyStore>} PasskeyStore */
