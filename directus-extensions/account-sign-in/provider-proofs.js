// Provider proofs: when an account with two-factor on signs in through an identity provider, Directus
// exchanges the provider's code (with the flow's PKCE code verifier) and finds the user BEFORE it
// asks for the two-factor code and refuses with INVALID_OTP. Its `auth.login` filter runs between the
// two, with that verifier in the payload: a row here then says "the provider just proved this person
// is this user", and the verifier, which only the browser's flow (the app's sealed cookie) holds, is
// what a recovery-code sign-in shows to claim it. Stored as its SHA-256 only; five minutes, once.
import { createHash, randomUUID } from "node:crypto";
import { PROVIDER_PROOFS } from "./recovery-store.js";

export const PROOF_TTL_MS = 5 * 60 * 1000;
/** Live proofs kept per account; older ones go as new ones come. */
export const LIVE_PROOFS_PER_ACCOUNT = 5;
/** A PKCE code verifier is 43 to 128 characters (RFC 7636); anything longer is no verifier. */
export const MAX_PROOF = 256;

/** @param {string} verifier */
export const proofHashOf = (verifier) => createHash("sha256").update(verifier, "utf8").digest("hex");

/** @param {unknown} value @returns {value is string} */
export const isProof = (value) => typeof value === "string" && value.length > 0 && value.length <= MAX_PROOF;

/**
 * @param {any} database @param {() => Promise<void>} ensure creates the tables (recovery-store.js) @param {() => number} now
 */
export function providerProofs(database, ensure, now) {
  return {
    /**
     * Records a proof for `userId` from `provider`, bounded: expired rows go first, then all but the
     * account's newest LIVE_PROOFS_PER_ACCOUNT.
     * @param {string} userId @param {string} provider @param {string} verifier
     */
    async record(userId, provider, verifier) {
      await ensure();
      const at = now();
      await database(PROVIDER_PROOFS).where("expires_at", "<=", at).delete();
      await database(PROVIDER_PROOFS).insert({ id: randomUUID(), user_id: userId, provider, proof_hash: proofHashOf(verifier), created_at: at, expires_at: at + PROOF_TTL_MS, used_at: null });
      const keep = await database(PROVIDER_PROOFS).select("id").where({ user_id: userId }).orderBy("created_at", "desc").orderBy("id", "desc").limit(LIVE_PROOFS_PER_ACCOUNT);
      await database(PROVIDER_PROOFS)
        .where({ user_id: userId })
        .whereNotIn(
          "id",
          keep.map((/** @type {{ id: string }} */ row) => row.id),
        )
        .delete();
    },

    /** A sign-in that went through (its code was right): its proof can prove nothing more. @param {string} verifier */
    async forget(verifier) {
      await ensure();
      await database(PROVIDER_PROOFS).where({ proof_hash: proofHashOf(verifier) }).delete();
    },
  };
}

/**
 * The `auth.login` filter: records a proof for a provider sign-in of an active account with
 * two-factor on. Never changes the payload, and never fails the sign-in (a proof that could not be
 * written only means no recovery code can follow this one).
 * @param {{ database: any, logger: { error: Function }, proofs: ReturnType<typeof providerProofs> }} context
 */
export function recordProofOnLogin({ database, logger, proofs }) {
  return async (/** @type {any} */ payload, /** @type {{ user?: string, provider?: string }} */ meta) => {
    const verifier = payload?.codeVerifier;
    if (!meta?.user || !meta.provider || meta.provider === "default" || !isProof(verifier)) return payload;
    try {
      const user = await database("directus_users").select("status", "provider", "tfa_secret").where({ id: meta.user }).first();
      // Directus refuses any other status, and a user of another provider, right after this filter.
      if (!user?.tfa_secret || user.status !== "active" || user.provider !== meta.provider) return payload;
      await proofs.record(meta.user, meta.provider, verifier);
    } catch (error) {
      logger.error(error, "account-sign-in: could not record a provider proof");
    }
    return payload;
  };
}
