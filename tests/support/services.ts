// Starts the real services a test run needs: a throwaway Directus (temporary database, provisioned
// with the project's own code, mailing through its own sink) and, for browser tests, the production
// build of the app. The app's port is chosen first, so Directus's allow lists name its links.
import type { ChildProcess } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp } from "../../scripts/lib/app-process.mjs";
import { getFreePort, startDirectus } from "../../scripts/lib/directus-process.mjs";
import { provision } from "../../scripts/lib/provision.mjs";

export type TestDirectus = {
  url: string;
  /** Where its mail sink keeps the messages it sends (tests/support/mail.ts reads them). */
  mailDir: string;
  adminEmail: string;
  adminPassword: string;
  /** Its SQLite database file (DB_FILENAME), for a test that makes the database itself fail. */
  databaseFile: string;
  /** Stops Directus and deletes its data directory (unless started with keepDataDir). */
  stop: () => Promise<void>;
  /** Stops the Directus process only: the data directory and port stay reserved for restart(). */
  halt: () => Promise<void>;
  /** Starts Directus again on the same port and data directory (same users and sessions; same SECRET unless `env` sets one). */
  restart: (env?: Record<string, string>) => Promise<void>;
};

export type TestDirectusOptions = {
  /** Leave the data directory behind on stop(), e.g. to inspect it after a failure. */
  keepDataDir?: boolean;
  /**
   * A data directory from createDirectusTemplate(): copied instead of bootstrapping and
   * provisioning a new database, which saves most of the start-up time.
   */
  template?: string;
  /** The app whose links its emails carry (its URL allow lists); see reserveAppUrl(). */
  appUrl?: string;
  /** Email verification at registration (provisioning's setting; a template keeps its own). Default: on. */
  verifyEmail?: boolean;
};

/** A free port for an app that is started after Directus, and the URL people would open it at. */
export async function reserveAppUrl(): Promise<{ port: number; url: string }> {
  const port = await getFreePort();
  return { port, url: `http://localhost:${port}` };
}

/** Bootstraps and provisions a Directus once, stops it, and returns its data directory for copying. */
export async function createDirectusTemplate({ verifyEmail = true }: { verifyEmail?: boolean } = {}): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "directus-template-"));
  const directus = await startDirectus({
    port: await getFreePort(),
    dataDir: dir,
    log: (line: string) => process.env.DEBUG_DIRECTUS && console.log(`[template directus] ${line}`),
  });
  try {
    await provision({ url: directus.url, email: directus.adminEmail, password: directus.adminPassword }, { log: () => {}, verifyEmail });
  } finally {
    await directus.stop();
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Argon2 parameters for test Directus instances (Directus reads HASH_* into argon2's options): one
 * hash or check costs ~12 ms of CPU here instead of ~420 ms with argon2's defaults (64 MiB, three
 * passes, four lanes), and the tests sign in thousands of times on a 2-core machine. No test is about
 * the hash's cost except those that flood sign-ins, which ask for PRODUCTION_PASSWORD_HASHING.
 */
export const CHEAP_PASSWORD_HASHING = { HASH_MEMORY_COST: "4096", HASH_TIME_COST: "1", HASH_PARALLELISM: "1" };
/** argon2's defaults, which Directus uses unless HASH_* say otherwise. */
export const PRODUCTION_PASSWORD_HASHING = { HASH_MEMORY_COST: "65536", HASH_TIME_COST: "3", HASH_PARALLELISM: "4" };

/**
 * What every test Directus (these and the integration tests') runs with on a busy 2-core machine: no
 * pressure limiter, as in the cluster's settings (its 503s, when the event loop lags 500 ms, measure
 * whoever else shares the machine, not the app), and cheap password hashes.
 */
export const BUSY_MACHINE_DIRECTUS = { PRESSURE_LIMITER_ENABLED: "false", ...CHEAP_PASSWORD_HASHING };

/**
 * Sessions last an hour unless a test is about their lifetime and sets SESSION_COOKIE_TTL itself: a
 * test that is not about a lifetime must not fail because a busy machine let one elapse.
 */
const TEST_DIRECTUS_DEFAULTS = {
  RATE_LIMITER_ENABLED: "false",
  RATE_LIMITER_REGISTRATION_ENABLED: "false",
  ACCESS_TOKEN_TTL: "5s",
  SESSION_COOKIE_TTL: "1h",
  ...BUSY_MACHINE_DIRECTUS,
};

export async function startTestDirectus(env: Record<string, string> = {}, options: TestDirectusOptions = {}): Promise<TestDirectus> {
  const dataDir = await mkdtemp(join(tmpdir(), "directus-test-"));
  if (options.template) await cp(options.template, dataDir, { recursive: true });
  const port: number = await getFreePort();
  const start = (overrides: Record<string, string> = {}) =>
    startDirectus({
      port,
      dataDir,
      env: { ...TEST_DIRECTUS_DEFAULTS, ...env, ...overrides },
      appUrl: options.appUrl,
      log: (line: string) => process.env.DEBUG_DIRECTUS && console.log(`[test directus] ${line}`),
    });
  let directus: Awaited<ReturnType<typeof startDirectus>> | null = await start();
  const { url, adminEmail, adminPassword } = directus;
  const mailDir = directus.mailDir!;
  if (!options.template) {
    await provision({ url, email: adminEmail, password: adminPassword }, { log: () => {}, verifyEmail: options.verifyEmail ?? true, appUrl: options.appUrl });
  }
  const halt = async () => {
    await directus?.stop();
    directus = null;
  };
  return {
    url,
    mailDir,
    adminEmail,
    adminPassword,
    databaseFile: join(dataDir, "data.db"),
    halt,
    restart: async (overrides?: Record<string, string>) => {
      await halt();
      directus = await start(overrides);
    },
    stop: async () => {
      await halt();
      if (!options.keepDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type TestApp = { url: string; process: ChildProcess; stop: () => Promise<void> };

/** `port`: one from reserveAppUrl(), whose URL Directus already allows links to. */
export async function startTestApp(directusUrl: string, env: Record<string, string> = {}, { port }: { port?: number } = {}): Promise<TestApp> {
  // "localhost", as a person would type it: the production cookie is __Host-/Secure, which browsers allow there over http.
  // IDENTITY_PROVIDER_DEV_FOR_TESTS: the production build refuses the development provider otherwise (loopback only).
  const app = await startApp({ directusUrl, env: { IDENTITY_PROVIDER_DEV_FOR_TESTS: "1", ...env }, host: "localhost", port });
  return { url: app.url, process: app.process, stop: app.stop };
}
