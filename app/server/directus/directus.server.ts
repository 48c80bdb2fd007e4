// The one way the app talks to Directus. Each call builds its own client: a module-level
// client holding a token would hand one visitor's identity to the next request.
import { createDirectus, rest, staticToken, type RestClient } from "@directus/sdk";
import { config } from "../config.server";
import type { ServerTiming } from "../http/server-timing.server";
import { stageTimingsOn, timedAsync, timedSync } from "../http/stage-timings.server";
import { visitorUserAgent } from "../http/visitor-agent.server";
import { directusRequest, type DirectusAnswer } from "./directus-transport.server";

export type Post = {
  id: number;
  title: string;
  content: string | null;
  date_created: string | null;
  user_created: string | DirectusUser | null;
  author: string | DirectusUser | null;
  /** Counts saves (docs/decisions/019). */
  revision: number;
  /** The new-post form the post came from; readable by its author only. */
  form_key: string | null;
};

export type DirectusUser = {
  id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  /** Never written by the app: Directus sets it (registration, verification, administrators). */
  status?: "active" | "unverified" | "suspended" | "archived" | "draft" | "invited";
  /** Directus shows only whether it is set: "**********" or null. */
  tfa_secret: string | null;
  /** How the account signs in: "default" (a password) or an identity provider's name. */
  provider?: string;
};

export type Schema = {
  posts: Post[];
  directus_users: DirectusUser[];
};

export type Directus = RestClient<Schema>;

type ClientOptions = {
  /** The visitor's IP, forwarded so Directus's rate limiter counts visitors rather than this server. */
  clientIp?: string | null;
  /** This request's Server-Timing collector: each call is recorded with its method, path and duration. */
  timing?: ServerTiming | null;
  /** Sees each raw answer (the SDK hands back only the body): session mode's token arrives as a cookie. */
  onResponse?: (response: DirectusAnswer) => void;
};

// The SDK's fetch: every call has a deadline (directus-transport.server.ts) and carries the visitor's IP and browser.
function directusFetch({ clientIp, timing, onResponse }: ClientOptions) {
  return async (input: string | URL | Request, init: RequestInit = {}) => {
    if (typeof input !== "string") throw new TypeError("The Directus SDK passes its URL as a string");
    if (init.body != null && typeof init.body !== "string") throw new TypeError("The app sends Directus JSON text only");
    // The SDK hands over its headers as a plain object; copied, so the client's own object is never changed.
    const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
    if (clientIp) headers["X-Forwarded-For"] = clientIp;
    // The visitor's browser, so Directus's session rows describe it; an empty value when the visitor
    // sent none, so that Directus records none rather than this server's own.
    const userAgent = visitorUserAgent();
    if (userAgent !== undefined) headers["User-Agent"] = userAgent ?? "";
    const started = timing ? performance.now() : 0;
    try {
      const response = await directusRequest(input, { method: init.method, headers, body: init.body });
      onResponse?.(response);
      // The SDK reads status, ok, headers and the body; that is all a DirectusAnswer has.
      return response as unknown as Response;
    } finally {
      if (timing) timing.record(init.method ?? "GET", directusPath(input), performance.now() - started);
    }
  };
}

// The path as Directus sees it, without the query string (which may carry filters, never secrets, but is long).
function directusPath(url: string): string {
  const path = url.startsWith(config.directusUrl) ? url.slice(config.directusUrl.length) : url;
  const query = path.indexOf("?");
  return query === -1 ? path : path.slice(0, query);
}

function newClient({ token, ...options }: ClientOptions & { token?: string } = {}): Directus {
  const base = createDirectus<Schema>(config.directusUrl, { globals: { fetch: timedFetch(directusFetch(options)) } });
  const client = token ? base.with(staticToken(token)).with(rest()) : base.with(rest());
  if (stageTimingsOn) client.request = timedAsync("Directus SDK: request, JSON", client.request.bind(client));
  return client;
}

// Under APP_STAGE_TIMINGS only (stage-timings.server.ts); otherwise the functions themselves.
const timedFetch = (fn: ReturnType<typeof directusFetch>) => timedAsync("Directus call (undici request, headers, deadline)", fn);
/** `token`: the signed-in user's session token; omit it for anonymous calls (login, register, refresh). */
export const directusClient: typeof newClient = timedSync("Directus SDK: client per call", newClient);
