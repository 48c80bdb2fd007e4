// The benchmark's ceiling for any Node server in front of Directus: each request is forwarded to
// Directus with the same path and the user's token (global fetch, the client the app uses), and the
// JSON is sent back.
// No routing, session, rendering or headers. Run by the benchmark (scripts/bench/servers.mjs) as its
// own process, like the app, so it competes with Directus for the same cores the app does.
import { createServer } from "node:http";

const origin = process.env.PASS_THROUGH_ORIGIN;
const authorization = process.env.PASS_THROUGH_AUTHORIZATION;
if (!origin || !authorization) throw new Error("PASS_THROUGH_ORIGIN and PASS_THROUGH_AUTHORIZATION are required");

const server = createServer(async (req, res) => {
  try {
    const upstream = await fetch(`${origin}${req.url}`, { headers: { Authorization: authorization } });
    const body = await upstream.text();
    res.writeHead(upstream.status, { "Content-Type": "application/json; charset=utf-8" });
    res.end(body);
  } catch {
    res.writeHead(502);
    res.end();
  }
});

server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
