// The extension's rules, free of Directus so that they can be tested alone: how Directus's durations
// read, the opaque handle that stands for a session token, which `directus_sessions` rows are live
// sessions, what "last active" is, and what of a row leaves the extension. sessions.js and expiry.js
// wire them to Directus.
import { createHmac } from "node:crypto";

/**
 * Bounds checked before work: a user's listed sessions (the rows read are bounded too, see
 * sessions.js), and what of a row is passed on (directus_sessions.ip is varchar(255), user_agent
 * varchar(1024) in Directus 11.17.4).
 */
export const LIMITS = { sessions: 50, rows: 200, ip: 255, userAgent: 1024, duration: 32 };

/** Directus's own defaults (@directus/env) for the two lifetimes a session row gets. */
const DEFAULT_SESSION_TTL = "1d";
const DEFAULT_REFRESH_TTL = "7d";

const UNIT_MS = /** @type {Record<string, number>} */ ({
  ms: 1, msec: 1, msecs: 1, millisecond: 1, milliseconds: 1,
  s: 1e3, sec: 1e3, secs: 1e3, second: 1e3, seconds: 1e3,
  m: 6e4, min: 6e4, mins: 6e4, minute: 6e4, minutes: 6e4,
  h: 36e5, hr: 36e5, hrs: 36e5, hour: 36e5, hours: 36e5,
  d: 864e5, day: 864e5, days: 864e5,
  w: 6048e5, week: 6048e5, weeks: 6048e5,
  y: 315576e5, yr: 315576e5, yrs: 315576e5, year: 315576e5, years: 315576e5,
});

/**
 * A duration setting as Directus reads it (its getMilliseconds passes it to the `ms` package, which an
 * extension cannot import): "8s", "15m", "1d", "7 days"; a bare number is milliseconds.
 * @param {unknown} value @param {number} fallback
 */
export function parseDuration(value, fallback) {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value : fallback;
  if (typeof value !== "string" || value.length === 0 || value.length > LIMITS.duration) return fallback;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  if (!match) return fallback;
  const unit = UNIT_MS[(match[2] || "ms").toLowerCase()];
  return unit === undefined ? fallback : Number(match[1]) * unit;
}

/**
 * @typedef {{ sessionMs: number, refreshMs: number }} Lifetimes
 *   sessionMs: SESSION_COOKIE_TTL, the life of a session token and of a renewed session's row;
 *   refreshMs: REFRESH_TOKEN_TTL, which Directus gives a sign-in's row whatever the mode
 */

/** @param {Record<string, unknown>} env @returns {Lifetimes} */
export function lifetimesFrom(env) {
  return {
    sessionMs: parseDuration(env["SESSION_COOKIE_TTL"] ?? DEFAULT_SESSION_TTL, parseDuration(DEFAULT_SESSION_TTL, 0)),
    refreshMs: parseDuration(env["REFRESH_TOKEN_TTL"] ?? DEFAULT_REFRESH_TTL, parseDuration(DEFAULT_REFRESH_TTL, 0)),
  };
}

/**
 * A date column as the database driver hands it back: a Date (PostgreSQL), epoch milliseconds as a
 * number or digits (SQLite keeps what knex wrote), or a date string.
 * @param {unknown} value @returns {number | null}
 */
export function toMillis(value) {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string" || value.length > 64) return null;
  if (/^\d+$/.test(value)) return Number(value);
  // "YYYY-MM-DD HH:MM:SS" without a zone is how SQLite shows UTC.
  const text = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value.replace(" ", "T")}Z` : value;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? null : parsed;
}

/**
 * The key handles are made with: derived from Directus's SECRET (which every instance shares, as its
 * tokens need), so each instance computes the same handle, and nobody without SECRET can compute one.
 * @param {unknown} secret
 */
export function handleKey(secret) {
  return createHmac("sha256", String(secret)).update("account-sessions:handle-key").digest();
}

/**
 * What a session is called outside Directus: an HMAC of its token. Stable while the row lives, useless
 * for anything but naming it to this extension, and not reversible into the token.
 * @param {Buffer} key @param {string} token
 */
export function sessionHandle(key, token) {
  return createHmac("sha256", key).update(token).digest("base64url");
}

/** A handle's exact shape (43 base64url characters: 32 bytes), checked before any lookup. @param {unknown} value @returns {value is string} */
export function isHandle(value) {
  return typeof value === "string" && /^[\w-]{43}$/.test(value);
}

/**
 * @typedef {{ token: string, expires: unknown, ip?: unknown, user_agent?: unknown, next_token?: unknown }} SessionRow
 * @typedef {{ token: string, expiresAt: number, lastActiveAt: number, ip: string | null, userAgent: string | null, current: boolean }} LiveSession
 */

/**
 * The tokens that are the caller's own session: the one it called with and, through a renewal, the
 * one that replaced it or the one it replaced (an old token works for SESSION_REFRESH_GRACE_PERIOD).
 * @param {SessionRow[]} rows @param {string | null | undefined} session
 */
export function currentChain(rows, session) {
  /** @type {Set<string>} */
  const chain = new Set();
  if (!session) return chain;
  chain.add(session);
  // A chain is one or two rows long in practice; the bound stops a loop on odd data.
  for (let round = 0; round < 4; round++) {
    for (const row of rows) {
      if (chain.has(row.token) && typeof row.next_token === "string") chain.add(row.next_token);
      if (typeof row.next_token === "string" && chain.has(row.next_token)) chain.add(row.token);
    }
  }
  return chain;
}

/**
 * When the session was last active: when its row was written, by the sign-in or the last renewal
 * (Directus writes no time on the row, only its expiry). A renewal's row expires SESSION_COOKIE_TTL
 * after it; a sign-in's row, REFRESH_TOKEN_TTL after it, unless expiry.js cut it to the token's life.
 * @param {number} expiresAt @param {number} now @param {Lifetimes} lifetimes
 */
export function lastActiveOf(expiresAt, now, { sessionMs, refreshMs }) {
  const renewedAt = expiresAt - sessionMs;
  if (renewedAt <= now) return renewedAt;
  return Math.min(expiresAt - refreshMs, now);
}

/**
 * Whether a session can still be used: its row has not expired, and, for a sign-in's row that still
 * has REFRESH_TOKEN_TTL's expiry, its session token (SESSION_COOKIE_TTL from the sign-in) has not either.
 * @param {number} expiresAt @param {number} now @param {Lifetimes} lifetimes
 */
function isLive(expiresAt, now, lifetimes) {
  if (expiresAt <= now) return false;
  if (expiresAt - lifetimes.sessionMs <= now) return true;
  return expiresAt - lifetimes.refreshMs + lifetimes.sessionMs > now;
}

/**
 * The caller's live sessions, most recently active first, at most LIMITS.sessions. A renewed
 * session's old row (next_token set) is the same session, not another one.
 * @param {SessionRow[]} rows the caller's unexpired rows
 * @param {{ now: number, lifetimes: Lifetimes, session: string | null | undefined }} context
 * @returns {LiveSession[]}
 */
export function liveSessions(rows, { now, lifetimes, session }) {
  const chain = currentChain(rows, session);
  /** @type {LiveSession[]} */
  const live = [];
  for (const row of rows) {
    if (row.next_token) continue;
    const expiresAt = toMillis(row.expires);
    if (expiresAt === null || !isLive(expiresAt, now, lifetimes)) continue;
    live.push({
      token: row.token,
      expiresAt,
      lastActiveAt: lastActiveOf(expiresAt, now, lifetimes),
      ip: typeof row.ip === "string" && row.ip ? row.ip.slice(0, LIMITS.ip) : null,
      userAgent: typeof row.user_agent === "string" && row.user_agent ? row.user_agent.slice(0, LIMITS.userAgent) : null,
      current: chain.has(row.token),
    });
  }
  return live.sort((a, b) => b.lastActiveAt - a.lastActiveAt).slice(0, LIMITS.sessions);
}

/**
 * The session a handle names, among the caller's rows: the live session it is, or has become through
 * renewals since the handle was shown (a renewed session's old row lasts SESSION_REFRESH_GRACE_PERIOD),
 * with every token of it, old and new, to delete together. null for any other handle, whoever's it is.
 * @param {SessionRow[]} rows the caller's unexpired rows
 * @param {string} handle @param {Buffer} key
 * @param {{ now: number, lifetimes: Lifetimes, session: string | null | undefined }} context
 * @returns {{ session: LiveSession, tokens: string[] } | null}
 */
export function resolveHandle(rows, handle, key, context) {
  const named = rows.find((row) => sessionHandle(key, row.token) === handle);
  if (!named) return null;
  const chain = currentChain(rows, named.token);
  const [session] = liveSessions(rows.filter((row) => chain.has(row.token)), context);
  return session ? { session, tokens: [...chain] } : null;
}

/**
 * The expiry a sign-in's row gets from expiry.js: its session token's, so that a sign-in never renewed
 * stops being listed (and refreshable) when its token stops working. Never later than Directus's own.
 * @param {number} signedInAt @param {Lifetimes} lifetimes
 */
export function signInExpiry(signedInAt, { sessionMs, refreshMs }) {
  return signedInAt + Math.min(sessionMs, refreshMs);
}

/**
 * One session as the API answers it: a handle in place of the token.
 * @param {LiveSession} session @param {Buffer} key
 */
export function publicSession(session, key) {
  return {
    id: sessionHandle(key, session.token),
    current: session.current,
    last_active: new Date(session.lastActiveAt).toISOString(),
    expires: new Date(session.expiresAt).toISOString(),
    ip: session.ip,
    user_agent: session.userAgent,
  };
}
