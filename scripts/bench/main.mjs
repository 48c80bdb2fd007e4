// `npm run bench`: how much the app adds on top of Directus, and how much JavaScript the login page ships.
//
// Always builds first, from a snapshot of the source in a temporary directory, then measures with
// autocannon, in alternating slices, the CPU time each process spends per request answered (from /proc):
// - BENCH_TARGET=single (the default, single.mjs): one throwaway Directus on SQLite and the production
//   server; the dashboard and a post page through the app, through a bare React Router app that renders
//   the same Directus request as a list (bare-app/: what the framework itself costs), through a
//   pass-through Node server (what any server in front of Directus gets on this machine, where it
//   shares the cores with Directus), and sent straight to Directus with the same user's token (the
//   floor the app cannot beat); also the login page's first-load JavaScript next to the bare app's
//   form page, the app server's peak RSS and the slowest render of a hostile Markdown post at the
//   content limit (scripts/lib/markdown-bench.mjs). Writes bench-results.json.
// - BENCH_TARGET=cluster (cluster.mjs): the cluster of `npm run test:cluster` (scripts/lib/cluster/);
//   the dashboard through the proxy with one and with two app instances in rotation, and the floor
//   through the Directus proxy, with the CPU of every process of every tier. Writes
//   bench-results-cluster.json.
// Prints tables, exits non-zero if any side failed under load. Everything it started is stopped, also
// on failure or Ctrl-C (cleanup.mjs). Switches: options.mjs and README, Performance.
import { cleanup } from "./cleanup.mjs";
import { TARGET } from "./options.mjs";

try {
  if (TARGET === "cluster") await (await import("./cluster.mjs")).benchCluster();
  else await (await import("./single.mjs")).benchSingle();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
