// The single mode's report on the terminal.
import { cpus } from "node:os";
import { formatMarkdownBench } from "../lib/markdown-bench.mjs";
import { cpuRatio, fmt, table } from "./report.mjs";

/** Prints what the single mode measured (results as written to bench-results.json). */
export function printSingleReport(results, { baselineSide, verbose = false }) {
  const { load, firstLoad } = results;
  const { login, bare } = firstLoad;
  console.log("\nDirectus requests per view (proxy count; Server-Timing count):");
  for (const page of results.pages) console.log(`  ${page.name.padEnd(9)} ${page.directusRequestsPerView} ; ${page.serverTimingDirectusCalls}   floor = ${page.floor}`);
  console.log(`\nThroughput and CPU per request (${results.durationSeconds} s per side in alternating 2 s slices, after ${results.warmupSeconds} s warm-up per side and page; latency in ms, CPU in ms per request answered, on ${cpus().length} cores):\n`);
  const sideRows = ({ page, connections, app: a, baseline: before, nextjsTutorial: next, bareReactRouter: b, passThrough: p, floor: f }) =>
    [
      ["app", a, a.cpuMsPerRequest.app],
      ...(before ? [[baselineSide, before, before.cpuMsPerRequest[baselineSide]]] : []),
      ...(next ? [["Next.js tutorial", next, next.cpuMsPerRequest["Next.js tutorial"]]] : []),
      ["bare React Router", b, b.cpuMsPerRequest["bare React Router"]],
      ["pass-through", p, p.cpuMsPerRequest["pass-through"]],
      ["floor", f, NaN],
    ].map(([side, r, serverCpu]) => [
      page, connections, side,
      fmt.n(r.rps, 1), fmt.n(r.p50), fmt.n(r.p99), r.non2xx, r.errors,
      fmt.n(r.rps / f.rps, 2),
      fmt.n(serverCpu, 2), fmt.n(r.cpuMsPerRequest.directus, 2), fmt.n(r.cpuMsPerRequest["load generator"], 2),
    ]);
  console.log(
    table([
      ["page", "conc", "side", "req/s", "p50", "p99", "non-2xx", "err", "÷ floor", "server CPU", "Directus CPU", "load gen CPU"],
      ...load.flatMap(sideRows),
    ]),
  );
  console.log(`\nServer CPU per view, app ÷ bare React Router (over the whole run; in brackets, the median and middle half of the ratios of slices run one after the other):\n`);
  for (const { page, connections, app, bareReactRouter } of load) {
    const ratio = cpuRatio(app, "app", bareReactRouter, "bare React Router");
    console.log(`  ${page.padEnd(9)} c=${String(connections).padEnd(3)} ${fmt.n(ratio.total, 2)}  (${ratio.slices} slices: ${fmt.n(ratio.median, 2)}, ${fmt.n(ratio.low, 2)}–${fmt.n(ratio.high, 2)})`);
  }
  console.log(`\nFirst-load JavaScript:\n`);
  console.log(
    table([
      ["page", "scripts", "JS raw", "JS gzip", "HTML raw", "HTML gzip"],
      ["app /login", login.files.length, fmt.kb(login.jsRaw), fmt.kb(login.jsGzip), fmt.kb(login.htmlRaw), fmt.kb(login.htmlGzip)],
      ...(results.nextjsTutorial ? [nextLoginRow(results.nextjsTutorial.firstLoad.login)] : []),
      ["bare app /", bare.files.length, fmt.kb(bare.jsRaw), fmt.kb(bare.jsGzip), fmt.kb(bare.htmlRaw), fmt.kb(bare.htmlGzip)],
      ["ratio", "", fmt.n(firstLoad.ratioRaw, 2), fmt.n(firstLoad.ratioGzip, 2), "", ""],
    ]),
  );
  if (verbose) for (const file of login.files) console.log(`  ${file.src}  ${fmt.kb(file.raw)}  ${fmt.kb(file.gzip)} gz`);
  console.log(`\nApp server peak RSS (VmHWM): ${fmt.n(results.appPeakRssMb, 1)} MB`);
  if (results.nextjsTutorial) {
    const next = results.nextjsTutorial;
    console.log(`Next.js tutorial (next ${next.versions.next}) peak RSS (VmHWM): ${fmt.n(next.peakRssMb, 1)} MB`);
    for (const page of next.pages) console.log(`Next.js tutorial ${page.name}: ${page.directusRequestsPerView} Directus requests per view (${page.directusRequests.join(", ")})`);
  }
  console.log(formatMarkdownBench(results.markdown));
  console.log(`Results written to bench-results.json, chart to bench-chart.svg`);
}

const nextLoginRow = (login) => ["Next.js tutorial /login", login.files.length, fmt.kb(login.jsRaw), fmt.kb(login.jsGzip), fmt.kb(login.htmlRaw), fmt.kb(login.htmlGzip)];
