// Per-process bounds on the passkey and recovery-code checks and mails (each Directus instance counts
// its own, as account-security's verify-code.js does); the app counts per credential and per IP across
// its instances too. Wrong recovery codes are counted per account in the database instead (code-points.js).

/** Sign-in checks (answers to a challenge) per asking IP, and failed ones per credential id from one IP, per window. */
export const CHECKS_PER_IP = 30;
export const FAILURES_PER_CREDENTIAL = 10;
/** Challenges handed out per account (signed in), per window. */
export const CHALLENGES_PER_CALLER = 60;
/**
 * Anonymous challenges per asking IP, per window: the login page asks for one whenever its email field
 * is focused (the browser's passkey autofill), so everyone behind one address shares this. Each is one
 * small row that expires within five minutes.
 */
export const ANONYMOUS_CHALLENGES_PER_IP = 900;
/** Registrations tried per account, per window. */
export const REGISTRATIONS_PER_ACCOUNT = 20;
export const WINDOW_MS = 15 * 60 * 1000;
/** Added/removed notices mailed per account per hour; beyond, the change is made and nothing is mailed. */
export const NOTICES_PER_ACCOUNT = 5;
export const NOTICE_WINDOW_MS = 60 * 60 * 1000;

/**
 * Counts per key within a fixed window, in this process's memory, holding at most `maxKeys` keys
 * (the oldest go first), so a flood of new IPs or credential ids cannot grow it without bound.
 */
export class WindowCounter {
  /** @param {{ limit: number, windowMs: number, maxKeys?: number, now?: () => number }} options */
  constructor({ limit, windowMs, maxKeys = 10_000, now = Date.now }) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
    this.now = now;
    /** @type {Map<string, { count: number, resetAt: number }>} */
    this.entries = new Map();
  }

  /** Whether `key` is still under its limit, without counting. @param {string} key */
  allows(key) {
    const entry = this.entries.get(key);
    return !entry || entry.resetAt <= this.now() || entry.count < this.limit;
  }

  /** Counts one for `key`; false once `limit` were counted in its window. @param {string} key */
  hit(key) {
    const now = this.now();
    let entry = this.entries.get(key);
    if (!entry || entry.resetAt <= now) {
      this.entries.delete(key);
      entry = { count: 0, resetAt: now + this.windowMs };
      this.entries.set(key, entry);
      while (this.entries.size > this.maxKeys) this.entries.delete(/** @type {string} */ (this.entries.keys().next().value));
    }
    entry.count += 1;
    return entry.count <= this.limit;
  }
}

/** Recovery-code sign-ins per asking IP, per WINDOW_MS (wrong codes are counted per account in the database: code-points.js). */
export const RECOVERY_SIGN_INS_PER_IP = 30;
/** Batches of recovery codes made per account per hour. */
export const BATCHES_PER_ACCOUNT = 10;
export const BATCH_WINDOW_MS = 60 * 60 * 1000;
/** Recovery notices (a code used, codes renewed) mailed per account per NOTICE_WINDOW_MS. */
export const RECOVERY_NOTICES_PER_ACCOUNT = 10;
