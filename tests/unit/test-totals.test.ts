// The line CI reads: a runner that crashed, or wrote no report, must never add up to a pass.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { addPlaywrightReport, addSummaryLine, addVitestReport, createTotals, failureLines, isGreen, summaryLine } from "../../scripts/lib/test-totals.mjs";

const dir = mkdtempSync(join(tmpdir(), "test-totals-"));
function report(name: string, body: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(body));
  return file;
}

describe("test totals", () => {
  it("sums both runners' reports, counting flaky tests as failed", () => {
    const totals = createTotals();
    addVitestReport(totals, report("v.json", { numPassedTests: 10, numFailedTests: 0, numPendingTests: 1, numTodoTests: 0 }), 0);
    addPlaywrightReport(totals, report("p.json", { stats: { expected: 5, unexpected: 1, flaky: 1, skipped: 2 } }), 1);
    expect(summaryLine(totals)).toBe("15 passed, 2 failed, 3 skipped");
    expect(isGreen(totals)).toBe(false);
  });

  it("is green only with no failure and every runner at exit 0", () => {
    const totals = createTotals();
    addVitestReport(totals, report("ok.json", { numPassedTests: 3, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 }), 0);
    expect(summaryLine(totals)).toBe("3 passed, 0 failed");
    expect(isGreen(totals)).toBe(true);
  });

  it("counts a runner that wrote no report, or exited non-zero with nothing failed, as one failure", () => {
    const missing = createTotals();
    addPlaywrightReport(missing, join(dir, "never-written.json"), 1);
    expect(summaryLine(missing)).toBe("0 passed, 1 failed");
    expect(missing.problems).toEqual(["playwright exited with 1"]);

    const crashed = createTotals();
    addVitestReport(crashed, report("partial.json", { numPassedTests: 4, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 }), 1);
    expect(summaryLine(crashed)).toBe("4 passed, 1 failed");
    expect(isGreen(crashed)).toBe(false);
  });

  it("adds the last summary line another script printed; none, or a non-zero exit, is a problem", () => {
    const totals = createTotals();
    addSummaryLine(totals, "test:image", "a line\n2 passed, 1 failed\nmore\n16 passed, 0 failed\n", 0);
    addSummaryLine(totals, "test:cluster", "37 passed, 0 failed, 2 skipped\n", 0);
    expect(summaryLine(totals)).toBe("53 passed, 0 failed, 2 skipped");
    expect(isGreen(totals)).toBe(true);

    const crashed = createTotals();
    addSummaryLine(crashed, "test:cluster", "Error: the cluster did not start\n", 1);
    expect(crashed.problems).toEqual(["test:cluster exited with 1 before its summary"]);
    expect(summaryLine(crashed)).toBe("0 passed, 1 failed");

    const red = createTotals();
    addSummaryLine(red, "test:image", "15 passed, 1 failed\n", 1);
    expect(summaryLine(red)).toBe("15 passed, 1 failed");
    expect(isGreen(red)).toBe(false);
  });
});

// CI keeps only the tail of what a run printed: the failed tests must be named there, next to the total.
describe("the failed tests, named", () => {
  it("names Vitest's failed tests and files that failed outside any test, with the part they ran in", () => {
    const totals = createTotals();
    const vitest = report("named-v.json", {
      numPassedTests: 2,
      numFailedTests: 1,
      numPendingTests: 0,
      numTodoTests: 0,
      testResults: [
        { name: "/repo/tests/hardening/a.test.ts", status: "failed", message: "", assertionResults: [
          { fullName: "a thing works", status: "passed" },
          { fullName: "a thing refuses a stranger", ancestorTitles: ["a thing"], title: "refuses a stranger", status: "failed" },
        ] },
        { name: "/repo/tests/hardening/b.test.ts", status: "failed", message: "Error: Directus did not start\n    at start (x.ts:1)", assertionResults: [] },
        { name: "/repo/tests/hardening/c.test.ts", status: "passed", message: "", assertionResults: [{ fullName: "fine", status: "passed" }] },
      ],
    });
    addVitestReport(totals, vitest, 1, "hardening");
    expect(failureLines(totals, "/repo")).toEqual([
      "failed: [hardening] tests/hardening/a.test.ts › a thing › refuses a stranger",
      "failed: [hardening] tests/hardening/b.test.ts: Error: Directus did not start",
    ]);
    expect(totals.problems).toEqual(["hardening: vitest exited with 1"]);
  });

  it("names Playwright's unexpected and flaky tests with their project, through nested suites", () => {
    const totals = createTotals();
    const playwright = report("named-p.json", {
      stats: { expected: 1, unexpected: 1, flaky: 1, skipped: 0 },
      errors: [{ message: "Error: global setup failed\nstack" }],
      suites: [{ title: "account.spec.ts", file: "account.spec.ts", specs: [], suites: [{ title: "the profile", file: "account.spec.ts", suites: [], specs: [
        { title: "changes the email", file: "account.spec.ts", tests: [
          { projectName: "js", status: "unexpected" },
          { projectName: "no-js", status: "expected" },
        ] },
        { title: "changes the password", file: "account.spec.ts", tests: [{ projectName: "no-js", status: "flaky" }] },
      ] }] }],
    });
    addPlaywrightReport(totals, playwright, 1, "playwright");
    expect(failureLines(totals)).toEqual([
      "failed: [playwright] Error: global setup failed",
      "failed: [playwright] [js] account.spec.ts › the profile › changes the email",
      "failed: [playwright] [no-js] account.spec.ts › the profile › changes the password (flaky)",
    ]);
  });

  it("carries the failed tests another script named into the whole run's list", () => {
    const totals = createTotals();
    addSummaryLine(totals, "test:cluster", "…\nfailed: [playwright] [js] auth.spec.ts › logs in\n38 passed, 1 failed\n", 1);
    expect(failureLines(totals)).toEqual(["failed: [test:cluster] [playwright] [js] auth.spec.ts › logs in"]);
  });
});
