// The two Directus calls of a sign-in through an identity provider (docs/decisions/018). They go
// through node:http rather than fetch: the start must reach Directus with the app's own Host, which
// fetch replaces, so that Directus builds a callback URL on the app's origin (it looks that Host up
// in AUTH_ALLOWED_PUBLIC_URLS). Neither call follows redirects: the answer is the redirect itself.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { parseSetCookie } from "cookie-es";
import { config } from "../config.server";
import { visitorUserAgent } from "../http/visitor-agent.server";

export type RelayAnswer = {
  status: number;
  /** The Location header, or null. */
  location: string | null;
  /** Each cookie Directus set: name → value and lifetime in seconds (Max-Age), if any. */
  cookies: Map<string, { value: string; maxAge?: number }>;
};

export class RelayUnavailable extends Error {}

function call(path: string, { host, proto, cookie, clientIp }: { host?: string; proto?: string; cookie?: string; clientIp: string | null }): Promise<RelayAnswer> {
  const target = new URL(config.directusUrl + path);
  const headers: Record<string, string> = {};
  if (host) headers.Host = host;
  if (proto) headers["X-Forwarded-Proto"] = proto;
  if (cookie) headers.Cookie = cookie;
  if (clientIp) headers["X-Forwarded-For"] = clientIp;
  const userAgent = visitorUserAgent();
  if (userAgent) headers["User-Agent"] = userAgent;
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, { method: "GET", headers, signal: AbortSignal.timeout(config.directusTimeoutMs) }, (res) => {
      // The body says nothing the headers do not; it is read and dropped so the socket is freed.
      res.resume();
      const cookies = new Map<string, { value: string; maxAge?: number }>();
      for (const line of res.headers["set-cookie"] ?? []) {
        const parsed = parseSetCookie(line);
        if (parsed?.name) cookies.set(parsed.name, { value: parsed.value, maxAge: parsed.maxAge });
      }
      resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, cookies });
    });
    req.on("error", (error) => reject(new RelayUnavailable(error.message)));
    req.end();
  });
}

/**
 * Starts the provider's flow at Directus as the app's origin. `otp`: the code of an account with
 * two-factor sign-in, which Directus wants here, before the provider is even asked.
 */
export function startAtDirectus(provider: string, { otp, clientIp }: { otp?: string; clientIp: string | null }) {
  const app = new URL(config.appUrl);
  const query = new URLSearchParams({ redirect: "/" });
  if (otp) query.set("otp", otp);
  return call(`/auth/login/${provider}?${query}`, { host: app.host, proto: app.protocol.slice(0, -1), clientIp });
}

/** Hands the provider's answer (its query) and Directus's own state cookie to Directus's callback. */
export function finishAtDirectus(provider: string, query: URLSearchParams, stateCookie: string, { clientIp }: { clientIp: string | null }) {
  return call(`/auth/login/${provider}/callback?${query}`, { cookie: stateCookie, clientIp });
}
