// The per-layer table (README, Performance, "Per-layer cost"): a second instance of the app, started
// with APP_STAGE_TIMINGS (app/server/http/stage-timings.server.ts), loaded one request at a time so
// each stage's thread CPU is its own, after the main measurement (the instrumented app is never one
// of the measured sides). `BENCH_STAGE_REQUESTS` (default 1500) requests per page, after as many again
// to warm up. `node scripts/bench/main.mjs` runs it; BENCH_STAGE_REQUESTS=0 leaves it out.
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startApp } from "../lib/app-process.mjs";
import { onCleanup } from "./cleanup.mjs";
import { fmt, table } from "./report.mjs";
import { appLogin } from "./seed.mjs";

export const STAGE_REQUESTS = Number(process.env.BENCH_STAGE_REQUESTS ?? 1500);

/** Requests `url` `count` times in a row; returns how many were not answered 200 (a busy machine's Directus timeout). */
async function drive(url, cookie, count) {
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const response = await fetch(url, { headers: { Cookie: cookie } });
    await response.arrayBuffer();
    if (response.status !== 200) failed++;
  }
  if (failed > count / 100) throw new Error(`stage timings: ${url} answered ${failed} of ${count} requests with an error`);
  return failed;
}

/** Asks the app for its counters since the last ask (SIGUSR2) and waits for the file it writes. */
async function snapshot(app, file) {
  await rm(file, { force: true });
  app.process.kill("SIGUSR2");
  for (let tries = 0; tries < 100; tries++) {
    try {
      return JSON.parse(await readFile(file, "utf8"));
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error("stage timings: the app wrote no snapshot");
}

/** Per page: microseconds of the app's main thread per request, by stage; the process's total beside it. */
export async function measureStages({ appDir, directusUrl, sessionSecret, reader, pages, log }) {
  if (!STAGE_REQUESTS) return null;
  const file = join(tmpdir(), `app-stage-timings-${randomBytes(6).toString("hex")}.json`);
  onCleanup(() => rm(file, { force: true }));
  const app = await startApp({ directusUrl, cwd: appDir, env: { SESSION_SECRET: sessionSecret, APP_STAGE_TIMINGS: file } });
  onCleanup(app.stop);
  const cookie = await appLogin(app.url, reader);
  const results = {};
  for (const page of pages) {
    log(`per-layer cost, ${page.name}: ${STAGE_REQUESTS} requests one at a time through an instrumented app, after as many to warm up`);
    await drive(`${app.url}${page.path}`, cookie, STAGE_REQUESTS);
    await snapshot(app, file);
    const failed = await drive(`${app.url}${page.path}`, cookie, STAGE_REQUESTS);
    const counted = await snapshot(app, file);
    const perRequest = (micros) => micros / counted.requests;
    results[page.name] = {
      requests: counted.requests,
      failed,
      threadMicros: perRequest(counted.threadMicros),
      processMicros: perRequest(counted.processMicros),
      stages: Object.fromEntries(counted.stages.map(({ stage, micros, entries }) => [stage, { micros: perRequest(micros), calls: entries / counted.requests }])),
    };
  }
  await app.stop();
  return results;
}

export function formatStages(stages) {
  if (!stages) return "";
  const pages = Object.keys(stages);
  const names = [...new Set(pages.flatMap((page) => Object.keys(stages[page].stages)))];
  const order = (name) => -Math.max(...pages.map((page) => stages[page].stages[name]?.micros ?? 0));
  names.sort((a, b) => order(a) - order(b));
  const cell = (page, name) => {
    const stage = stages[page].stages[name];
    return stage ? fmt.n(stage.micros, 0) : "-";
  };
  return (
    `\nPer-layer cost: the app's main-thread CPU per request, in µs, by stage (one request at a time, APP_STAGE_TIMINGS):\n\n` +
    table([
      ["stage", ...pages],
      ...names.map((name) => [name, ...pages.map((page) => cell(page, name))]),
      ["main thread, all stages", ...pages.map((page) => fmt.n(stages[page].threadMicros, 0))],
      ["process (all threads, /proc)", ...pages.map((page) => fmt.n(stages[page].processMicros, 0))],
    ])
  );
}
