// React Router's Node entry, rendering whole documents, plus a per-request CSP nonce, security headers
// and quieter error logging. Every other response gets its headers from responseHeadersMiddleware.
import { Writable } from "node:stream";

import { renderToPipeableStream } from "react-dom/server";
import {
  isRouteErrorResponse,
  ServerRouter,
  type EntryContext,
  type HandleErrorFunction,
  type RouterContextProvider,
} from "react-router";

import { PRIVATE_CACHE_CONTROL } from "#app/server/http/response-headers.server.ts";
import { createNonce, securityHeaders } from "#app/server/http/security-headers.server.ts";
import { timedAsync } from "#app/server/http/stage-timings.server.ts";

export const streamTimeout = 5_000;

// import.meta.env.DEV is fixed at build time, so a production build never ships the relaxed development CSP.
const production = !import.meta.env.DEV;

function applyHeaders(target: Headers, headers: Record<string, string>) {
  for (const [name, value] of Object.entries(headers)) target.set(name, value);
}

function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  _loadContext: RouterContextProvider,
) {
  const nonce = createNonce();
  applyHeaders(responseHeaders, securityHeaders({ nonce, production }));

  // https://httpwg.org/specs/rfc9110.html#HEAD
  if (request.method.toUpperCase() === "HEAD") {
    return new Response(null, { status: responseStatusCode, headers: responseHeaders });
  }

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    // Abort after streamTimeout, with time left to flush the rejected boundaries.
    let timeoutId: ReturnType<typeof setTimeout> | undefined = setTimeout(() => abort(), streamTimeout + 1000);

    // The whole document is rendered before anything is sent. Every loader here awaits its data, so
    // streaming would only cut the page into chunks, and pushing each chunk through Node and web
    // streams cost a measurable share of a page's CPU (README, Performance). A loader that returns
    // a promise still works: the page waits for it, up to streamTimeout.
    const chunks: Buffer[] = [];
    const document = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
      final(callback) {
        clearTimeout(timeoutId);
        timeoutId = undefined;
        const body = Buffer.concat(chunks);
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        responseHeaders.set("Content-Length", String(body.length));
        resolve(new Response(body, { headers: responseHeaders, status: responseStatusCode }));
        callback();
      },
    });

    const { pipe, abort } = renderToPipeableStream(
      // ServerRouter hands the nonce to <Scripts>, <ScrollRestoration>, <Links> and the streamed hydration data.
      <ServerRouter context={routerContext} url={request.url} nonce={nonce} />,
      {
        nonce,
        onShellReady() {
          shellRendered = true;
        },
        onAllReady() {
          pipe(document);
        },
        onShellError(error: unknown) {
          clearTimeout(timeoutId);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors before the shell reject above and are logged by handleError; only log later ones here.
          if (shellRendered) console.error(error);
        },
      },
    );
  });
}

// Timed under APP_STAGE_TIMINGS only (stage-timings.server.ts).
export default timedAsync("render: React to HTML", handleRequest);

/**
 * For server.mjs, which answers some requests without a route: built assets, public files, and
 * URLs no route matches (React Router answers those 404s without running middleware). Exported
 * here because the server build exposes this module as `build.entry.module`.
 */
export const serverHeaders = {
  /** Every response: the security headers, with the policy for what is not a document. */
  everyResponse: securityHeaders({ production }),
  /** Every response React Router answers, matched or not. */
  appResponse: { "Cache-Control": PRIVATE_CACHE_CONTROL },
};

// Logs the error and where it happened, never the request body; aborted requests are the visitor leaving, not a fault.
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  // An unknown URL (404) or a wrong method (405) is the visitor's mistake, not the server's.
  if (isRouteErrorResponse(error) && error.status < 500) return;
  // React Router's origin check refusing a cross-site POST (answered 400): an attacker's request, not a fault, and not worth a log line each.
  if (error instanceof Error && error.message.endsWith("Aborting the action.")) return;
  // Internal error responses carry the underlying error, whose stack is the useful part.
  const cause = isRouteErrorResponse(error) && "error" in error && error.error ? error.error : error;
  console.error(`Unexpected error on ${request.method} ${new URL(request.url).pathname}:`, cause);
};
