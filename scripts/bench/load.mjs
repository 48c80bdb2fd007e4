// Load with autocannon, and the CPU each watched process spends meanwhile.
import autocannon from "autocannon";

/**
 * One autocannon run against `url`; `sampleCpu` (cpu.mjs) is read before and after it.
 * @returns the run's throughput, latency, failures and CPU seconds per watched process
 */
export async function cannon(url, { connections, duration, headers }, sampleCpu) {
  const before = await sampleCpu();
  const result = await autocannon({ url, connections, duration, headers, timeout: 10 });
  const after = await sampleCpu();
  const cpu = Object.fromEntries(Object.keys(before).map((name) => [name, after[name] - before[name]]));
  return {
    cpu,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    requests: result.requests.total,
  };
}

/**
 * The sides run in alternating 2-second slices, so a burst of other work on the machine weighs on
 * every side of a ratio instead of on whichever happened to run at that moment. A side's optional
 * `prepare()` runs before each of its slices (the cluster sets its proxy's rotation there).
 * @param {Record<string, { url: string, headers: Record<string, string>, prepare?: () => Promise<void> }>} sides
 */
export async function measureSides(sides, connections, { duration, sampleCpu }) {
  const names = Object.keys(sides);
  const slices = Math.max(1, Math.round(duration / 2));
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < slices; i++) {
    for (const name of names) {
      await sides[name].prepare?.();
      runs[name].push(await cannon(sides[name].url, { connections, duration: duration / slices, headers: sides[name].headers }, sampleCpu));
    }
  }
  return Object.fromEntries(names.map((name) => [name, combine(runs[name])]));
}

// Node's JIT (in the app and in Directus) takes thousands of requests to settle; a short warm-up
// measures a cold app. Production servers run warm, so each side is warmed before it is measured, in
// the same alternating slices as the measurement: a side warmed alone and then left idle while the
// others warm up was measured still settling (its first 2-second slices cost up to twice the later ones).
export async function warmUpPages(pages, { seconds, connections, sampleCpu, log }) {
  if (seconds <= 0) return;
  for (const page of pages) {
    log(`warming up: ${page.name}, ${seconds} s on each side at c=${connections}, in alternating slices`);
    await measureSides(page.sides, connections, { duration: seconds, sampleCpu });
  }
}

/** Sums counts over slices; latency percentiles are the request-weighted mean of each slice's. */
export function combine(slices) {
  const requests = slices.reduce((sum, slice) => sum + slice.requests, 0);
  const weighted = (key) => slices.reduce((sum, slice) => sum + slice[key] * slice.requests, 0) / (requests || 1);
  return {
    rps: slices.reduce((sum, slice) => sum + slice.rps, 0) / slices.length,
    p50: weighted("p50"),
    p99: weighted("p99"),
    non2xx: slices.reduce((sum, slice) => sum + slice.non2xx, 0),
    errors: slices.reduce((sum, slice) => sum + slice.errors, 0),
    requests,
    // CPU milliseconds each process spent per request answered.
    cpuMsPerRequest: Object.fromEntries(
      Object.keys(slices[0].cpu).map((name) => [name, (1000 * slices.reduce((sum, slice) => sum + slice.cpu[name], 0)) / (requests || 1)]),
    ),
    // The same, slice by slice (NaN for a slice that answered nothing), for how much one run spreads.
    cpuMsPerRequestBySlice: Object.fromEntries(
      Object.keys(slices[0].cpu).map((name) => [name, slices.map((slice) => (slice.requests ? (1000 * slice.cpu[name]) / slice.requests : NaN))]),
    ),
  };
}
