// The browser-side defences every response carries; a document's CSP is bound to a per-request nonce.
import { randomFillSync } from "node:crypto";
import { providerOrigins } from "#app/lib/identity-providers.ts";
import { timedSync } from "./stage-timings.server";

// "Continue with …" posts a form whose answer redirects to the provider's sign-in page.
const formTargets = ["'self'", ...providerOrigins()].join(" ");

type Options = {
  /** The nonce the page's inline and module scripts carry; without one, no CSP is produced. */
  nonce?: string;
  /** Strict CSP and HSTS; development relaxes the CSP for Vite's HMR (inline styles, WebSocket). */
  production: boolean;
};

// Nonces are cut from a pool of random bytes refilled 256 nonces at a time: randomBytes(16) on every
// page asked the kernel each time (about 6 µs), the pool about 0.1 µs. Each byte is used once.
const NONCE_BYTES = 16;
const noncePool = Buffer.alloc(256 * NONCE_BYTES);
let nonceOffset = noncePool.length;
function newNonce(): string {
  if (nonceOffset === noncePool.length) {
    randomFillSync(noncePool);
    nonceOffset = 0;
  }
  const nonce = noncePool.toString("base64", nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

function policyAround(nonce: string, production: boolean): string {
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic' lets the nonced entry script load the route chunks it imports, and nothing else.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    // Vite injects CSS as <style> tags during development; a nonce here would make browsers ignore 'unsafe-inline'.
    production ? "style-src 'self'" : "style-src 'self' 'unsafe-inline'",
    "img-src 'self' https: data:",
    production ? "connect-src 'self'" : "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action ${formTargets}`,
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}

// The policy is the same text around each request's nonce: split once, joined per request.
const NONCE_MARK = "\u0000nonce\u0000";
const policyParts = {
  production: policyAround(NONCE_MARK, true).split(NONCE_MARK) as [string, string],
  development: policyAround(NONCE_MARK, false).split(NONCE_MARK) as [string, string],
};

export function contentSecurityPolicy({ nonce, production }: Required<Options>): string {
  const [before, after] = production ? policyParts.production : policyParts.development;
  return before + nonce + after;
}

// What is not a rendered page (data, JSON, assets, a plain 404) loads nothing and is framed nowhere.
export const NON_DOCUMENT_POLICY = "default-src 'none'; frame-ancestors 'none'";

function headersFor({ nonce, production }: Options): Record<string, string> {
  const headers: Record<string, string> = {
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "X-Frame-Options": "DENY",
    // A page opened from another site (or opening one) shares no window with it: no window.opener
    // handle to navigate it, and no process shared with a cross-origin page (Spectre).
    "Cross-Origin-Opener-Policy": "same-origin",
    // Only the app's own pages load its scripts, styles, data and images: no other site may embed them.
    "Cross-Origin-Resource-Policy": "same-origin",
  };
  headers["Content-Security-Policy"] = nonce === undefined ? NON_DOCUMENT_POLICY : contentSecurityPolicy({ nonce, production });
  // Browsers ignore HSTS over plain HTTP, but a development host should never be pinned to HTTPS.
  if (production) headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains";
  return headers;
}

// Timed under APP_STAGE_TIMINGS only (stage-timings.server.ts).
const STAGE = "security headers and the CSP nonce";
export const createNonce: () => string = timedSync(STAGE, newNonce);
/** Headers for a response: pass the nonce for HTML documents, leave it out for everything else. */
export const securityHeaders: (options: Options) => Record<string, string> = timedSync(STAGE, headersFor);
