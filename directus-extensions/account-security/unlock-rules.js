// The unlock link's rules, free of Directus so that they can be tested alone: its token (signed,
// single-purpose, short-lived; one use is kept by device-unlock.js), the bounds on who may ask for it,
// and its message. device-unlock.js wires them to Directus.
import { randomBytes } from "node:crypto";
import { emailBinding, isBoundTo, LIMITS, mail, signToken, verifyToken } from "./rules.js";

export { isBoundTo };

export const UNLOCK_SCOPE = "device-unlock";
/** How long an unlock link works: long enough to open the mail, short enough to be worth little once read. */
export const UNLOCK_TTL_SECONDS = 15 * 60;
/** Unlock mails per address and per asking IP within UNLOCK_WINDOW_SECONDS; over that, the answer is the same and nothing is sent. */
export const UNLOCK_MAILS_PER_ADDRESS = 3;
export const UNLOCK_MAILS_PER_IP = 10;
export const UNLOCK_WINDOW_SECONDS = 60 * 60;

/**
 * A JWT (HS256, Directus's SECRET) naming the account, a binding to its address (an email change
 * spends the link) and a random id (`jti`, what "used once" remembers). No address in clear.
 * @param {{ userId: string, email: string }} account @param {unknown} secret @param {number} [now] epoch ms
 */
export function signUnlockToken({ userId, email }, secret, now = Date.now()) {
  const claims = { scope: UNLOCK_SCOPE, id: userId, bound: emailBinding(secret, email), jti: randomBytes(16).toString("base64url") };
  return signToken(secret, claims, now, UNLOCK_TTL_SECONDS);
}

/**
 * @typedef {{ userId: string, bound: string, jti: string, expiresAt: number }} UnlockClaims
 * @typedef {{ ok: true, claims: UnlockClaims } | { ok: false, problem: "invalid" | "expired" }} UnlockCheck
 */

/**
 * Checks signature, issuer, scope and expiry, in that order (an email-change link, or any other
 * token of ours, is no unlock link).
 * @param {unknown} token @param {unknown} secret @param {number} [now] epoch ms
 * @returns {UnlockCheck}
 */
export function verifyUnlockToken(token, secret, now = Date.now()) {
  const checked = verifyToken(token, secret, UNLOCK_SCOPE, now);
  if (!checked.ok) return checked;
  const { id, bound, jti, exp } = checked.claims;
  if (typeof bound !== "string" || typeof jti !== "string") return { ok: false, problem: "invalid" };
  return { ok: true, claims: { userId: String(id), bound, jti, expiresAt: Number(exp) * 1000 } };
}

/**
 * The body of POST /unlock-link, bounded before anything else looks at it.
 * @param {unknown} body
 * @returns {{ ok: true, email: string, url: string } | { ok: false, reason: string }}
 */
export function readUnlockRequest(body) {
  const { email, url } = /** @type {Record<string, unknown>} */ (body && typeof body === "object" ? body : {});
  if (typeof email !== "string" || email.length === 0 || email.length > LIMITS.email) return { ok: false, reason: `"email" must be a string of 1 to ${LIMITS.email} characters` };
  if (typeof url !== "string" || url.length === 0 || url.length > LIMITS.url) return { ok: false, reason: `"url" must be a string of 1 to ${LIMITS.url} characters` };
  return { ok: true, email, url };
}

/**
 * Counts per key within a fixed window, in this process's memory, holding at most `maxKeys` keys
 * (the oldest go first), so a flood of new addresses or IPs cannot grow it without bound.
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

/**
 * The ids of links used, each kept until its link would have expired anyway, at most `maxKeys`.
 */
export class UsedOnce {
  /** @param {{ maxKeys?: number, now?: () => number }} [options] */
  constructor({ maxKeys = 100_000, now = Date.now } = {}) {
    this.maxKeys = maxKeys;
    this.now = now;
    /** @type {Map<string, number>} */
    this.used = new Map();
  }

  /** True the first time for `id` (until `expiresAt`), false after. @param {string} id @param {number} expiresAt epoch ms */
  claim(id, expiresAt) {
    const now = this.now();
    for (const [key, until] of this.used) {
      if (until > now && this.used.size <= this.maxKeys) break;
      this.used.delete(key);
    }
    if (this.used.has(id)) return false;
    this.used.set(id, expiresAt);
    return true;
  }
}

export const UNLOCK_SUBJECT = "Log in from a new browser";

/** The link to the account's own address. @param {string} to @param {string} link */
export function unlockMail(to, link) {
  const minutes = UNLOCK_TTL_SECONDS / 60;
  return mail(
    to,
    UNLOCK_SUBJECT,
    [
      `Logins to your account (${to}) from new browsers are paused for now, because of many failed attempts. Someone, probably you, asked for a way in from a new browser.`,
      "Open the link below in the browser you want to use and press the button there: that browser can then log in with your password while the pause lasts. The link signs nobody in by itself.",
      `It works once, for ${minutes} minutes. If you did not ask for it, ignore this email; if the failed attempts were not yours, someone may be guessing your password: choose a strong one you use nowhere else.`,
    ],
    { href: link, label: "Unlock this browser" },
  );
}
