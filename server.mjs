// Production server: Express serving the React Router build, with static assets cached and a
// graceful stop on SIGTERM (finish what is in flight, accept nothing new).
import express from "express";
import { createRequestHandler } from "@react-router/express";

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

const app = express();
app.disable("x-powered-by");
// TRUST_PROXY follows Express's "trust proxy" setting: how many proxies, or which addresses, set X-Forwarded-For.
if (process.env.TRUST_PROXY) {
  const value = process.env.TRUST_PROXY;
  app.set("trust proxy", /^\d+$/.test(value) ? Number(value) : value === "true" ? true : value);
}

app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
// Other public files (favicon, robots.txt): only paths that look like files reach the disk, so page
// requests skip a filesystem lookup.
const publicFiles = express.static("build/client", { maxAge: "1h", index: false });
app.use((req, res, next) => (/\.(?!data$)\w+$/.test(req.path) ? publicFiles(req, res, next) : next()));

// The app reads the visitor's IP from this header; whatever a visitor sent under that name is replaced.
app.use((req, _res, next) => {
  req.headers[CLIENT_IP_HEADER] = req.ip ?? "";
  next();
});
app.all("/{*splat}", createRequestHandler({ build }));

const server = app.listen(port, host, () => {
  console.log(`App listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port}`);
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
