// The visitor's User-Agent, sent on to Directus with every call the app makes for them, so the session
// rows Directus writes at login and renewal (and its activity log) describe the person's browser, not
// this server ("node"). The client IP travels beside it as X-Forwarded-For (directus.server.ts).
//
// It is held for the length of the request (AsyncLocalStorage, set by visitorMiddleware) rather than
// passed as an argument: every Directus call of a request needs it, including the renewals deep inside
// requireUser and the session middleware, and none of them decides anything with it.
import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareFunction } from "react-router";

/** Directus keeps 1024 characters; browsers send about 150. */
export const USER_AGENT_MAX = 512;

const current = new AsyncLocalStorage<string | null>();

/** The header bounded and reduced to printable ASCII (what HTTP allows a header to carry) before use. */
export function boundedUserAgent(value: string | null): string | null {
  if (!value) return null;
  const clean = value.slice(0, 4 * USER_AGENT_MAX).replace(/[^\x20-\x7e]/g, "").trim().slice(0, USER_AGENT_MAX);
  return clean || null;
}

export function withVisitorUserAgent<T>(request: Request, run: () => T): T {
  return current.run(boundedUserAgent(request.headers.get("User-Agent")), run);
}

/** The User-Agent of the request being handled: null when the visitor sent none, undefined outside a request. */
export function visitorUserAgent(): string | null | undefined {
  return current.getStore();
}

export const visitorMiddleware: MiddlewareFunction<Response> = ({ request }, next) => withVisitorUserAgent(request, next);
