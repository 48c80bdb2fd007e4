// The one line `npm test` and `npm run test:cluster` end with ("N passed, N failed[, N skipped]"),
// summed from Vitest's and Playwright's JSON reports. A runner that exits non-zero or writes no
// report is a problem, and a problem with nothing failed still counts as one failure: a crashed
// runner is never a pass. The failed tests are named too (`failureLines`), printed next to that line:
// CI keeps only the tail of a run's output.
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";

export function createTotals() {
  return { passed: 0, failed: 0, skipped: 0, problems: [], failures: [] };
}

const firstLine = (text) => String(text ?? "").split("\n")[0].trim();
const prefix = (part) => (part ? `[${part}] ` : "");

const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null);

/** A Vitest test's describe blocks and title, " › " between them. */
const testName = (test) => (test.title ? [...(test.ancestorTitles ?? []), test.title].join(" › ") : test.fullName);

/**
 * Adds Vitest's JSON report (`--reporter=json --outputFile.json=<file>`). `part` names the run in the
 * failed tests' lines and the problems. A file that failed outside its tests (a hook, an import) is
 * named with its error's first line.
 */
export function addVitestReport(totals, file, status, part) {
  const report = readJson(file);
  if (report) {
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + report.numTodoTests;
    for (const result of report.testResults ?? []) {
      const failedTests = (result.assertionResults ?? []).filter((test) => test.status === "failed");
      for (const test of failedTests) totals.failures.push({ part, where: result.name, what: ` › ${testName(test)}` });
      if (result.status === "failed" && failedTests.length === 0) totals.failures.push({ part, where: result.name, what: `: ${firstLine(result.message)}` });
    }
  }
  if (status !== 0 || !report) totals.problems.push(`${part ? `${part}: ` : ""}vitest exited with ${status}`);
}

/** Playwright's specs under a suite and its nested suites, with the titles above each. */
function* playwrightSpecs(suite, titles = []) {
  const path = suite.title && suite.title !== suite.file ? [...titles, suite.title] : titles;
  for (const spec of suite.specs ?? []) yield { spec, titles: path };
  for (const child of suite.suites ?? []) yield* playwrightSpecs(child, path);
}

/** Adds Playwright's JSON report (PLAYWRIGHT_JSON_OUTPUT_NAME); a flaky test counts as failed. */
export function addPlaywrightReport(totals, file, status, part) {
  const report = readJson(file);
  if (report) {
    totals.passed += report.stats.expected;
    totals.failed += report.stats.unexpected + report.stats.flaky;
    totals.skipped += report.stats.skipped;
    for (const error of report.errors ?? []) totals.failures.push({ part, what: firstLine(error.message) });
    for (const suite of report.suites ?? []) {
      for (const { spec, titles } of playwrightSpecs(suite)) {
        for (const test of spec.tests ?? []) {
          if (test.status !== "unexpected" && test.status !== "flaky") continue;
          const name = [spec.file, ...titles, spec.title].join(" › ");
          totals.failures.push({ part, what: `[${test.projectName}] ${name}${test.status === "flaky" ? " (flaky)" : ""}` });
        }
      }
    }
  }
  if (status !== 0 || !report) totals.problems.push(`${part ? `${part}: ` : ""}playwright exited with ${status}`);
}

/**
 * Adds what another of these scripts printed last: its "N passed, N failed[, N skipped]" line. A
 * part with no such line, or that exited non-zero, is a problem.
 */
export function addSummaryLine(totals, name, output, status) {
  const lines = [...output.matchAll(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)];
  const last = lines.at(-1);
  for (const [, failure] of output.matchAll(/^failed: (.+)$/gm)) totals.failures.push({ part: name, what: failure });
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

/** One line per failed test ("failed: [part] file › name"), file paths relative to `root`. */
export function failureLines(totals, root = process.cwd()) {
  return totals.failures.map(({ part, where, what }) => `failed: ${prefix(part)}${where ? relative(root, where) : ""}${what}`);
}
