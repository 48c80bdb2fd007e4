// The rules of the account-sessions extension, without Directus: durations as Directus reads them,
// the opaque handle, which rows are live and what "last active" is, and what leaves the extension.
import { describe, expect, it } from "vitest";
import {
  LIMITS,
  currentChain,
  handleKey,
  isHandle,
  lastActiveOf,
  lifetimesFrom,
  liveSessions,
  parseDuration,
  publicSession,
  resolveHandle,
  sessionHandle,
  signInExpiry,
  toMillis,
} from "../rules.js";

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const lifetimes = { sessionMs: DAY, refreshMs: 7 * DAY };
const key = handleKey("a-secret-of-directus");

/** A directus_sessions row. @param {string} token @param {number} expires @param {Partial<Record<string, unknown>>} [rest] */
const row = (token, expires, rest = {}) => ({ token, expires: new Date(expires), ip: "203.0.113.7", user_agent: "Firefox", next_token: null, ...rest });

describe("durations, as Directus reads SESSION_COOKIE_TTL and REFRESH_TOKEN_TTL", () => {
  it("reads the units Directus's settings use", () => {
    expect(parseDuration("8s", 0)).toBe(8 * SECOND);
    expect(parseDuration("15m", 0)).toBe(15 * 60 * SECOND);
    expect(parseDuration("1d", 0)).toBe(DAY);
    expect(parseDuration("7 days", 0)).toBe(7 * DAY);
    expect(parseDuration("2h", 0)).toBe(2 * HOUR);
    expect(parseDuration("1w", 0)).toBe(7 * DAY);
    // A bare number is milliseconds (Directus passes it to `ms`).
    expect(parseDuration("1500", 0)).toBe(1500);
    expect(parseDuration(1500, 0)).toBe(1500);
  });

  it("falls back on anything else, and on absurd lengths", () => {
    expect(parseDuration("", 42)).toBe(42);
    expect(parseDuration("soon", 42)).toBe(42);
    expect(parseDuration(undefined, 42)).toBe(42);
    expect(parseDuration("1".repeat(200), 42)).toBe(42);
    expect(parseDuration(-5, 42)).toBe(42);
  });

  it("takes Directus's defaults when the settings are unset", () => {
    expect(lifetimesFrom({})).toEqual({ sessionMs: DAY, refreshMs: 7 * DAY });
    expect(lifetimesFrom({ SESSION_COOKIE_TTL: "8s", REFRESH_TOKEN_TTL: "8s" })).toEqual({ sessionMs: 8 * SECOND, refreshMs: 8 * SECOND });
  });

  it("reads database dates in each shape a driver hands back", () => {
    expect(toMillis(new Date(NOW))).toBe(NOW);
    expect(toMillis(NOW)).toBe(NOW);
    expect(toMillis(String(NOW))).toBe(NOW);
    expect(toMillis(new Date(NOW).toISOString())).toBe(NOW);
    expect(toMillis("2026-01-10 12:00:00")).toBe(NOW);
    expect(toMillis("garbage")).toBeNull();
    expect(toMillis(null)).toBeNull();
  });
});

describe("the handle", () => {
  it("is derived from the token but is not the token, nor readable back into it", () => {
    const token = "t".repeat(64);
    const handle = sessionHandle(key, token);
    expect(isHandle(handle)).toBe(true);
    expect(handle).not.toContain(token);
    expect(sessionHandle(key, token)).toBe(handle);
    expect(sessionHandle(key, `${token}x`)).not.toBe(handle);
  });

  it("needs the secret: another SECRET gives other handles, so they cannot be computed from outside", () => {
    const token = "t".repeat(64);
    expect(sessionHandle(handleKey("another-secret"), token)).not.toBe(sessionHandle(key, token));
  });

  it("refuses anything that is not a handle before any work", () => {
    expect(isHandle("x".repeat(43))).toBe(true);
    expect(isHandle("x".repeat(42))).toBe(false);
    expect(isHandle("x".repeat(44))).toBe(false);
    expect(isHandle(`${"x".repeat(42)}/`)).toBe(false);
    expect(isHandle(undefined)).toBe(false);
    expect(isHandle(42)).toBe(false);
  });
});

describe("which sessions are live", () => {
  it("lists unexpired sessions, not a renewed session's old token, and marks the caller's", () => {
    const rows = [
      row("old", NOW + 5 * SECOND, { next_token: "mine" }),
      row("mine", NOW + DAY - HOUR),
      row("other", NOW + DAY - 2 * HOUR),
      row("gone", NOW - SECOND),
    ];
    const live = liveSessions(rows, { now: NOW, lifetimes, session: "mine" });
    expect(live.map((s) => [s.token, s.current])).toEqual([
      ["mine", true],
      ["other", false],
    ]);
  });

  it("still knows the caller when it called with the old token in the renewal's grace period", () => {
    const rows = [row("old", NOW + 5 * SECOND, { next_token: "mine" }), row("mine", NOW + DAY)];
    expect(liveSessions(rows, { now: NOW, lifetimes, session: "old" }).find((s) => s.current)?.token).toBe("mine");
    expect([...currentChain(rows, "old")].sort()).toEqual(["mine", "old"]);
    expect([...currentChain(rows, "mine")].sort()).toEqual(["mine", "old"]);
    expect([...currentChain(rows, null)]).toEqual([]);
  });

  it("a session opened by a sign-in and never renewed ends with its token, not with its row", () => {
    // Directus gives a sign-in's row REFRESH_TOKEN_TTL, its session token SESSION_COOKIE_TTL.
    const signedInAt = NOW - 2 * DAY;
    const rows = [row("stale", signedInAt + 7 * DAY), row("fresh", NOW - HOUR + 7 * DAY)];
    expect(liveSessions(rows, { now: NOW, lifetimes, session: null }).map((s) => s.token)).toEqual(["fresh"]);
  });

  it("orders the most recently active first, and keeps to the limit", () => {
    const rows = Array.from({ length: LIMITS.sessions + 5 }, (_, i) => row(`t${i}`, NOW + DAY - i * SECOND));
    const live = liveSessions(rows.reverse(), { now: NOW, lifetimes, session: null });
    expect(live).toHaveLength(LIMITS.sessions);
    expect(live[0]?.token).toBe("t0");
  });
});

describe("a handle, when a session is ended by it", () => {
  const context = { now: NOW, lifetimes, session: "mine" };

  it("names a live session of the caller's, with its tokens", () => {
    const rows = [row("mine", NOW + DAY), row("other", NOW + DAY - HOUR)];
    expect(resolveHandle(rows, sessionHandle(key, "other"), key, context)).toEqual({ session: expect.objectContaining({ token: "other", current: false }), tokens: ["other"] });
    expect(resolveHandle(rows, sessionHandle(key, "mine"), key, context)?.session.current).toBe(true);
  });

  it("still names a session renewed since it was shown, and takes its old and new tokens", () => {
    const rows = [row("shown", NOW + 5 * SECOND, { next_token: "renewed" }), row("renewed", NOW + DAY)];
    const found = resolveHandle(rows, sessionHandle(key, "shown"), key, context);
    expect(found?.session.token).toBe("renewed");
    expect(found?.tokens.sort()).toEqual(["renewed", "shown"]);
  });

  it("names nothing else: an unknown handle, another user's (not among the caller's rows), a session no longer usable", () => {
    const signedInLongAgo = row("stale", NOW - 2 * DAY + 7 * DAY);
    const rows = [row("mine", NOW + DAY), signedInLongAgo];
    expect(resolveHandle(rows, sessionHandle(key, "someone-elses"), key, context)).toBeNull();
    expect(resolveHandle(rows, sessionHandle(key, "stale"), key, context)).toBeNull();
  });
});

describe("last active", () => {
  it("is the last renewal (the row's expiry less SESSION_COOKIE_TTL)", () => {
    expect(lastActiveOf(NOW + DAY - HOUR, NOW, lifetimes)).toBe(NOW - HOUR);
  });

  it("is the sign-in for a row that still has REFRESH_TOKEN_TTL's expiry", () => {
    expect(lastActiveOf(NOW - HOUR + 7 * DAY, NOW, lifetimes)).toBe(NOW - HOUR);
  });

  it("is never in the future", () => {
    expect(lastActiveOf(NOW + 3 * DAY, NOW, { sessionMs: DAY, refreshMs: 2 * DAY })).toBe(NOW);
  });

  it("a sign-in's row is cut to its token's lifetime, never lengthened", () => {
    expect(signInExpiry(NOW, lifetimes)).toBe(NOW + DAY);
    expect(signInExpiry(NOW, { sessionMs: DAY, refreshMs: HOUR })).toBe(NOW + HOUR);
  });
});

describe("what leaves the extension", () => {
  it("has the handle and the row's description, never the token", () => {
    const token = "secret-token-value-".repeat(3);
    const [live] = liveSessions([row(token, NOW + DAY - HOUR, { ip: "198.51.100.1", user_agent: "Mozilla/5.0 Chrome/131" })], { now: NOW, lifetimes, session: token });
    const shown = publicSession(/** @type {any} */ (live), key);
    expect(shown).toEqual({
      id: sessionHandle(key, token),
      current: true,
      last_active: new Date(NOW - HOUR).toISOString(),
      expires: new Date(NOW + DAY - HOUR).toISOString(),
      ip: "198.51.100.1",
      user_agent: "Mozilla/5.0 Chrome/131",
    });
    expect(JSON.stringify(shown)).not.toContain(token);
  });

  it("bounds what a row holds", () => {
    const [live] = liveSessions([row("tok", NOW + HOUR, { ip: "9".repeat(500), user_agent: "U".repeat(5000) })], { now: NOW, lifetimes, session: null });
    const shown = publicSession(/** @type {any} */ (live), key);
    expect(shown.ip).toHaveLength(LIMITS.ip);
    expect(shown.user_agent).toHaveLength(LIMITS.userAgent);
  });
});
