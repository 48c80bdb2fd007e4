// Production server: Node's http server handing requests to the React Router build, static assets
// from build/client, and a graceful stop on SIGTERM (finish what is in flight, accept nothing new).
import { createServer } from "node:http";
import { createRequestListener } from "@react-router/node";
import proxyAddr from "proxy-addr";
import serveStatic from "serve-static";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const CLIENT_IP_HEADER = "x-app-client-ip";

let build;
try {
  build = await import("./build/server/index.js");
} catch (error) {
  // Configuration errors are thrown while the build loads; show the message, not a stack.
  if (error?.constructor?.name === "ConfigError") {
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
  if (error?.code === "ERR_MODULE_NOT_FOUND") {
    console.error("No build found. Run `npm run build` first.");
    process.exit(1);
  }
  throw error;
}

// TRUST_PROXY: how many proxies (a number), `true`, or which addresses may set X-Forwarded-For
// (the same values as Express's "trust proxy"). Unset: the socket's address is the visitor's.
function trustFunction(value) {
  if (!value) return () => false;
  if (value === "true") return () => true;
  if (/^\d+$/.test(value)) return (_address, hop) => hop < Number(value);
  return proxyAddr.compile(value.split(",").map((entry) => entry.trim()));
}
const trustProxy = trustFunction(process.env.TRUST_PROXY);

// Headers set before anything answers: what this file serves itself (assets, public files, their 404s)
// keeps them, and the headers React Router sends replace them (a document's CSP carries its nonce).
// A build without them (the benchmark's bare React Router app) is served with none; the hardening
// tests hold this app to them.
const serverHeaders = build.entry.module.serverHeaders ?? { everyResponse: {}, appResponse: {} };
const setHeaders = (res, headers) => {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
};

const assets = serveStatic("build/client/assets", { immutable: true, maxAge: "1y", index: false, fallthrough: false });
// Other public files (favicon, robots.txt): only paths that look like files reach the disk.
const publicFiles = serveStatic("build/client", { maxAge: "1h", index: false });
const handleRequest = createRequestListener({ build, mode: process.env.NODE_ENV });

const server = createServer((req, res) => {
  setHeaders(res, serverHeaders.everyResponse);
  const path = req.url?.split("?")[0] ?? "/";
  if (path.startsWith("/assets/")) {
    req.url = req.url.slice("/assets".length);
    return assets(req, res, () => notFound(res));
  }
  // The app reads the visitor's IP from this header; whatever a visitor sent under that name is replaced.
  req.headers[CLIENT_IP_HEADER] = proxyAddr(req, trustProxy);
  if (/\.(?!data$)\w+$/.test(path)) return publicFiles(req, res, () => appRequest(req, res));
  return appRequest(req, res);
});

// Not before serve-static, which keeps a Cache-Control it finds instead of setting its own.
function appRequest(req, res) {
  setHeaders(res, serverHeaders.appResponse);
  return handleRequest(req, res);
}

function notFound(res) {
  res.statusCode = 404;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end("Not found");
}

server.listen(port, host, () => {
  console.log(`App listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port}`);
});

// A refused form (too large, too many fields) is not read to its end. Once the answer is sent, the
// rest is read and dropped, as Node does for a body nobody touched, so the client gets the answer
// and the connection can carry the next request; past this much, the connection is cut instead.
const MAX_DISCARDED_BYTES = 4 * 1024 * 1024;
server.on("request", (req, res) => {
  res.once("finish", () => {
    if (req.complete || req.destroyed) return;
    let discarded = 0;
    req.removeAllListeners("data");
    req.on("data", (chunk) => {
      discarded += chunk.length;
      if (discarded > MAX_DISCARDED_BYTES) req.destroy();
    });
    req.resume();
  });
});

// Responses still being written, so a stop can tell their connections to close once answered.
const inFlight = new Set();
let stopping = false;
server.on("request", (_req, res) => {
  inFlight.add(res);
  res.once("close", () => {
    inFlight.delete(res);
    // The connection that carried it is idle now; a keep-alive client must not hold the stop up.
    if (stopping) setImmediate(() => server.closeIdleConnections());
  });
});

function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received: finishing in-flight requests`);
  server.close(() => process.exit(0));
  for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
  server.closeIdleConnections();
  // Don't wait forever on a stuck connection.
  setTimeout(() => process.exit(1), 10_000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
