// BENCH_NEXTJS=1: the Next.js tutorial this app grew from, rebuilt in nextjs-tutorial/ from the
// tutorial's text, as one more side of the single mode (README, How this compares with the Next.js
// tutorial). It is never a dependency of the app: its own package.json and lockfile are installed
// into a git-ignored scratch folder (.local/bench-nextjs-tutorial/), again only when the lockfile
// changed, then built (`next build`) and started (`next start`, production) on the benchmark's
// Directus, and signed in the way the tutorial does: its login form posted to /api/auth/login.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { getFreePort } from "../lib/directus-process.mjs";
import { peakRss } from "./cpu.mjs";
import { firstLoadJs } from "./first-load.mjs";
import { root } from "../lib/runtime.mjs";
import { onCleanup } from "./cleanup.mjs";
import { startRecordingProxy } from "./discover.mjs";
import { PASSWORD } from "./seed.mjs";

/** The side's name in the slices, the CPU sampler and the report. */
export const NEXT_SIDE = "Next.js tutorial";

const source = join(dirname(fileURLToPath(import.meta.url)), "nextjs-tutorial");
export const scratch = join(root, ".local", "bench-nextjs-tutorial");
const SOURCES = ["app", "lib", "next.config.ts", "tsconfig.json"];
const INSTALLED = ".installed-lockfile-sha256";
const nextBin = join(scratch, "node_modules", "next", "dist", "bin", "next");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

function run(command, args, options) {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "inherit"], env, ...options });
    onCleanup(async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
    });
    child.once("error", fail);
    child.once("exit", (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}

/** Installs the tutorial's pinned packages (skipped when the same lockfile is installed) and builds it. */
export async function buildNextTutorial(log) {
  const lockfile = await readFile(join(source, "package-lock.json"));
  const hash = createHash("sha256").update(lockfile).digest("hex");
  const installed = await readFile(join(scratch, INSTALLED), "utf8").catch(() => "");
  await mkdir(scratch, { recursive: true });
  if (installed.trim() !== hash) {
    log(`installing the Next.js tutorial's packages into ${scratch} (npm ci)`);
    await cp(join(source, "package.json"), join(scratch, "package.json"));
    await cp(join(source, "package-lock.json"), join(scratch, "package-lock.json"));
    // The npm that runs `npm run bench`, under the project's Node.
    const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ["npm", []];
    await run(npm[0], [...npm[1], "ci", "--no-audit", "--no-fund"], { cwd: scratch });
    await writeFile(join(scratch, INSTALLED), `${hash}\n`);
  }
  // A fresh copy of the sources on every run, like the app's snapshot build.
  for (const entry of [...SOURCES, ".next"]) await rm(join(scratch, entry), { recursive: true, force: true });
  for (const entry of SOURCES) await cp(join(source, entry), join(scratch, entry), { recursive: true });
  log("building the Next.js tutorial (next build)");
  await run(process.execPath, [nextBin, "build"], { cwd: scratch });
  return scratch;
}

/** `next start` (one process, `next-server`) on a free port against `directusUrl`; waits until it answers. */
export async function startNextTutorial(directusUrl, { timeoutMs = 60_000 } = {}) {
  const port = await getFreePort();
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: scratch,
    env: { ...env, NODE_ENV: "production", DIRECTUS_URL: directusUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  // The tutorial logs the whole login response (its token included) and every error: kept, not shown.
  child.stdout.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  const exited = new Promise((done) => child.once("exit", done));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await exited;
  };
  onCleanup(stop);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`next start did not answer within ${timeoutMs} ms:\n${output}`);
    if (await fetch(`${url}/login`).then((response) => response.arrayBuffer().then(() => true), () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, pid: child.pid, stop, output: () => output };
}

/** Posts the tutorial's login form; returns the Cookie header its redirect sets (the raw access token). */
export async function nextTutorialLogin(url, email) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: PASSWORD }),
  });
  await response.arrayBuffer();
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0])
    .find((pair) => pair.startsWith("directus_session_token="));
  if (response.status !== 307 || !cookie) throw new Error(`login through the Next.js tutorial failed for ${email}: ${response.status}`);
  return cookie;
}

/**
 * The Next.js side: built, then run once behind a recording proxy to count the Directus requests each
 * of `paths` makes per view, then started for the load. Returns its URL, pid, the session cookie and
 * the counts.
 */
export async function startNextTutorialSide({ directusUrl, email, paths, log }) {
  await buildNextTutorial(log);
  const proxy = await startRecordingProxy(directusUrl);
  const probe = await startNextTutorial(proxy.url);
  const probeCookie = await nextTutorialLogin(probe.url, email);
  const directusRequests = {};
  for (const path of paths) {
    proxy.seen.length = 0;
    const views = 3;
    for (let i = 0; i < views; i++) {
      const response = await fetch(`${probe.url}${path}`, { headers: { Cookie: probeCookie } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`Next.js tutorial: GET ${path} answered ${response.status}:\n${probe.output()}`);
    }
    directusRequests[path] = { perView: proxy.seen.length / views, requests: proxy.seen.slice(0, proxy.seen.length / views) };
  }
  await probe.stop();
  await proxy.close();

  log("starting the Next.js tutorial (next start)");
  const server = await startNextTutorial(directusUrl);
  const cookie = await nextTutorialLogin(server.url, email);
  return { ...server, cookie, directusRequests };
}

/** What a row of the load (a page at a concurrency) holds for this side. */
export function nextTutorialRow(measured) {
  return { nextjsTutorial: measured[NEXT_SIDE], nextjsTutorialRatio: measured[NEXT_SIDE].rps / measured.floor.rps };
}

/** After the load: peak memory, its login page's first-load JavaScript, the Directus requests per view. */
export async function nextTutorialResults(tutorial, { pages, log }) {
  const rss = await peakRss(tutorial.pid);
  log("first-load JavaScript: the Next.js tutorial's login page");
  const login = await firstLoadJs(tutorial.url, "/login");
  const versions = JSON.parse(await readFile(join(source, "package.json"), "utf8")).dependencies;
  return {
    versions,
    peakRssMb: rss.hwmMb,
    firstLoad: { login },
    pages: pages.map((page) => ({
      name: page.name,
      path: page.path,
      directusRequestsPerView: tutorial.directusRequests[page.path].perView,
      directusRequests: tutorial.directusRequests[page.path].requests.map((request) => `${request.method} ${request.path}`),
    })),
  };
}
