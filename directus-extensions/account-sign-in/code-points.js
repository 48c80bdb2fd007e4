// Wrong recovery codes, counted per account in the database every Directus instance shares (as
// identity-provider-accounts/codes.js counts wrong two-factor codes of provider sign-ins): guesses
// spread over instances add up. A point is taken BEFORE a code is checked, so parallel guesses cannot
// all pass the count together; a right code clears the count.
//
// Only a caller who has passed the account's first factor (its password, its provider, or its own
// session) takes a point, so a stranger cannot use this count to lock the owner out.
import { CODE_POINTS } from "./recovery-store.js";

/** Checks per account in a window: five codes; the sixth try within the window is refused unchecked. */
export const CODE_CHECKS_PER_ACCOUNT = 5;
export const CODE_WINDOW_MS = 15 * 60 * 1000;

/**
 * @param {any} database
 * @param {() => Promise<void>} ensure creates the tables (recovery-store.js)
 * @param {() => number} now
 */
export function codePoints(database, ensure, now) {
  return {
    /** Takes a point for the account; false when the window already holds its limit. @param {string} userId */
    async take(userId) {
      await ensure();
      const at = now();
      await database(CODE_POINTS).insert({ user_id: userId, points: 0, since: at }).onConflict("user_id").ignore();
      await database(CODE_POINTS).where({ user_id: userId }).andWhere("since", "<=", at - CODE_WINDOW_MS).update({ points: 0, since: at });
      // One statement, so each of many parallel checks reads at least its own point.
      await database(CODE_POINTS).where({ user_id: userId }).increment("points", 1);
      const row = await database(CODE_POINTS).select("points").where({ user_id: userId }).first();
      return Number(row?.points ?? 0) <= CODE_CHECKS_PER_ACCOUNT;
    },

    /** A right code: the count starts again. @param {string} userId */
    async clear(userId) {
      await ensure();
      await database(CODE_POINTS).where({ user_id: userId }).delete();
    },
  };
}
