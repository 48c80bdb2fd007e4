// The one place for the cluster's ports and settings. The cluster (cluster.mjs) starts its processes
// from them and writes them to <dir>/cluster.json; the cluster tests read that file, so a test and
// the cluster cannot disagree. What does not depend on addresses or secrets lives in deploy/*.env,
// which compose.yaml reads too, so production and the test cannot disagree either.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { callbackPath } from "../../../app/lib/identity-providers.ts";
import { directusAccountEnv, getFreePort } from "../directus-process.mjs";

const deployDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "deploy");

/** Instances per tier: two Directus and two app processes. */
export const INSTANCES = 2;

/** Reads one of deploy/*.env: plain KEY=value lines, which Compose's env_file reads the same way. */
export function readDeployEnv(name) {
  return Object.freeze(parseEnv(readFileSync(join(deployDir, name), "utf8")));
}

/** Directus settings every instance shares whatever the addresses: what a production cluster sets (deploy/directus.env). */
export const DIRECTUS_CLUSTER_ENV = readDeployEnv("directus.env");

/** The app's settings in a cluster whatever the addresses (deploy/app.env). */
export const APP_CLUSTER_ENV = readDeployEnv("app.env");

/**
 * What the cluster tests change on top: hour-long sessions for the e2e flows, so that none of them
 * depends on a lifetime (the lifetime specs run after the restart with BURST_DIRECTUS_ENV); limits
 * no test visitor trips, since every one of them comes from 127.0.0.1; and no pressure limiter,
 * whose 503s (event loop delayed over 500 ms) measure whoever else shares a 2-core test machine.
 */
export const TEST_DIRECTUS_ENV = {
  SESSION_COOKIE_TTL: "1h",
  RATE_LIMITER_POINTS: "100000",
  RATE_LIMITER_DURATION: "1",
  RATE_LIMITER_REGISTRATION_ENABLED: "false",
  PRESSURE_LIMITER_ENABLED: "false",
};

/**
 * The burst's sessions (tests/cluster/burst.test.ts) and the e2e lifetime specs', set by restarting
 * Directus after the e2e flows: a renewal is sent at half-life and must reach Directus before the session ends, so half
 * the lifetime must outlast the slowest request of a busy machine (8 s sessions logged a user out
 * once, under a load of 17 on 2 cores); 12 s still gives five renewals in the burst's 30 s.
 */
export const BURST_DIRECTUS_ENV = {
  SESSION_COOKIE_TTL: "12s",
};

/**
 * Chooses free loopback ports and fresh secrets for a cluster living in `dir`.
 * @param {string} dir an empty folder for the cluster's data, logs and settings file
 * @param {{ directusEnv?: Record<string, string> }} [options] extra Directus settings (default TEST_DIRECTUS_ENV)
 */
export async function createSettings(dir, { directusEnv = TEST_DIRECTUS_ENV } = {}) {
  const port = () => getFreePort();
  const host = "127.0.0.1";
  const directusProxyPort = await port();
  const appProxyPort = await port();
  const appUrl = `http://localhost:${appProxyPort}`;
  // The local OpenID Connect provider (development and tests only), which both Directus instances reach.
  const identityProviderPort = await port();
  const identityProvider = {
    port: identityProviderPort,
    url: `http://${host}:${identityProviderPort}`,
    callbackUrl: `${appUrl}${callbackPath("dev")}`,
    /** The app's settings naming it, read by the apps and (derived, app/lib/identity-providers.ts) by Directus. */
    // IDENTITY_PROVIDER_DEV_FOR_TESTS: the production build refuses the development provider otherwise.
    env: { IDENTITY_PROVIDERS: "dev", IDENTITY_PROVIDER_DEV_ISSUER_URL: `http://${host}:${identityProviderPort}`, IDENTITY_PROVIDER_DEV_FOR_TESTS: "1" },
  };
  const instances = async (prefix) => {
    const list = [];
    for (let i = 1; i <= INSTANCES; i++) {
      const p = await port();
      list.push({ name: `${prefix}${i}`, port: p, url: `http://${host}:${p}`, dataDir: join(dir, `${prefix}${i}`) });
    }
    return list;
  };
  return {
    dir,
    file: join(dir, "cluster.json"),
    logDir: join(dir, "logs"),
    // One mail sink for both Directus instances; the e2e suite reads the links from its folder.
    mail: { port: await port(), dir: join(dir, "mail") },
    postgres: { host, port: await port(), database: "directus", user: "directus", password: secret(), dataDir: join(dir, "postgres") },
    // `appPort`: the app instances' link to Redis (redis.mjs), which the cluster tests can cut.
    redis: { host, port: await port(), appPort: await port(), dataDir: join(dir, "redis") },
    proxy: { directusPort: directusProxyPort, appPort: appProxyPort, statsSocket: join(dir, "haproxy.sock"), logFile: join(dir, "logs", "haproxy.log") },
    directus: {
      /** The proxy in front of the instances: what the app, provisioning and tests use. */
      url: `http://${host}:${directusProxyPort}`,
      instances: await instances("directus"),
      adminEmail: "admin@example.com",
      adminPassword: secret(),
      secret: secret(),
      storageDir: join(dir, "uploads"),
      // APP_URL, the origin Directus's identity-provider callbacks are built on (AUTH_ALLOWED_PUBLIC_URLS)
      // and passkeys belong to, is a per-deployment setting now: directusEnv below has it (directusAccountEnv).
      env: { ...directusEnv, ...identityProvider.env },
    },
    identityProvider,
    app: {
      // "localhost", as a person would type it: browsers keep the production __Host- cookie there over http.
      url: appUrl,
      instances: await instances("app"),
      sessionSecret: randomBytes(32).toString("hex"),
    },
  };
}

/** The environment of every Directus instance (its port is given separately). */
export function directusEnv(settings) {
  const { postgres, redis, directus } = settings;
  return {
    ...DIRECTUS_CLUSTER_ENV,
    DB_HOST: postgres.host,
    DB_PORT: String(postgres.port),
    DB_DATABASE: postgres.database,
    DB_USER: postgres.user,
    DB_PASSWORD: postgres.password,
    REDIS: `redis://${redis.host}:${redis.port}`,
    // The same SECRET everywhere, so a session token from one instance is valid on the other.
    SECRET: directus.secret,
    PUBLIC_URL: directus.url,
    STORAGE_LOCAL_ROOT: directus.storageDir,
    // Only read by the first bootstrap, which creates this admin.
    ADMIN_EMAIL: directus.adminEmail,
    ADMIN_PASSWORD: directus.adminPassword,
    // The app's links on the allow lists, its URL for passkeys, and mail through the sink (production: a real SMTP server).
    ...directusAccountEnv({ appUrl: settings.app.url, smtpPort: settings.mail.port }),
    ...directus.env,
  };
}

/** The environment of every app instance (production build; its port is given separately). */
export function appEnv(settings) {
  return {
    ...APP_CLUSTER_ENV,
    DIRECTUS_URL: settings.directus.url,
    SESSION_SECRET: settings.app.sessionSecret,
    // Both instances count failed logins and mails sent together (app/server/limits/counters.server.ts).
    // Through their link to it, which the cluster tests cut (tests/cluster/redis-outage.test.ts).
    REDIS_URL: `redis://${settings.redis.host}:${settings.redis.appPort}`,
    // The links in Directus's emails name the public URL: the proxy's.
    APP_URL: settings.app.url,
  };
}

/** The variables scripts/lib/cluster/haproxy.cfg reads. */
export function haproxyEnv(settings) {
  const [directus1, directus2] = settings.directus.instances;
  const [app1, app2] = settings.app.instances;
  const host = "127.0.0.1";
  return {
    HAPROXY_STATS_SOCKET: settings.proxy.statsSocket,
    DIRECTUS_PROXY_BIND: `${host}:${settings.proxy.directusPort}`,
    DIRECTUS_1_ADDR: `${host}:${directus1.port}`,
    DIRECTUS_2_ADDR: `${host}:${directus2.port}`,
    APP_PROXY_BIND: `${host}:${settings.proxy.appPort}`,
    APP_1_ADDR: `${host}:${app1.port}`,
    APP_2_ADDR: `${host}:${app2.port}`,
  };
}

/** Writes the settings to `settings.file` (readable by root only: it holds the secrets). */
export async function saveSettings(settings) {
  await writeFile(settings.file, JSON.stringify(settings, null, 2) + "\n", { mode: 0o600 });
  return settings.file;
}

/** Reads the settings a running cluster wrote. */
export function loadSettings(file) {
  if (!file) throw new Error("no cluster settings: run this through `npm run test:cluster` (CLUSTER_SETTINGS is unset)");
  return JSON.parse(readFileSync(file, "utf8"));
}

function secret() {
  return randomBytes(24).toString("base64url");
}
