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

/** Seconds per side and cell, in alternating 2-second slices. */
export const DURATION = Number(env.BENCH_DURATION ?? 10);
/** Seconds of warm-up per side and page. */
export const WARMUP = Number(env.BENCH_WARMUP ?? 15);
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
