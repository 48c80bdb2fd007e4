// npm test: the production build first (the hardening tests and Playwright run it), then unit,
// integration and hardening tests (Vitest), then end-to-end tests (Playwright, both JavaScript
// modes). Ends with one line: "N passed, N failed". A machine without a Chromium gets Playwright's,
// or stops before anything runs with one line saying what to install.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertPinnedNode, root } from "./lib/runtime.mjs";
import { addPlaywrightReport, addVitestReport, createTotals, isGreen, summaryLine } from "./lib/test-totals.mjs";

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

const totals = createTotals();

const built = run(bin("react-router"), ["build"]) === 0;
if (!built) totals.problems.push("the production build failed");

// Vitest: unit + integration + hardening projects (hardening starts the build made above).
const vitestJson = join(reports, "vitest.json");
const vitestStatus = run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`]);
addVitestReport(totals, vitestJson, vitestStatus);

// Playwright against the same production build.
if (built) {
  const playwrightJson = join(reports, "playwright.json");
  const playwrightStatus = run(bin("playwright"), ["test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson });
  addPlaywrightReport(totals, playwrightJson, playwrightStatus);
}

rmSync(reports, { recursive: true, force: true });
for (const problem of totals.problems) console.error(`npm test: ${problem}`);
console.log(`\n${summaryLine(totals)}`);
process.exit(isGreen(totals) ? 0 : 1);
