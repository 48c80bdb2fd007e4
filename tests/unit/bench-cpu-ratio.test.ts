// The single benchmark's app ÷ bare React Router figure (issue 21's measure): the ratio of the
// whole run's CPU per request, and beside it how far the 2-second slice pairs spread around it, so
// a reader can tell a gap from the noise of one run.
import { describe, expect, it } from "vitest";
import { combine, type Slice } from "../../scripts/bench/load.mjs";
import { cpuRatio } from "../../scripts/bench/report.mjs";

/** A 2-second slice answering `requests`, in which each named process used these CPU seconds. */
function slice(requests: number, cpu: Record<string, number>): Slice {
  return { rps: requests / 2, p50: 5, p99: 9, non2xx: 0, errors: 0, requests, cpu };
}

describe("app ÷ bare React Router, server CPU per view", () => {
  // Slice by slice the app costs 2.0, 2.2, 3.0 and 2.4 ms per request; the bare page 1.0, 2.0, 1.5 and 2.0.
  const app = combine([slice(100, { app: 0.2 }), slice(100, { app: 0.22 }), slice(100, { app: 0.3 }), slice(100, { app: 0.24 })]);
  const bare = combine([slice(200, { bare: 0.2 }), slice(100, { bare: 0.2 }), slice(100, { bare: 0.15 }), slice(100, { bare: 0.2 })]);
  const ratio = cpuRatio(app, "app", bare, "bare");

  it("is the ratio of each side's CPU over the whole run to the requests it answered", () => {
    // App: 0.96 s for 400 requests (2.4 ms); bare: 0.75 s for 500 (1.5 ms).
    expect(ratio.total).toBeCloseTo(2.4 / 1.5, 10);
  });

  it("pairs each slice of one side with the same slice of the other, and gives their middle half", () => {
    // Pairs: 2.0/1.0 = 2, 2.2/2.0 = 1.1, 3.0/1.5 = 2, 2.4/2.0 = 1.2; sorted 1.1, 1.2, 2, 2.
    expect(ratio.slices).toBe(4);
    expect(ratio.median).toBeCloseTo(1.6, 10);
    expect(ratio.low).toBeCloseTo(1.175, 10);
    expect(ratio.high).toBeCloseTo(2, 10);
  });

  it("leaves out a slice in which either side answered nothing", () => {
    const empty = combine([slice(100, { app: 0.2 }), slice(0, { app: 0.01 })]);
    const other = combine([slice(100, { bare: 0.1 }), slice(100, { bare: 0.1 })]);
    const pairs = cpuRatio(empty, "app", other, "bare");
    expect(pairs.slices).toBe(1);
    expect(pairs.median).toBeCloseTo(2, 10);
  });
});
