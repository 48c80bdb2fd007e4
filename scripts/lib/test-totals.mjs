// The one line `npm test` and `npm run test:cluster` end with ("N passed, N failed[, N skipped]"),
// summed from Vitest's and Playwright's JSON reports. A runner that exits non-zero or writes no
// report is a problem, and a problem with nothing failed still counts as one failure: a crashed
// runner is never a pass.
import { existsSync, readFileSync } from "node:fs";

export function createTotals() {
  return { passed: 0, failed: 0, skipped: 0, problems: [] };
}

const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null);

/** Adds Vitest's JSON report (`--reporter=json --outputFile.json=<file>`). */
export function addVitestReport(totals, file, status) {
  const report = readJson(file);
  if (report) {
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + report.numTodoTests;
  }
  if (status !== 0 || !report) totals.problems.push(`vitest exited with ${status}`);
}

/** Adds Playwright's JSON report (PLAYWRIGHT_JSON_OUTPUT_NAME); a flaky test counts as failed. */
export function addPlaywrightReport(totals, file, status) {
  const report = readJson(file);
  if (report) {
    totals.passed += report.stats.expected;
    totals.failed += report.stats.unexpected + report.stats.flaky;
    totals.skipped += report.stats.skipped;
  }
  if (status !== 0 || !report) totals.problems.push(`playwright exited with ${status}`);
}

/**
 * Adds what another of these scripts printed last: its "N passed, N failed[, N skipped]" line. A
 * part with no such line, or that exited non-zero, is a problem.
 */
export function addSummaryLine(totals, name, output, status) {
  const lines = [...output.matchAll(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)];
  const last = lines.at(-1);
  if (last) {
    totals.passed += Number(last[1]);
    totals.failed += Number(last[2]);
    totals.skipped += Number(last[3] ?? 0);
  }
  if (status !== 0 || !last) totals.problems.push(`${name} exited with ${status}${last ? "" : " before its summary"}`);
}

export function isGreen(totals) {
  return totals.problems.length === 0 && totals.failed === 0;
}

export function summaryLine(totals) {
  const failed = totals.failed === 0 && totals.problems.length > 0 ? 1 : totals.failed;
  return `${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`;
}
