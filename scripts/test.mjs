// npm test: the production build first (the hardening tests and Playwright run it), then Vitest's
// unit, integration and hardening tests, then end-to-end tests (Playwright, both JavaScript modes).
// Ends with one line: "N passed, N failed". A machine without a Chromium gets Playwright's, or stops
// before anything runs with one line saying what to install.
//
// `npm test -- --all` (what CI runs) adds `npm run test:cluster` and `npm run test:image`, after the rest.
//
// The order is chosen for a 2-core machine: most hardening files spend their time waiting (stall
// times, expiry windows, limiters), so after the unit tests they run three at a time, beside the
// integration files (one Directus, one file at a time), each part's output printed whole as it
// ends; then the files that measure time or memory run alone; then Playwright; then, with --all,
// the cluster and the image.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertPinnedNode, root, useCompileCache } from "./lib/runtime.mjs";
import { addPlaywrightReport, addSummaryLine, addVitestReport, createTotals, failureLines, isGreen, summaryLine } from "./lib/test-totals.mjs";

assertPinnedNode();
useCompileCache();
const all = process.argv.slice(2).includes("--all");
// Imported once the Node is known to strip TypeScript types.
const { ensureChromium } = await import("../tests/support/chromium.ts");
const browser = await ensureChromium({ root });
if ("problem" in browser) {
  console.error(`npm test: ${browser.problem}`);
  process.exit(1);
}
console.log(`npm test: the browser tests drive ${browser.found.executablePath} (${browser.found.source})`);
if (all) {
  // The cluster's and the image's Debian packages first: a missing one stops the run before an hour of tests.
  const { ensureBinaries } = await import("./lib/cluster/debian.mjs");
  const { ensureTools } = await import("./lib/image/podman.mjs");
  ensureBinaries(["initdb", "postgres", "redis-server", "haproxy"]);
  await ensureTools();
}
const started = Date.now();
const reports = mkdtempSync(join(tmpdir(), "test-reports-"));
const bin = (name) => join(root, "node_modules", ".bin", name);
const took = [];

/**
 * Runs one part to its end. `quiet` parts write to a log, printed whole once the part ends, so parts
 * that run side by side never interleave their lines. Resolves to the exit status and the output.
 */
function run(name, command, args, { env = {}, quiet = false } = {}) {
  const partStarted = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit", env: { ...process.env, ...env } });
    let output = "";
    if (quiet) {
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
    }
    const done = (status) => {
      const seconds = (Date.now() - partStarted) / 1000;
      took.push(`${name} ${seconds.toFixed(0)} s`);
      if (quiet) process.stdout.write(`\n──── ${name} (${seconds.toFixed(0)} s) ────\n${output}\n`);
      resolve({ status, output });
    };
    child.once("error", (error) => {
      output += `${error}\n`;
      done(1);
    });
    child.once("exit", (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

/** A Vitest run of some projects, its JSON report added to the totals. */
async function vitest(totals, name, projects, options) {
  const json = join(reports, `${name}.json`);
  const projectArgs = projects.flatMap((project) => ["--project", project]);
  const { status } = await run(name, bin("vitest"), ["run", ...projectArgs, "--reporter=default", "--reporter=json", `--outputFile.json=${json}`], options);
  addVitestReport(totals, json, status, name);
}

/** One of the npm scripts that end with their own "N passed, N failed" line. */
async function npmPart(totals, name, args) {
  const { status, output } = await run(name, "npm", ["run", ...args], { quiet: true });
  addSummaryLine(totals, name, output, status);
}

const totals = createTotals();
const built = (await run("build", bin("react-router"), ["build"])).status === 0;
if (!built) totals.problems.push("the production build failed");

await Promise.all([
  // Hardening starts the build made above.
  vitest(totals, "unit and hardening", ["unit", "hardening"]),
  vitest(totals, "integration", ["integration"], { quiet: true }),
]);
await vitest(totals, "hardening (measured alone)", ["hardening-timed"]);

if (built) {
  const json = join(reports, "playwright.json");
  const { status } = await run("playwright", bin("playwright"), ["test"], { env: { PLAYWRIGHT_JSON_OUTPUT_NAME: json } });
  addPlaywrightReport(totals, json, status, "playwright");
}

// The cluster and the image last, one after the other: side by side with the rest they saturated
// the 2 cores and turned waits into failures (a run measured it).
if (all && built) {
  await npmPart(totals, "test:cluster", ["test:cluster", "--", "--no-build"]);
  await npmPart(totals, "test:image", ["test:image"]);
}

rmSync(reports, { recursive: true, force: true });
for (const problem of totals.problems) console.error(`npm test: ${problem}`);
console.log(`\nnpm test took ${((Date.now() - started) / 1000).toFixed(0)} s: ${took.join(", ")}`);
console.log(["", ...failureLines(totals, root), summaryLine(totals)].join("\n"));
process.exit(isGreen(totals) ? 0 : 1);
