// The cluster mode's figures: where the cores went during each side (CPU ms per request × requests
// per second = cores kept busy), how the app scales, and the tables.
import { fmt, table } from "./report.mjs";

/** The processes of each tier, by the names cluster.mjs samples them under. */
export const TIERS = {
  app: ["app1", "app2"],
  Directus: ["directus1", "directus2"],
  PostgreSQL: ["postgres"],
  Redis: ["redis"],
  HAProxy: ["haproxy"],
  "load generator": ["load generator"],
};

/**
 * Cores each tier kept busy while a side ran: its CPU ms per request ÷ the elapsed ms per request
 * (`wall`, sampled with the CPU: 1000 ÷ req/s over the same windows). Plus `other` (whatever else
 * ran on the machine: other test suites, the system) and `machine` (everything).
 * @param {{ cpuMsPerRequest: Record<string, number> }} side a combined result (load.mjs) of processTreeCpu samples
 * @returns {Record<string, number>}
 */
export function coresByTier(side, tiers = TIERS) {
  const perRequest = side.cpuMsPerRequest;
  const cores = (names) => names.reduce((sum, name) => sum + (perRequest[name] ?? 0), 0) / perRequest.wall;
  const byTier = Object.fromEntries(Object.entries(tiers).map(([tier, names]) => [tier, cores(names)]));
  const machine = cores(["machine"]);
  const measured = Object.values(byTier).reduce((sum, value) => sum + value, 0);
  return { ...byTier, other: machine - measured, machine };
}

/** The tier (not `other` or `machine`) that kept the most cores busy. */
export function busiestTier(cores) {
  const [tier, value] = Object.entries(cores)
    .filter(([name]) => name !== "other" && name !== "machine")
    .reduce((best, entry) => (entry[1] > best[1] ? entry : best));
  return { tier, cores: value };
}

/** One row of bench-results-cluster.json from the measured sides of a page at one concurrency. */
export function clusterRow({ page, connections, measured }) {
  const oneApp = measured["1 app"];
  const twoApps = measured["2 apps"];
  const floor = measured["Directus floor"];
  const sessionFloor = measured["Directus floor, session token"];
  return {
    page,
    connections,
    oneApp,
    twoApps,
    floor,
    sessionFloor,
    // What the second app instance adds, and how close each side gets to Directus alone.
    twoAppsOverOneApp: twoApps.rps / oneApp.rps,
    oneAppRatio: oneApp.rps / floor.rps,
    twoAppsRatio: twoApps.rps / floor.rps,
    sessionFloorRatio: sessionFloor.rps / floor.rps,
    cores: { oneApp: coresByTier(oneApp), twoApps: coresByTier(twoApps), floor: coresByTier(floor), sessionFloor: coresByTier(sessionFloor) },
  };
}

const SIDES = [
  ["1 app", "oneApp"],
  ["2 apps", "twoApps"],
  ["Directus floor", "floor"],
  ["floor, session token", "sessionFloor"],
];
const PROCESSES = ["app1", "app2", "directus1", "directus2", "postgres", "redis", "haproxy", "load generator", "machine"];

/** Prints the three tables and, per row, the machine's load and the busiest tier. */
export function printClusterReport(results) {
  const sideRows = (render) => results.load.flatMap((row) => SIDES.map(([label, key]) => [row.page, row.connections, label, ...render(row, key)]));
  console.log(
    `\nThroughput through the proxies (${results.durationSeconds} s per side in alternating 2 s slices, after ${results.warmupSeconds} s warm-up per side; latency in ms; ` +
      `load average ${results.loadAverage.before.map((value) => value.toFixed(2)).join(" ")} before, ${results.loadAverage.after.map((value) => value.toFixed(2)).join(" ")} after, on ${results.cores} cores):\n`,
  );
  console.log(
    table([
      ["page", "conc", "side", "req/s", "p50", "p99", "non-2xx", "err", "÷ floor", "÷ 1 app"],
      ...sideRows((row, key) => {
        const r = row[key];
        return [fmt.n(r.rps, 1), fmt.n(r.p50), fmt.n(r.p99), r.non2xx, r.errors, fmt.n(r.rps / row.floor.rps, 2), key === "oneApp" || key === "twoApps" ? fmt.n(r.rps / row.oneApp.rps, 2) : "-"];
      }),
    ]),
  );
  console.log(`\nCPU ms per request answered, per process (machine: every process on the machine, other test suites included):\n`);
  console.log(table([["page", "conc", "side", ...PROCESSES], ...sideRows((row, key) => PROCESSES.map((name) => fmt.n(row[key].cpuMsPerRequest[name], 2)))]));
  const tiers = [...Object.keys(TIERS), "other", "machine"];
  console.log(`\nCores kept busy (CPU ms per request × req/s over the same windows; other: processes outside the cluster and the benchmark):\n`);
  console.log(table([["page", "conc", "side", ...tiers], ...sideRows((row, key) => tiers.map((tier) => fmt.n(row.cores[key][tier], 2)))]));
  console.log("");
  for (const row of results.load) {
    for (const [label, key] of SIDES) {
      const busiest = busiestTier(row.cores[key]);
      console.log(`  ${row.page} c=${row.connections} ${label}: machine busy ${fmt.n(row.cores[key].machine, 2)} of ${results.cores} cores; busiest tier ${busiest.tier} (${fmt.n(busiest.cores, 2)} cores)`);
    }
  }
  console.log(`\nResults written to bench-results-cluster.json`);
}
