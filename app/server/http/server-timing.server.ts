// Server-Timing on every document and data response: one entry per Directus call and a total,
// so the browser's network panel shows where a slow page spent its time. Anyone can read the header,
// so by default in production a call is just `directus`; its path (item ids included) only with
// SERVER_TIMING_DETAIL=1.
import { createContext, type MiddlewareFunction, type RouterContextProvider } from "react-router";
import { config } from "../config.server";

// RFC 9110 token characters; anything else in a metric name becomes "-".
const NON_TOKEN = /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/g;

/** "/items/posts/3" → "directus-posts", "/auth/refresh" → "directus-auth-refresh". */
export function directusMetricName(path: string): string {
  const segments = path.split("/").filter(Boolean);
  // Item routes are named by collection; the id would make every post a different metric.
  const named = segments[0] === "items" && segments[1] ? [segments[1]] : segments.filter((segment) => !/^\d+$/.test(segment));
  return `directus-${named.join("-") || "root"}`.replace(NON_TOKEN, "-");
}

/** One Server-Timing entry: `name;dur=12.3;desc="..."` (desc is a quoted-string, so `"` and `\` are escaped). */
export function timingEntry(name: string, durationMs: number, desc?: string): string {
  const entry = `${name.replace(NON_TOKEN, "-")};dur=${durationMs.toFixed(1)}`;
  return desc === undefined ? entry : `${entry};desc="${desc.replace(/["\\]/g, "\\$&")}"`;
}

/** Collects this request's Directus calls; one small array per request. */
export class ServerTiming {
  readonly #start: number;
  readonly #detail: boolean;
  readonly #entries: string[] = [];

  /** `detail`: name each call by its Directus path and describe it with method and path. */
  constructor({ start = performance.now(), detail = false }: { start?: number; detail?: boolean } = {}) {
    this.#start = start;
    this.#detail = detail;
  }

  /** `path` is the Directus path without the query string. */
  record(method: string, path: string, durationMs: number) {
    this.#entries.push(
      this.#detail ? timingEntry(directusMetricName(path), durationMs, `${method} ${path}`) : timingEntry("directus", durationMs),
    );
  }

  header(now = performance.now()): string {
    this.#entries.push(timingEntry("total", now - this.#start));
    return this.#entries.join(", ");
  }
}

export const serverTimingContext = createContext<ServerTiming | null>(null);

export function getServerTiming(context: Readonly<RouterContextProvider>): ServerTiming | null {
  return context.get(serverTimingContext);
}

export const serverTimingMiddleware: MiddlewareFunction<Response> = async ({ context }, next) => {
  const timing = new ServerTiming({ detail: config.serverTimingDetail });
  context.set(serverTimingContext, timing);
  const response = await next();
  response.headers.append("Server-Timing", timing.header());
  return response;
};
