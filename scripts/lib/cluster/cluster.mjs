// The whole cluster on one machine: PostgreSQL, Redis, HAProxy, two Directus instances on that
// database and Redis (bootstrapped once, provisioned through the proxy with the project's own code)
// and two production app instances, every one on the loopback ports chosen in settings.mjs.
// Every process is stopped by its own PID; `stop()` stops them all, also after a failed start.
import { createWriteStream } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startApp } from "../app-process.mjs";
import { startDirectus } from "../directus-process.mjs";
import { startDevIdentityProvider } from "../identity-provider/dev-provider.mjs";
import { startMailSink } from "../mail-sink.mjs";
import { provision } from "../provision.mjs";
import { ensureBinaries } from "./debian.mjs";
import { readStats, setWeight, startHaproxy } from "./haproxy.mjs";
import { startPostgres } from "./postgres.mjs";
import { killOnExit, sleep } from "./process.mjs";
import { startRedis, startRedisLink } from "./redis.mjs";
import { appEnv, directusEnv, saveSettings } from "./settings.mjs";

/**
 * Starts everything; on failure stops what it started and rethrows.
 * @param {import("./settings.mjs").ClusterSettings} settings
 * @param {{ log?: (line: string) => void, appDir?: string, appNodeArgs?: string[] }} [options] `appDir`:
 *   the folder holding the app's server.mjs and build/ (default: the project; the benchmark builds a snapshot)
 */
export async function startCluster(settings, { log = (line) => console.log(`[cluster] ${line}`), appDir, appNodeArgs = [] } = {}) {
  // Readable by the postgres user, which owns its own folder inside.
  await chmod(settings.dir, 0o711);
  await mkdir(settings.logDir, { recursive: true });
  await saveSettings(settings);
  const binaries = ensureBinaries(["initdb", "postgres", "redis-server", "haproxy"], log);

  const base = { postgres: null, redis: null, redisLink: null, haproxy: null, mail: null, identityProvider: null };
  const directus = settings.directus.instances.map(() => null);
  const apps = settings.app.instances.map(() => null);

  const startDirectusInstance = async (index, { bootstrap = false } = {}) => {
    const instance = settings.directus.instances[index];
    const logStream = createWriteStream(join(settings.logDir, `${instance.name}.log`), { flags: "a" });
    const running = await startDirectus({
      port: instance.port,
      dataDir: instance.dataDir,
      env: directusEnv(settings),
      bootstrap,
      log: (line) => logStream.write(`${line}\n`),
    }).catch((error) => {
      logStream.end();
      throw error;
    });
    running.exited.then(() => logStream.end());
    directus[index] = running;
    return running;
  };

  const startAppInstance = async (index) => {
    const instance = settings.app.instances[index];
    const running = await startApp({ directusUrl: settings.directus.url, port: instance.port, env: { ...appEnv(settings), ...settings.identityProvider?.env }, host: "localhost", cwd: appDir, nodeArgs: appNodeArgs });
    killOnExit(running.process);
    const logFile = join(settings.logDir, `${instance.name}.log`);
    running.process.once("exit", () => writeFile(logFile, running.output(), { flag: "a" }).catch(() => {}));
    apps[index] = running;
    return running;
  };

  const cluster = {
    settings,
    /** The running Directus instances (null while stopped), in the settings' order. */
    directus,
    apps,
    /** PostgreSQL, Redis, HAProxy and the mail sink (null once stopped), for their PIDs. */
    services: base,
    stats: () => readStats(settings.proxy.statsSocket),
    /** Weight of a server (app2, directus1…) in its backend: "0" takes it out of the rotation, "100%" puts it back. */
    setWeight: (server, weight) => setWeight(settings.proxy.statsSocket, backendOf(settings, server), server, weight),
    /** Resolves once HAProxy reports this server with this status (UP, DOWN…). */
    waitForStatus: (server, status, timeoutMs = 30_000) => waitForStatus(settings, server, status, timeoutMs),
    stopDirectus: async (index) => {
      // Past SERVER_SHUTDOWN_TIMEOUT (10 s), so Directus's own grace runs out before any SIGKILL.
      await directus[index]?.stop(15_000);
      directus[index] = null;
    },
    startDirectus: (index) => startDirectusInstance(index),
    stopApp: async (index) => {
      await apps[index]?.stop();
      apps[index] = null;
    },
    startApp: (index) => startAppInstance(index),
    /** Closes the app instances' connections to Redis and refuses new ones (Directus keeps its own). */
    cutAppRedis: () => base.redisLink?.cut(),
    restoreAppRedis: () => base.redisLink?.restore(),
    /** Restarts every Directus instance with these settings on top (saved to the settings file). */
    async restartDirectus(env) {
      settings.directus.env = { ...settings.directus.env, ...env };
      await saveSettings(settings);
      await Promise.all(directus.map((_, i) => cluster.stopDirectus(i)));
      await Promise.all(directus.map((_, i) => startDirectusInstance(i)));
      for (const { name } of settings.directus.instances) await cluster.waitForStatus(name, "UP");
      // The apps' /healthz failed while Directus was away: they are back once the proxy sees it pass.
      for (const { name } of settings.app.instances) await cluster.waitForStatus(name, "UP");
    },
    /** Stops every process still running: apps, Directus, then the proxy, Redis and PostgreSQL. */
    async stop() {
      await Promise.allSettled(apps.map((_, i) => cluster.stopApp(i)));
      await Promise.allSettled(directus.map((_, i) => cluster.stopDirectus(i)));
      for (const name of ["haproxy", "redisLink", "redis", "postgres", "mail", "identityProvider"]) {
        await base[name]?.stop().catch(() => {});
        base[name] = null;
      }
    },
  };

  try {
    let started = Date.now();
    base.mail = await startMailSink({ dir: settings.mail.dir, port: settings.mail.port });
    if (settings.identityProvider) {
      const { port, callbackUrl } = settings.identityProvider;
      base.identityProvider = await startDevIdentityProvider({ port, redirectUris: [callbackUrl] });
    }
    base.postgres = await startPostgres(settings, binaries);
    base.redis = await startRedis(settings, binaries);
    base.redisLink = await startRedisLink({ host: settings.redis.host, port: settings.redis.appPort, targetPort: settings.redis.port });
    base.haproxy = await startHaproxy(settings, binaries);
    log(`PostgreSQL, Redis and HAProxy up in ${Date.now() - started} ms`);

    started = Date.now();
    // The first instance bootstraps the empty database; the second only starts on it.
    await startDirectusInstance(0, { bootstrap: true });
    await startDirectusInstance(1);
    for (const { name } of settings.directus.instances) await cluster.waitForStatus(name, "UP");
    log(`2 Directus instances up in ${Date.now() - started} ms`);

    started = Date.now();
    const { changes } = await provision(
      { url: settings.directus.url, email: settings.directus.adminEmail, password: settings.directus.adminPassword },
      { log: () => {}, verifyEmail: true, appUrl: settings.app.url },
    );
    log(`provisioned through the proxy (${changes.length} changes) in ${Date.now() - started} ms`);

    started = Date.now();
    await Promise.all(settings.app.instances.map((_, i) => startAppInstance(i)));
    for (const { name } of settings.app.instances) await cluster.waitForStatus(name, "UP");
    log(`2 app instances up in ${Date.now() - started} ms; app at ${settings.app.url}, Directus at ${settings.directus.url}`);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** The HAProxy backend (haproxy.cfg) a server is in: `app` for the app instances, `directus` for Directus's. */
function backendOf(settings, server) {
  if (settings.app.instances.some((instance) => instance.name === server)) return "app";
  if (settings.directus.instances.some((instance) => instance.name === server)) return "directus";
  throw new Error(`no server ${server} in the cluster`);
}

async function waitForStatus(settings, server, status, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const row = (await readStats(settings.proxy.statsSocket)).find((entry) => entry.server === server);
    last = row ? `${row.status} (${row.checkStatus})` : "not in the stats";
    if (row?.status === status) return;
    await sleep(100);
  }
  throw new Error(`HAProxy did not report ${server} ${status} within ${timeoutMs} ms (last: ${last})`);
}
