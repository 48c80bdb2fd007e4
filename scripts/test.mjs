// npm test: the production build first (the hardening tests and Playwright run it), then unit,
// integration and hardening tests (Vitest), then end-to-end tests (Playwright, both JavaScript
// modes). Ends with one line: "N passed, N failed". A machine without a Chromium gets Playwright's,
// or stops before anything runs with one line saying what to install.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertPinnedNode, root } from "./lib/runtime.mjs";

assertPinnedNode();
// Imported once the Node is known to strip TypeScript types.
const { ensureChromium } = await import("../tests/support/chromium.ts");
const browser = await ensureChromium({ root });
if ("problem" in browser) {
  console.error(`npm test: ${browser.problem}`);
  process.exit(1);
}
const reports = mkdtempSync(join(tmpdir(), "test-reports-"));
const bin = (name) => join(root, "node_modules", ".bin", name);
const run = (command, args, env = {}) =>
  spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;

const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

function readJson(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
}

const built = run(bin("react-router"), ["build"]) === 0;
if (!built) problems.push("the production build failed");

// Vitest: unit + integration + hardening projects (hardening starts the build made above).
const vitestJson = join(reports, "vitest.json");
const vitestStatus = run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`]);
const vitest = readJson(vitestJson);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
}
if (vitestStatus !== 0 || !vitest) problems.push(`vitest exited with ${vitestStatus}`);

// Playwright against the same production build.
if (built) {
  const playwrightJson = join(reports, "playwright.json");
  const playwrightStatus = run(bin("playwright"), ["test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson });
  const playwright = readJson(playwrightJson);
  if (playwright) {
    totals.passed += playwright.stats.expected;
    totals.failed += playwright.stats.unexpected + playwright.stats.flaky;
    totals.skipped += playwright.stats.skipped;
  }
  if (playwrightStatus !== 0 || !playwright) problems.push(`playwright exited with ${playwrightStatus}`);
}

rmSync(reports, { recursive: true, force: true });
for (const problem of problems) console.error(`npm test: ${problem}`);
if (totals.failed === 0 && problems.length > 0) totals.failed = 1; // a crashed runner is a failure, never a pass
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
process.exit(problems.length > 0 || totals.failed > 0 ? 1 : 0);
