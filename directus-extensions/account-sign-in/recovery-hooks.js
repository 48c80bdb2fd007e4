// Hook: what keeps the recovery tables true to Directus's own state, whatever changes it (the app,
// the admin app, the API):
// - `auth.login` (filter): a provider sign-in of an account with two-factor on records a provider
//   proof (provider-proofs.js); (action) a sign-in that went through forgets its proof.
// - `users.update` (action) setting tfa_secret to null: two-factor turned off anywhere voids the
//   account's recovery codes.
// - `users.delete` (action): the accounts' passkeys, challenges, codes, proofs and points go with them.
import { providerProofs, recordProofOnLogin, isProof } from "./provider-proofs.js";
import { CODE_POINTS, PROVIDER_PROOFS, RECOVERY_CODES, recoveryTables } from "./recovery-store.js";
import { CHALLENGES, passkeyStore, PASSKEYS } from "./store.js";

/**
 * @param {{ filter: Function, action: Function }} events
 * @param {{ database: any, logger: { error: Function }, now?: () => number }} context `now` replaces the clock in tests
 */
export default function recoveryHooks({ filter, action }, context) {
  const { database, logger } = context;
  const now = context.now ?? Date.now;
  const ensure = recoveryTables(database);
  const proofs = providerProofs(database, ensure, now);

  filter("auth.login", recordProofOnLogin({ database, logger, proofs }));

  action("auth.login", async (/** @type {{ status?: string, provider?: string, payload?: any }} */ meta) => {
    const verifier = meta?.payload?.codeVerifier;
    if (meta?.status !== "success" || !meta.provider || meta.provider === "default" || !isProof(verifier)) return;
    try {
      await proofs.forget(verifier);
    } catch (error) {
      logger.error(error, "account-sign-in: could not forget a provider proof");
    }
  });

  action("users.update", async (/** @type {{ payload?: Record<string, unknown>, keys?: unknown[] }} */ meta) => {
    if (!meta?.payload || !Object.hasOwn(meta.payload, "tfa_secret") || meta.payload["tfa_secret"] !== null) return;
    const ids = idsOf(meta.keys);
    if (ids.length === 0) return;
    try {
      await ensure();
      await database(RECOVERY_CODES).whereIn("user_id", ids).delete();
    } catch (error) {
      logger.error(error, "account-sign-in: could not void the recovery codes of an account whose two-factor sign-in was turned off");
    }
  });

  action("users.delete", async (/** @type {{ keys?: unknown[] }} */ meta) => {
    const ids = idsOf(meta?.keys);
    if (ids.length === 0) return;
    try {
      await passkeyStore(database).ensure();
      await ensure();
      await database(PASSKEYS).whereIn("user_id", ids).delete();
      await database(CHALLENGES).whereIn("user_id", ids).delete();
      for (const table of [RECOVERY_CODES, PROVIDER_PROOFS, CODE_POINTS]) await database(table).whereIn("user_id", ids).delete();
    } catch (error) {
      logger.error(error, "account-sign-in: could not delete what a deleted account held");
    }
  });
}

/** @param {unknown} keys @returns {string[]} */
const idsOf = (keys) => (Array.isArray(keys) ? keys.filter((key) => typeof key === "string") : []);
