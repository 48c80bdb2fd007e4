// The benchmark's switches, read once from the environment (README, Performance).
import { root } from "../lib/runtime.mjs";

const env = process.env;

/** "single" (one Directus on SQLite, one app; the default) or "cluster" (scripts/lib/cluster/). */
export const TARGET = env.BENCH_TARGET ?? "single";
if (!["single", "cluster"].includes(TARGET)) {
  console.error(`npm run bench: BENCH_TARGET must be "single" or "cluster", not "${TARGET}"`);
  process.exit(1);
}
const cluster = TARGET === "cluster";

/**
 * Seconds per side and cell, in alternating 2-second slices. At concurrency 1 one slice in five
 * could cost a side 1.5 times its others (a collection landing in it): ten slices per side keep such
 * a slice from moving the ratio between two sides by more than a few percent.
 */
export const DURATION = Number(env.BENCH_DURATION ?? 20);
/**
 * Seconds of warm-up per side and page, in alternating slices (load.mjs). Measured slice by slice,
 * the app's CPU per request kept falling for about 25 s of load (JIT tiers, the heap's young
 * generation growing): 15 s left its first measured slices up to 1.9 times its later ones.
 */
export const WARMUP = Number(env.BENCH_WARMUP ?? 40);
// The cluster is measured where one app instance should run out: 8 connections and twice that.
export const CONCURRENCY = (env.BENCH_CONCURRENCY ?? (cluster ? "8,16" : "1,8")).split(",").map(Number);
/** Page names (dashboard, post); the cluster measures the dashboard unless told otherwise. */
export const PAGES = env.BENCH_PAGES?.split(",") ?? (cluster ? ["dashboard"] : undefined);
/** Another checkout, measured instead of this one. */
export const SOURCE = env.BENCH_SOURCE ?? root;
/** Another checkout, measured beside this one as one more side in the same slices (single mode). */
export const BASELINE = env.BENCH_BASELINE;
/** Extra Node arguments for the app under load, such as "--cpu-prof". */
export const APP_NODE_ARGS = env.BENCH_APP_NODE_ARGS?.split(" ").filter(Boolean);
/** BENCH_NEXTJS=1: the Next.js tutorial (nextjs-tutorial/, installed on demand) as one more side (single mode). */
export const NEXTJS = env.BENCH_NEXTJS === "1";
