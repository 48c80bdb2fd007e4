// The single mode: one throwaway Directus on SQLite, and in front of it the app, a bare React Router
// app, a pass-through server and nothing (the floor), measured side by side (README, Performance).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getFreePort, startDirectus } from "../lib/directus-process.mjs";
import { benchMarkdown } from "../lib/markdown-bench.mjs";
import { root } from "../lib/runtime.mjs";
import { buildSnapshot } from "./build.mjs";
import { onCleanup } from "./cleanup.mjs";
import { peakRss, processCpu } from "./cpu.mjs";
import { benchPages, discoverDirectusRequests, pageSummary } from "./discover.mjs";
import { firstLoadJs } from "./first-load.mjs";
import { measureSides, warmUpPages } from "./load.mjs";
import { writeChart } from "./chart.mjs";
import { NEXT_SIDE, nextTutorialResults, nextTutorialRow, startNextTutorialSide } from "./nextjs.mjs";
import { APP_NODE_ARGS, BASELINE, CONCURRENCY, DURATION, NEXTJS, PAGES, SOURCE, WARMUP } from "./options.mjs";
import { failedRows } from "./report.mjs";
import { appLogin, directusLogin, seed } from "./seed.mjs";
import { startBareApp, startBenchApp, startPassThrough } from "./servers.mjs";
import { printSingleReport } from "./single-report.mjs";
import { formatStages, measureStages } from "./stages.mjs";

const BASELINE_SIDE = "app (baseline)";
const log = (line) => console.log(`» ${line}`);

export async function benchSingle() {
  log("building the app (react-router build, in a snapshot of the source)");
  const appDir = await buildSnapshot(SOURCE);

  log("starting a throwaway Directus");
  const dataDir = await mkdtemp(join(tmpdir(), "directus-bench-"));
  onCleanup(() => rm(dataDir, { recursive: true, force: true }));
  const directus = await startDirectus({
    port: await getFreePort(),
    dataDir,
    env: { RATE_LIMITER_ENABLED: "false", RATE_LIMITER_REGISTRATION_ENABLED: "false" },
    log: (line) => process.env.DEBUG_DIRECTUS && console.log(`[directus] ${line}`),
  });
  onCleanup(() => directus.stop());
  const { users, reader, postPath } = await seed({ url: directus.url, email: directus.adminEmail, password: directus.adminPassword });

  // Discovery: the app behind a recording proxy, to learn exactly which Directus requests each page makes.
  const sessionSecret = randomBytes(32).toString("hex");
  const { cookie, discovered } = await discoverDirectusRequests({ appDir, directusUrl: directus.url, sessionSecret, users, paths: ["/dashboard", postPath] });

  log("starting the production app");
  const app = await startBenchApp({ appDir, directusUrl: directus.url, sessionSecret, nodeArgs: APP_NODE_ARGS });

  // The floor uses the same user's token from Directus's own login; so does the pass-through server.
  const floorHeaders = { Authorization: `Bearer ${await directusLogin(directus.url, reader)}` };
  const passThrough = await startPassThrough(directus.url, floorHeaders.Authorization);
  log("building and starting a bare React Router app");
  const bareApp = await startBareApp(directus.url, floorHeaders.Authorization);
  const watched = { app: app.pid, "bare React Router": bareApp.pid, "pass-through": passThrough.pid, directus: directus.pid, "load generator": process.pid };
  let baseline = null;
  if (BASELINE) {
    log(`building and starting the baseline app from ${BASELINE}`);
    const baselineApp = await startBenchApp({ appDir: await buildSnapshot(BASELINE), directusUrl: directus.url, sessionSecret });
    baseline = { url: baselineApp.url, cookie: await appLogin(baselineApp.url, reader) };
    watched[BASELINE_SIDE] = baselineApp.pid;
  }
  let tutorial = null;
  if (NEXTJS) {
    tutorial = await startNextTutorialSide({ directusUrl: directus.url, email: reader, paths: ["/dashboard", postPath], log });
    watched[NEXT_SIDE] = tutorial.pid;
  }
  const sampleCpu = processCpu(watched);

  const pages = await benchPages({ postPath, discovered, appUrl: app.url, cookie, pagesWanted: PAGES, log });
  for (const page of pages) {
    page.sides = {
      app: { url: `${app.url}${page.path}`, headers: { Cookie: cookie } },
      "bare React Router": { url: `${bareApp.url}/directus${page.floorPath}`, headers: {} },
      "pass-through": { url: `${passThrough.url}${page.floorPath}`, headers: {} },
      floor: { url: `${directus.url}${page.floorPath}`, headers: floorHeaders },
    };
    if (baseline) page.sides[BASELINE_SIDE] = { url: `${baseline.url}${page.path}`, headers: { Cookie: baseline.cookie } };
    if (tutorial) page.sides[NEXT_SIDE] = { url: `${tutorial.url}${page.path}`, headers: { Cookie: tutorial.cookie } };
  }

  await warmUpPages(pages, { seconds: WARMUP, connections: Math.max(...CONCURRENCY), sampleCpu, log });

  const load = [];
  for (const connections of CONCURRENCY) {
    for (const page of pages) {
      log(`c=${connections} ${page.name}: app ${page.path} / bare React Router, pass-through and floor GET ${page.floorPath}`);
      const measured = await measureSides(page.sides, connections, { duration: DURATION, sampleCpu });
      load.push({
        page: page.name,
        connections,
        app: measured.app,
        bareReactRouter: measured["bare React Router"],
        passThrough: measured["pass-through"],
        floor: measured.floor,
        ratio: measured.app.rps / measured.floor.rps,
        bareReactRouterRatio: measured["bare React Router"].rps / measured.floor.rps,
        passThroughRatio: measured["pass-through"].rps / measured.floor.rps,
        ...(baseline ? { baseline: measured[BASELINE_SIDE], baselineRatio: measured[BASELINE_SIDE].rps / measured.floor.rps } : {}),
        ...(tutorial ? nextTutorialRow(measured) : {}),
      });
    }
  }
  const rss = await peakRss(app.pid);

  const stages = await measureStages({ appDir, directusUrl: directus.url, sessionSecret, reader, pages, log });

  log("first-load JavaScript: the app's login page, then the bare app's form page");
  const login = await firstLoadJs(app.url, "/login");
  const bare = await firstLoadJs(bareApp.url, "/");

  const nextjsTutorial = tutorial ? await nextTutorialResults(tutorial, { pages, log }) : null;

  log("Markdown: the slowest post of the hostile corpus at the content limit");
  const markdown = await benchMarkdown(SOURCE);

  const results = {
    date: new Date().toISOString(),
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    baseline: BASELINE ?? null,
    node: process.version,
    pages: pages.map(pageSummary),
    ...(nextjsTutorial ? { nextjsTutorial } : {}),
    load,
    appPeakRssMb: rss.hwmMb,
    firstLoad: { login, bare, ratioGzip: login.jsGzip / bare.jsGzip, ratioRaw: login.jsRaw / bare.jsRaw },
    markdown,
    stages,
  };
  await writeFile(join(root, "bench-results.json"), JSON.stringify(results, null, 2) + "\n");
  await writeChart(results, join(root, "bench-chart.svg"));
  printSingleReport(results, { baselineSide: BASELINE_SIDE, verbose: Boolean(process.env.BENCH_VERBOSE) });
  console.log(formatStages(stages));

  const failed = failedRows(load, ["app", "baseline", "nextjsTutorial", "bareReactRouter", "passThrough", "floor"]);
  if (failed.length) {
    console.error(`\nFAILED: errors under load in ${failed.map((row) => `${row.page} c=${row.connections}`).join(", ")}`);
    if (process.env.DEBUG_APP) console.error(app.output());
    process.exitCode = 1;
  }
}
