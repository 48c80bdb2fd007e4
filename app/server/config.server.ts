// The app's configuration, read once from the environment and checked at start-up,
// so a bad value fails with a message naming the variable instead of at first use.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEV_APP_URL } from "#app/lib/account-links.ts";

export class ConfigError extends Error {}

const isProduction = process.env.NODE_ENV === "production";

function readUrl(name: string, fallback: string): string {
  const value = process.env[name]?.trim() || fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${name} must use http or https, got "${value}"`);
  }
  return url.href.replace(/\/$/, "");
}

// The links in Directus's emails name this URL; a guess in production would mail people links to
// the wrong host, and Directus refuses any link not on its allow list anyway.
function readAppUrl(): string {
  if (isProduction && !process.env.APP_URL?.trim()) {
    throw new ConfigError("APP_URL is required when NODE_ENV=production: the app's public URL, used in the links Directus emails");
  }
  return readUrl("APP_URL", DEV_APP_URL);
}

function readPositiveInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive whole number, got "${raw}"`);
  }
  return value;
}

function readBoundedInt(name: string, fallback: number, max: number): number {
  const value = readPositiveInt(name, fallback);
  if (value > max) throw new ConfigError(`${name} must be at most ${max}, got "${value}"`);
  return value;
}

function readOptionalRedisUrl(): string | null {
  const raw = process.env.REDIS_URL?.trim();
  if (!raw) return null;
  if (!/^rediss?:\/\/./.test(raw)) throw new ConfigError("REDIS_URL must be a redis:// or rediss:// URL");
  return raw;
}

function readSwitch(name: string, fallback: boolean): boolean {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  if (raw === "1" || raw === "true") return true;
  if (raw === "0" || raw === "false") return false;
  throw new ConfigError(`${name} must be 1 or 0, got "${raw}"`);
}

// Development gets a generated secret kept in a git-ignored file, so restarts keep people signed in.
function localSessionSecret(): string {
  const dir = join(process.cwd(), ".local");
  const file = join(dir, "session-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("hex");
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function readSessionSecrets(): string[] {
  const raw = process.env.SESSION_SECRET;
  if (!raw?.trim()) {
    if (isProduction) {
      throw new ConfigError(
        "SESSION_SECRET is required when NODE_ENV=production (a comma-separated list: the first signs, all verify)",
      );
    }
    return [localSessionSecret()];
  }
  const secrets = raw.split(",").map((secret) => secret.trim()).filter(Boolean);
  const short = secrets.find((secret) => secret.length < 32);
  if (short !== undefined) throw new ConfigError("SESSION_SECRET entries must each be at least 32 characters long");
  return secrets;
}

export const config = {
  isProduction,
  directusUrl: readUrl("DIRECTUS_URL", "http://127.0.0.1:8055"),
  appUrl: readAppUrl(),
  directusTimeoutMs: readPositiveInt("DIRECTUS_TIMEOUT_MS", 10_000),
  sessionSecrets: readSessionSecrets(),
  // The absolute session lifetime (ASVS 7.3.2): however active, a session ends this long after login.
  // The idle timeout is Directus's SESSION_COOKIE_TTL (see require-user.server.ts).
  sessionMaxAgeSeconds: readPositiveInt("SESSION_MAX_AGE", 7 * 24 * 60 * 60),
  // Directus's SESSION_COOKIE_NAME: the cookie its session-mode login and refresh answer with.
  directusSessionCookie: process.env.DIRECTUS_SESSION_COOKIE_NAME?.trim() || "directus_session_token",
  // Server-Timing naming each Directus call by path (item ids included): anyone sees the header, so off in production.
  serverTimingDetail: readSwitch("SERVER_TIMING_DETAIL", !isProduction),
  // How long a step of a multi-step flow (the sign-in code, two-factor set-up) waits: at most five minutes.
  twoFactorStepSeconds: readBoundedInt("TWO_FACTOR_STEP_MAX_AGE", 300, 300),
  // How long "confirm it's you" holds once passed (docs/decisions/023): a few minutes, at most fifteen.
  confirmItsYouSeconds: readBoundedInt("CONFIRM_ITS_YOU_MAX_AGE", 300, 900),
  // Where the counters of failed checks and sent mails live, so every app instance counts together;
  // unset, each process counts in its own memory (counters.server.ts).
  redisUrl: readOptionalRedisUrl(),
  // Guessing passwords and codes (throttle.server.ts, docs/decisions/013-throttling-not-lockout.md).
  throttle: {
    /** The window every login-failure counter counts in. */
    windowSeconds: readPositiveInt("LOGIN_FAILURE_WINDOW", 15 * 60),
    /** Failed logins for one account from one IP before that pair waits `blockSeconds`. */
    perAccountAndIp: readPositiveInt("LOGIN_FAILURES_PER_ACCOUNT_AND_IP", 10),
    /** Failed logins for one account from anywhere before everyone waits `accountBlockSeconds`. */
    perAccount: readPositiveInt("LOGIN_FAILURES_PER_ACCOUNT", 20),
    /** Failed logins from one IP, whatever the accounts, before that IP waits `blockSeconds`. */
    perIp: readPositiveInt("LOGIN_FAILURES_PER_IP", 100),
    blockSeconds: readPositiveInt("LOGIN_BLOCK_SECONDS", 15 * 60),
    // Long enough to bound a campaign from many IPs (20 per 15 minutes, about 80 an hour); the owner
    // is not kept out by it: known browsers are counted on their own, a new one gets a mailed link.
    accountBlockSeconds: readPositiveInt("LOGIN_ACCOUNT_BLOCK_SECONDS", 15 * 60),
    /** Wrong passwords or codes per account in a session or a half-finished login before it ends. */
    wrongSecrets: readPositiveInt("WRONG_SECRET_LIMIT", 5),
    wrongSecretWindowSeconds: readPositiveInt("WRONG_SECRET_WINDOW", 15 * 60),
  },
  // Directus's REGISTER_STALL_TIME (same name, same default): a registration or re-send the app
  // skips (mail bounded per address) takes as long as one Directus answers.
  registerStallMs: readPositiveInt("REGISTER_STALL_TIME", 750),
} as const;
