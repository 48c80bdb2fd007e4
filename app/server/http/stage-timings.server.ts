// Per-stage CPU cost of a request, for the benchmark (README, Performance, "Per-layer cost"). Off
// unless APP_STAGE_TIMINGS names a file when the server starts: then the wrappers below are installed
// and, on SIGUSR2, the server writes what each stage cost since the last SIGUSR2 to that file and
// starts counting again. Off, every wrapper hands back the function it was given: nothing is timed.
//
// The model is a timeline, not a tree: at any moment the main thread works for exactly one stage, and
// entering or leaving a wrapped function switches which one is charged (the thread's CPU time since
// the last switch). It is exact when one request is in flight, which is how the benchmark drives it;
// CPU between requests (Node's http, React Router matching the route) falls to OUTSIDE.
import { writeFileSync } from "node:fs";
import type { MiddlewareFunction } from "react-router";

/** Whatever runs outside every named stage: Node's http server, React Router before and after the middlewares. */
export const OUTSIDE = "React Router and Node's http outside the middlewares";

const file = process.env.APP_STAGE_TIMINGS?.trim() || null;

/** True when the server was started with APP_STAGE_TIMINGS. */
export const stageTimingsOn = file !== null;

// process.threadCpuUsage (Node 22.20+) counts this thread only; the process figure would add GC helper threads.
const threadCpu: () => { user: number; system: number } =
  (process as { threadCpuUsage?: () => { user: number; system: number } }).threadCpuUsage?.bind(process) ?? (() => process.cpuUsage());
const cpuMicros = () => {
  const { user, system } = threadCpu();
  return user + system;
};

let current = OUTSIDE;
let mark = 0;
let since = 0;
let processSince = process.cpuUsage();
let requests = 0;
let totals = new Map<string, { micros: number; entries: number }>();

/** Charges the CPU since the last switch to the current stage and makes `stage` current; returns the one it replaced. */
function switchTo(stage: string, entering = false): string {
  const now = cpuMicros();
  const total = totals.get(current) ?? { micros: 0, entries: 0 };
  total.micros += now - mark;
  totals.set(current, total);
  if (entering) {
    const next = totals.get(stage) ?? { micros: 0, entries: 0 };
    next.entries++;
    totals.set(stage, next);
  }
  mark = now;
  const previous = current;
  current = stage;
  return previous;
}

function snapshotAndReset() {
  switchTo(current);
  const processCpu = process.cpuUsage(processSince);
  const stages = [...totals].map(([stage, { micros, entries }]) => ({ stage, micros, entries }));
  const result = { requests, threadMicros: cpuMicros() - since, processMicros: processCpu.user + processCpu.system, stages };
  totals = new Map();
  requests = 0;
  since = mark = cpuMicros();
  processSince = process.cpuUsage();
  return result;
}

if (file) {
  since = mark = cpuMicros();
  process.on("SIGUSR2", () => writeFileSync(file, JSON.stringify(snapshotAndReset(), null, 2)));
}

/** A synchronous function, charged to `stage` while it runs (and to its callees' stages while they do). */
export function timedSync<A extends unknown[], R>(stage: string, fn: (...args: A) => R): (...args: A) => R {
  if (!file) return fn;
  return (...args) => {
    const previous = switchTo(stage, true);
    try {
      return fn(...args);
    } finally {
      switchTo(previous);
    }
  };
}

/**
 * An async function: its synchronous part and what runs once its promise settles are charged to
 * `stage`; what runs while it waits is charged to whatever the thread does meanwhile (at one request
 * in flight, the work the function itself started: undici reading the answer, React rendering).
 */
export function timedAsync<A extends unknown[], R>(stage: string, fn: (...args: A) => R): (...args: A) => R {
  if (!file) return fn;
  return (...args) => {
    const previous = switchTo(stage, true);
    let result: R;
    try {
      result = fn(...args);
    } catch (error) {
      switchTo(previous);
      throw error;
    }
    if (!(result instanceof Promise)) {
      switchTo(previous);
      return result;
    }
    return result.finally(() => switchTo(previous)) as R;
  };
}

/**
 * A middleware, charged to `stage` for its own work before and after `next()`; what `next()` runs
 * (the inner middlewares, loaders, render) is charged to `inner` unless a stage inside claims it.
 */
export function timedMiddleware(stage: string, middleware: MiddlewareFunction<Response>, inner: string): MiddlewareFunction<Response> {
  if (!file) return middleware;
  return async (args, next) => {
    const outer = switchTo(stage, true);
    if (outer === OUTSIDE) requests++;
    try {
      return await middleware(args, async () => {
        switchTo(inner);
        try {
          return await next();
        } finally {
          switchTo(stage);
        }
      });
    } finally {
      switchTo(outer);
    }
  };
}
