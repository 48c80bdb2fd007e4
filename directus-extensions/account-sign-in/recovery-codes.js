// Recovery codes, free of Directus: making a batch, reading what a person typed, and the one slow
// hash a check costs (docs/decisions/025-recovery-codes.md).
//
// Ten codes a batch, each 10 characters of Crockford's base32 (50 bits), shown as xxxxx-xxxxx. Stored
// only as scrypt(code, salt) with one random salt per batch: a check hashes the typed code once and
// looks the hash up, instead of trying it against ten salts.
import { randomBytes, scrypt } from "node:crypto";

export const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
export const CODES_PER_BATCH = 10;
export const CODE_LENGTH = 10;
/** Raw input longer than this is refused without normalising or hashing it. */
export const MAX_INPUT = 64;
/** scrypt's cost (N=2^14, r=8, p=1: 16 MiB and some tens of milliseconds per hash) and output. */
export const SCRYPT = { N: 2 ** 14, r: 8, p: 1, keylen: 32 };

const CODE = new RegExp(`^[${ALPHABET}]{${CODE_LENGTH}}$`);

/** One code: each random byte's low five bits pick a symbol (256 is a multiple of 32, so all are equally likely). */
function newCode() {
  return [...randomBytes(CODE_LENGTH)].map((byte) => ALPHABET[byte & 31]).join("");
}

/** A batch of distinct codes, normalised (no dash). @returns {string[]} */
export function newBatch() {
  const codes = new Set();
  while (codes.size < CODES_PER_BATCH) codes.add(newCode());
  return [...codes];
}

/** How a code is shown: xxxxx-xxxxx. @param {string} code a normalised code */
export const shownCode = (code) => `${code.slice(0, 5)}-${code.slice(5)}`;

/**
 * What a person typed, as a code: trimmed, lower-cased, spaces and dashes removed, the letters people
 * mistake for digits read as those digits. Null when it cannot be a code (then nothing is hashed).
 * @param {unknown} input @returns {string | null}
 */
export function normalisedCode(input) {
  if (typeof input !== "string" || input.length > MAX_INPUT) return null;
  const code = input.trim().toLowerCase().replace(/[\s-]/g, "").replace(/o/g, "0").replace(/[il]/g, "1");
  return CODE.test(code) ? code : null;
}

/** A batch's salt: 16 random bytes, hex. */
export const newSalt = () => randomBytes(16).toString("hex");

/**
 * The stored form of a code: scrypt with the batch's salt, hex. Node's asynchronous scrypt, so a
 * check never blocks Directus's event loop. @param {string} code @param {string} salt @returns {Promise<string>}
 */
export function hashOf(code, salt) {
  return new Promise((resolve, reject) => {
    scrypt(code, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }, (error, key) => (error ? reject(error) : resolve(key.toString("hex"))));
  });
}
