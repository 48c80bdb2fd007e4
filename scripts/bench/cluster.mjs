// The cluster mode (BENCH_TARGET=cluster): the cluster of `npm run test:cluster` (scripts/lib/cluster/:
// PostgreSQL, Redis, two Directus instances, two app instances, HAProxy in front of each tier), and
// through its proxies, in alternating slices, a page with one app instance in rotation, with two,
// and the same Directus request sent through the Directus proxy with the same user's token (the
// floor, as in the single mode) and with a session token like the app's (the floor plus the session
// lookup the app's requests cost Directus). Every process's CPU is sampled with its children
// (PostgreSQL's backends), and so is the whole machine: CPU ms per request × requests per second =
// the cores each tier keeps busy.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster } from "../lib/cluster/cluster.mjs";
import { createSettings, TEST_DIRECTUS_ENV } from "../lib/cluster/settings.mjs";
import { root } from "../lib/runtime.mjs";
import { buildSnapshot } from "./build.mjs";
import { onCleanup } from "./cleanup.mjs";
import { clusterRow, printClusterReport } from "./cluster-report.mjs";
import { processTreeCpu } from "./cpu.mjs";
import { benchPages, discoverDirectusRequests, pageSummary } from "./discover.mjs";
import { measureSides, warmUpPages } from "./load.mjs";
import { APP_NODE_ARGS, BASELINE, CONCURRENCY, DURATION, PAGES, SOURCE, WARMUP } from "./options.mjs";
import { failedRows } from "./report.mjs";
import { directusLogin, directusSessionToken, seed } from "./seed.mjs";

const log = (line) => console.log(`» ${line}`);

/**
 * The cluster tests' Directus settings (rate limits no single client trips, no pressure limiter),
 * but with Directus's default day-long sessions: the load generator replays one cookie, and once
 * its session came due the app would renew it on every request (the renewed cookie never reaches
 * autocannon).
 */
const BENCH_DIRECTUS_ENV = { ...TEST_DIRECTUS_ENV, SESSION_COOKIE_TTL: "1d" };

export async function benchCluster() {
  if (BASELINE) throw new Error("BENCH_BASELINE compares two checkouts in the single mode only; unset it or BENCH_TARGET");
  const loadBefore = loadavg();

  log("building the app (react-router build, in a snapshot of the source)");
  const appDir = await buildSnapshot(SOURCE);

  log("starting the cluster: PostgreSQL, Redis, HAProxy, 2 Directus and 2 app instances");
  const dir = await mkdtemp(join(tmpdir(), "bench-cluster-"));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const settings = await createSettings(dir, { directusEnv: BENCH_DIRECTUS_ENV });
  const cluster = await startCluster(settings, { appDir, appNodeArgs: APP_NODE_ARGS, log: (line) => log(`cluster: ${line}`) });
  onCleanup(() => cluster.stop());

  const directusUrl = settings.directus.url;
  // The proxy's own address: "localhost" (settings.app.url) may resolve to ::1, where HAProxy does not listen.
  const appUrl = `http://127.0.0.1:${settings.proxy.appPort}`;
  // Provisioned again without email verification, as in the single mode: that only changes whether
  // users may set their own status, which no measured page touches.
  const { users, reader, postPath } = await seed({ url: directusUrl, email: settings.directus.adminEmail, password: settings.directus.adminPassword });
  // A cookie sealed with the cluster's secret opens on every app instance.
  const { cookie, discovered } = await discoverDirectusRequests({ appDir, directusUrl, sessionSecret: settings.app.sessionSecret, users, paths: ["/dashboard", postPath] });
  const floorHeaders = { Authorization: `Bearer ${await directusLogin(directusUrl, reader)}` };
  const sessionFloorHeaders = { Authorization: `Bearer ${await directusSessionToken(directusUrl, reader)}` };

  const rotation = appRotation(cluster, settings.app.instances.map((instance) => instance.name));
  const rotationCheck = await rotation.check(`${appUrl}/dashboard`, cookie);
  log(`rotation checked through the proxy: ${rotationCheck.map(({ inRotation, servedBy }) => `${inRotation} in rotation → ${JSON.stringify(servedBy)}`).join("; ")}`);

  const pids = {
    app1: cluster.apps[0]?.pid,
    app2: cluster.apps[1]?.pid,
    directus1: cluster.directus[0]?.pid,
    directus2: cluster.directus[1]?.pid,
    postgres: cluster.services.postgres?.pid,
    redis: cluster.services.redis?.pid,
    haproxy: cluster.services.haproxy?.pid,
    "load generator": process.pid,
  };
  const missing = Object.entries(pids).filter(([, pid]) => !pid).map(([name]) => name);
  if (missing.length) throw new Error(`no PID for ${missing.join(", ")}`);
  const sampleCpu = processTreeCpu(pids);

  const pages = await benchPages({ postPath, discovered, appUrl, cookie, pagesWanted: PAGES, log });
  for (const page of pages) {
    const app = { url: `${appUrl}${page.path}`, headers: { Cookie: cookie } };
    page.sides = {
      "1 app": { ...app, prepare: () => rotation.set(1) },
      "2 apps": { ...app, prepare: () => rotation.set(2) },
      "Directus floor": { url: `${directusUrl}${page.floorPath}`, headers: floorHeaders },
      "Directus floor, session token": { url: `${directusUrl}${page.floorPath}`, headers: sessionFloorHeaders },
    };
  }

  await warmUpPages(pages, { seconds: WARMUP, connections: Math.max(...CONCURRENCY), sampleCpu, log });

  const load = [];
  for (const connections of CONCURRENCY) {
    for (const page of pages) {
      log(`c=${connections} ${page.name}: ${page.path} through the app proxy with 1 and 2 app instances / GET ${page.floorPath} through the Directus proxy, with an access and a session token`);
      const measured = await measureSides(page.sides, connections, { duration: DURATION, sampleCpu });
      load.push(clusterRow({ page: page.name, connections, measured }));
    }
  }

  const results = {
    date: new Date().toISOString(),
    target: "cluster",
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    node: process.version,
    cores: cpus().length,
    loadAverage: { before: loadBefore, after: loadavg() },
    pages: pages.map(pageSummary),
    rotationCheck,
    load,
  };
  await writeFile(join(root, "bench-results-cluster.json"), JSON.stringify(results, null, 2) + "\n");
  printClusterReport(results);

  const failed = failedRows(load, ["oneApp", "twoApps", "floor", "sessionFloor"]);
  if (failed.length) {
    console.error(`\nFAILED: errors under load in ${failed.map((row) => `${row.page} c=${row.connections}`).join(", ")}; logs in ${settings.logDir} until the cluster stops`);
    process.exitCode = 1;
  }
}

/**
 * How many app instances HAProxy sends requests to: the first `count` at their configured weight,
 * the others at weight 0 (running, warm and health-checked, but given no requests).
 */
function appRotation(cluster, servers) {
  let current = servers.length;
  const set = async (count) => {
    if (count === current) return;
    for (const [i, server] of servers.entries()) await cluster.setWeight(server, i < count ? "100%" : "0");
    current = count;
  };
  /** Sets each rotation in turn and counts which instance answered 20 requests (X-Served-By). */
  const check = async (url, cookie) => {
    const seen = [];
    for (const count of [1, servers.length]) {
      await set(count);
      const servedBy = {};
      for (let i = 0; i < 20; i++) {
        const response = await fetch(url, { headers: { Cookie: cookie } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET ${url} through the proxy answered ${response.status}`);
        const server = response.headers.get("x-served-by") ?? "?";
        servedBy[server] = (servedBy[server] ?? 0) + 1;
      }
      const expected = servers.slice(0, count);
      if (Object.keys(servedBy).sort().join() !== [...expected].sort().join()) {
        throw new Error(`with ${count} app instance(s) in rotation, requests were served by ${JSON.stringify(servedBy)}, not by ${expected.join(" and ")}`);
      }
      seen.push({ inRotation: count, servedBy });
    }
    return seen;
  };
  return { set, check };
}
