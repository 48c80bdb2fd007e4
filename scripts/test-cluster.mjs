// npm run test:cluster: the production build, then the cluster (PostgreSQL, Redis, HAProxy, two
// Directus and two app instances; scripts/lib/cluster/), then against it the Playwright specs
// tagged @cluster and @lifetime (the flows across instances, a session's lifetime) and the cluster
// tests (tests/cluster, Vitest). Stops everything it started, also on failure or
// Ctrl-C, and ends with one line: "N passed, N failed".
// `npm run test:cluster -- e2e` or `-- cluster` runs only that part against the cluster; with
// `-- cluster tests/cluster/x.test.ts` only those cluster test files; `-- --no-build` uses the build there is.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster } from "./lib/cluster/cluster.mjs";
import { serveControl } from "./lib/cluster/control.mjs";
import { BURST_DIRECTUS_ENV, createSettings, TEST_DIRECTUS_ENV } from "./lib/cluster/settings.mjs";
import { assertPinnedNode, root, useCompileCache } from "./lib/runtime.mjs";
import { addPlaywrightReport, addVitestReport, createTotals, failureLines, isGreen, summaryLine } from "./lib/test-totals.mjs";

assertPinnedNode();
useCompileCache();
const args = process.argv.slice(2);
const clusterFiles = args.filter((arg) => arg.endsWith(".ts"));
// `--no-build`: the build is there already (`npm test -- --all` made it, and runs other tests on it meanwhile).
const build = !args.includes("--no-build");
const parts = args.filter((arg) => !arg.endsWith(".ts") && arg !== "--no-build");
const runs = (part) => parts.length === 0 || parts.includes(part);
// The browser first, as npm test does: not after a minute of starting the cluster.
if (runs("e2e")) {
  const { ensureChromium } = await import("../tests/support/chromium.ts");
  const browser = await ensureChromium({ root });
  if ("problem" in browser) {
    console.error(`test:cluster: ${browser.problem}`);
    process.exit(1);
  }
}
const started = Date.now();
const bin = (name) => join(root, "node_modules", ".bin", name);
const totals = createTotals();
let cluster = null;
let control = null;
let child = null;
let dir = null;

/** Runs a command to its end with inherited output; the child is killed if we are interrupted. */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    child = spawn(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    child.once("error", () => resolve(1));
    child.once("exit", (code, signal) => {
      child = null;
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function shutDown() {
  await control?.close();
  control = null;
  await cluster?.stop();
  cluster = null;
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    // A second Ctrl-C exits at once; the exit handlers still kill every child (process.mjs).
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\ntest:cluster: ${signal}, stopping everything`);
    child?.kill("SIGTERM");
    await shutDown();
    if (dir) console.error(`test:cluster: logs kept in ${join(dir, "logs")}`);
    console.log("\n0 passed, 1 failed");
    process.exit(130);
  });
}

/**
 * A part of the Playwright suite against the app proxy (its global setup starts nothing when these
 * are set): `tag` picks the specs whose flows cross instances (@cluster) or a session's lifetime
 * (@lifetime, with the Directus tier's current sessions); the others test the app itself (npm test).
 */
async function runPlaywright(settings, tag) {
  const playwrightJson = join(dir, `playwright${tag}.json`);
  const env = {
    E2E_BASE_URL: settings.app.url,
    E2E_DIRECTUS_URL: settings.directus.url,
    E2E_DIRECTUS_ADMIN_EMAIL: settings.directus.adminEmail,
    E2E_DIRECTUS_ADMIN_PASSWORD: settings.directus.adminPassword,
    E2E_MAIL_DIR: settings.mail.dir,
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
  };
  if (tag === "@lifetime") {
    Object.assign(env, {
      E2E_SHORT_SESSIONS_URL: settings.app.url,
      E2E_SHORT_SESSIONS_MAIL_DIR: settings.mail.dir,
      E2E_SHORT_SESSIONS_TTL_MS: String(parseSeconds(settings.directus.env.SESSION_COOKIE_TTL) * 1000),
      E2E_SHORT_SESSIONS_SECRET: settings.app.sessionSecret,
    });
  }
  // With JavaScript: a browser's document and data requests both go through the proxy. Both modes of
  // each form run in npm test; what the cluster changes (instances, proxy, shared state) is the same.
  addPlaywrightReport(totals, playwrightJson, await run(bin("playwright"), ["test", "--grep", tag, "--project", "js"], env), `playwright ${tag}`);
}

/** "12s" → 12: the only form the cluster's settings use. */
function parseSeconds(ttl) {
  const match = /^(\d+)s$/.exec(ttl ?? "");
  if (!match) throw new Error(`SESSION_COOKIE_TTL "${ttl}" is not in seconds`);
  return Number(match[1]);
}

/** The cluster tests (burst, fault, column sizes); they read the same settings file. */
async function runClusterTests(settings) {
  const vitestJson = join(dir, "vitest.json");
  const vitestStatus = await run(bin("vitest"), ["run", "--project", "cluster", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`, ...clusterFiles], {
    CLUSTER_SETTINGS: settings.file,
    CLUSTER_CONTROL_URL: control.url,
  });
  addVitestReport(totals, vitestJson, vitestStatus, "vitest");
  const summary = join(dir, "burst-summary.txt");
  if (existsSync(summary)) console.log(`\n${readFileSync(summary, "utf8").trim()}`);
}

try {
  if (build && (await run(bin("react-router"), ["build"])) !== 0) throw new Error("the production build failed");

  dir = await mkdtemp(join(tmpdir(), "cluster-"));
  // Hour-long sessions for the flows, so that none of them depends on a lifetime; then the burst's
  // short ones for the lifetime specs and the cluster tests.
  const settings = await createSettings(dir, { directusEnv: runs("e2e") ? TEST_DIRECTUS_ENV : { ...TEST_DIRECTUS_ENV, ...BURST_DIRECTUS_ENV } });
  cluster = await startCluster(settings);
  control = await serveControl(cluster);
  console.log(`[cluster] up in ${((Date.now() - started) / 1000).toFixed(1)} s (with the build); logs in ${settings.logDir}`);

  if (runs("e2e")) {
    await runPlaywright(settings, "@cluster");
    const restarted = Date.now();
    await cluster.restartDirectus(BURST_DIRECTUS_ENV);
    console.log(`[cluster] Directus restarted with ${JSON.stringify(BURST_DIRECTUS_ENV)} in ${((Date.now() - restarted) / 1000).toFixed(1)} s`);
    await runPlaywright(settings, "@lifetime");
  }
  if (runs("cluster")) await runClusterTests(settings);
} catch (error) {
  totals.problems.push(error instanceof Error ? error.message : String(error));
} finally {
  await shutDown();
}

const failed = !isGreen(totals);
// Logs stay behind when something failed, for a look at what each process said.
if (dir && !failed) await rm(dir, { recursive: true, force: true });
for (const problem of totals.problems) console.error(`test:cluster: ${problem}`);
if (dir && failed) console.error(`test:cluster: logs kept in ${join(dir, "logs")}`);
console.log(`test:cluster took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(["", ...failureLines(totals, root), summaryLine(totals)].join("\n"));
process.exit(failed ? 1 : 0);
