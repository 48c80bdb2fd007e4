// The cluster benchmark's arithmetic (scripts/bench/): from the CPU seconds sampled around each
// slice to the cores each tier kept busy, which is what the README's reading of the limit rests on.
import { describe, expect, it } from "vitest";
import { busiestTier, clusterRow, coresByTier } from "../../scripts/bench/cluster-report.mjs";
import { combine, type Slice } from "../../scripts/bench/load.mjs";

/** A slice of `seconds` answering `requests`, in which each named process used these CPU seconds. */
function slice(seconds: number, requests: number, cpu: Record<string, number>): Slice {
  return { rps: requests / seconds, p50: 10, p99: 20, non2xx: 0, errors: 0, requests, cpu: { ...cpu, wall: seconds } };
}

describe("cores kept busy per tier", () => {
  it("is each tier's CPU seconds over the elapsed seconds, summed over its instances and slices", () => {
    const side = combine([
      slice(2, 200, { app1: 0.5, app2: 0.3, directus1: 0.4, directus2: 0.4, postgres: 0.1, redis: 0.02, haproxy: 0.04, "load generator": 0.1, machine: 3.8 }),
      slice(2, 100, { app1: 0.3, app2: 0.1, directus1: 0.2, directus2: 0.2, postgres: 0.06, redis: 0.02, haproxy: 0.02, "load generator": 0.06, machine: 3.6 }),
    ]);
    const cores = coresByTier(side);
    // 4 s in all: app 1.2 CPU s → 0.3 cores; Directus 1.2 → 0.3; machine 7.4 → 1.85.
    expect(cores.app).toBeCloseTo(0.3, 10);
    expect(cores.Directus).toBeCloseTo(0.3, 10);
    expect(cores.PostgreSQL).toBeCloseTo(0.04, 10);
    expect(cores.Redis).toBeCloseTo(0.01, 10);
    expect(cores.HAProxy).toBeCloseTo(0.015, 10);
    expect(cores["load generator"]).toBeCloseTo(0.04, 10);
    expect(cores.machine).toBeCloseTo(1.85, 10);
    // What the sampled processes did not use went to the rest of the machine.
    expect(cores.other).toBeCloseTo(1.85 - 0.3 - 0.3 - 0.04 - 0.01 - 0.015 - 0.04, 10);
  });

  it("agrees with CPU ms per request × requests per second when the rate is steady", () => {
    const side = combine([slice(2, 400, { app1: 0.8, machine: 2 }), slice(2, 400, { app1: 0.8, machine: 2 })]);
    expect(side.cpuMsPerRequest.app1).toBeCloseTo(2, 10);
    expect(coresByTier(side, { app: ["app1"] }).app).toBeCloseTo((side.cpuMsPerRequest.app1! * side.rps) / 1000, 10);
  });

  it("names the busiest tier, never the machine or the rest of it", () => {
    expect(busiestTier({ app: 0.3, Directus: 0.7, PostgreSQL: 0.05, other: 0.9, machine: 1.95 })).toEqual({ tier: "Directus", cores: 0.7 });
  });
});

describe("a cluster row", () => {
  const side = (rps: number) => combine([slice(2, rps * 2, { app1: 0.1, machine: 1 })]);

  it("compares two app instances with one, and each side with the floor", () => {
    const row = clusterRow({
      page: "dashboard",
      connections: 8,
      measured: { "1 app": side(100), "2 apps": side(120), "Directus floor": side(300), "Directus floor, session token": side(240) },
    });
    expect(row.twoAppsOverOneApp).toBeCloseTo(1.2, 10);
    expect(row.oneAppRatio).toBeCloseTo(1 / 3, 10);
    expect(row.twoAppsRatio).toBeCloseTo(0.4, 10);
    expect(row.sessionFloorRatio).toBeCloseTo(0.8, 10);
    expect(row.cores.twoApps.machine).toBeCloseTo(0.5, 10);
  });
});
