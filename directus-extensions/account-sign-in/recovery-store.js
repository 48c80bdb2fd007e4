// The recovery tables in Directus's own database (so every instance sees the same rows), created on
// first use like the passkey tables and refused to REST and GraphQL by table-guard.js:
// - account_sign_in_recovery_codes: one row per code of an account's batch (its salt and scrypt hash);
// - account_sign_in_provider_proofs: "an identity provider just proved this person is this user"
//   (provider-proofs.js writes them);
// - account_sign_in_code_points: wrong recovery codes per account (code-points.js).
// Only this extension reads or writes them, by knex.
import { randomUUID } from "node:crypto";
import { ensureTable } from "./store.js";

export const RECOVERY_CODES = "account_sign_in_recovery_codes";
export const PROVIDER_PROOFS = "account_sign_in_provider_proofs";
export const CODE_POINTS = "account_sign_in_code_points";
export const RECOVERY_TABLES = [RECOVERY_CODES, PROVIDER_PROOFS, CODE_POINTS];

/** @param {any} database */
async function ensureTables(database) {
  await ensureTable(database, RECOVERY_CODES, (/** @type {any} */ table) => {
    table.string("id", 36).primary();
    table.string("user_id", 36).notNullable().index();
    table.string("salt", 32).notNullable();
    table.string("hash", 64).notNullable();
    table.bigInteger("created_at").notNullable();
    table.bigInteger("used_at");
  });
  await ensureTable(database, PROVIDER_PROOFS, (/** @type {any} */ table) => {
    table.string("id", 36).primary();
    table.string("user_id", 36).notNullable().index();
    table.string("provider", 64).notNullable();
    table.string("proof_hash", 64).notNullable().index();
    table.bigInteger("created_at").notNullable();
    table.bigInteger("expires_at").notNullable().index();
    table.bigInteger("used_at");
  });
  await ensureTable(database, CODE_POINTS, (/** @type {any} */ table) => {
    table.string("user_id", 36).primary();
    table.integer("points").notNullable();
    table.bigInteger("since").notNullable();
  });
}

/** @param {any} database */
export function recoveryTables(database) {
  /** @type {Promise<void> | undefined} */
  let ready;
  return () =>
    (ready ??= ensureTables(database).catch((error) => {
      ready = undefined;
      throw error;
    }));
}

/** The proof was used or expired between reading it and using the code: nothing is used up. */
class ProofGone extends Error {}

/** @typedef {{ id: string, user_id: string, provider: string, proof_hash: string, created_at: number | string, expires_at: number | string, used_at: number | string | null }} ProofRow */

/**
 * The recovery codes over Directus's knex.
 * @param {any} database
 */
export function recoveryStore(database) {
  const ensure = recoveryTables(database);

  return {
    ensure,

    /**
     * Replaces the account's codes by a new batch in one transaction: the old ones stop working in
     * the same step the new ones start. @param {string} userId @param {string} salt @param {string[]} hashes @param {number} now
     * @returns {Promise<number>} how many old codes (used or not) the batch replaced
     */
    async replaceBatch(userId, salt, hashes, now) {
      await ensure();
      return database.transaction(async (/** @type {any} */ trx) => {
        const replaced = Number(await trx(RECOVERY_CODES).where({ user_id: userId }).delete());
        await trx(RECOVERY_CODES).insert(hashes.map((hash) => ({ id: randomUUID(), user_id: userId, salt, hash, created_at: now, used_at: null })));
        return replaced;
      });
    },

    /** @param {string} userId @returns {Promise<{ remaining: number, total: number, created_at: string | null }>} */
    async summaryOf(userId) {
      await ensure();
      const rows = await database(RECOVERY_CODES).select("used_at", "created_at").where({ user_id: userId });
      if (rows.length === 0) return { remaining: 0, total: 0, created_at: null };
      const createdAt = Math.min(...rows.map((/** @type {any} */ row) => Number(row.created_at)));
      return { remaining: rows.filter((/** @type {any} */ row) => row.used_at === null).length, total: rows.length, created_at: new Date(createdAt).toISOString() };
    },

    /** The salt of the account's batch, or null when it has none. @param {string} userId @returns {Promise<string | null>} */
    async saltOf(userId) {
      await ensure();
      const row = await database(RECOVERY_CODES).select("salt").where({ user_id: userId }).first();
      return row?.salt ?? null;
    },

    /**
     * Uses a code up in the statement that checks it: of any number of requests (on any instance)
     * with one code, one updates the row and the others update none. With a provider proof, the proof
     * is used up in the same transaction, and neither is when the other cannot be.
     * @param {string} userId @param {string} hash @param {number} now @param {string} [proofId]
     * @returns {Promise<boolean>} whether the code was right and unused
     */
    async useCode(userId, hash, now, proofId) {
      await ensure();
      try {
        return await database.transaction(async (/** @type {any} */ trx) => {
          const used = Number(await trx(RECOVERY_CODES).where({ user_id: userId, hash }).whereNull("used_at").update({ used_at: now }));
          if (used !== 1) return false;
          if (proofId === undefined) return true;
          const proofUsed = Number(await trx(PROVIDER_PROOFS).where({ id: proofId, user_id: userId }).whereNull("used_at").andWhere("expires_at", ">", now).update({ used_at: now }));
          // Thrown, so that the transaction rolls back: the code stays unused for the next try.
          if (proofUsed !== 1) throw new ProofGone();
          return true;
        });
      } catch (error) {
        if (error instanceof ProofGone) return false;
        throw error;
      }
    },

    /** @param {string} userId @returns {Promise<number>} */
    async remainingOf(userId) {
      await ensure();
      const row = await database(RECOVERY_CODES).where({ user_id: userId }).whereNull("used_at").count({ n: "*" }).first();
      return Number(row?.n ?? 0);
    },

    /** @param {string[]} userIds */
    async deleteCodesOf(userIds) {
      await ensure();
      await database(RECOVERY_CODES).whereIn("user_id", userIds).delete();
    },

    /** An unexpired, unused proof with this hash, or undefined. @param {string} proofHash @param {number} now @returns {Promise<ProofRow | undefined>} */
    async liveProof(proofHash, now) {
      await ensure();
      return database(PROVIDER_PROOFS).select("*").where({ proof_hash: proofHash }).whereNull("used_at").andWhere("expires_at", ">", now).first();
    },
  };
}

/** @typedef {ReturnType<typeof recoveryStore>} RecoveryStore */
