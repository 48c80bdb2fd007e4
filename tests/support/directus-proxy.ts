// A tiny HTTP proxy to put between the app and Directus: it forwards everything, counts what
// passes (token refreshes in particular) and can be switched to delay or to hang, to play a slow
// or stuck Directus without touching the real one.
import { Agent, createServer, request as forward, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type ProxyMode = { kind: "pass" } | { kind: "hang" } | { kind: "delay"; ms: number };

export type DirectusProxy = {
  url: string;
  /** Requests seen, POST /auth/refresh calls, and 401 answers Directus gave (e.g. an expired token). */
  counts: { requests: number; refreshes: number; unauthorized: number };
  /** The X-Forwarded-For header of each login and registration the app sent, in order. */
  authForwardedFor: Array<string | undefined>;
  /** The X-Forwarded-For header of every request the app sent, with its method and path, in order. */
  forwardedFor: Array<{ call: string; ip: string | undefined }>;
  setMode(mode: ProxyMode): void;
  stop(): Promise<void>;
};

export async function startDirectusProxy(target: string): Promise<DirectusProxy> {
  const targetUrl = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts = { requests: 0, refreshes: 0, unauthorized: 0 };
  const authForwardedFor: Array<string | undefined> = [];
  const forwardedFor: Array<{ call: string; ip: string | undefined }> = [];
  const sockets = new Set<Socket>();
  let mode: ProxyMode = { kind: "pass" };

  const pass = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = forward(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: targetUrl.host },
        agent,
      },
      (answer) => {
        if (answer.statusCode === 401) counts.unauthorized++;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/plain" });
      res.end("proxy: upstream failed");
    });
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    counts.requests++;
    const path = req.url?.split("?")[0];
    if (req.method === "POST" && path === "/auth/refresh") counts.refreshes++;
    const header = req.headers["x-forwarded-for"];
    const ip = Array.isArray(header) ? header.join(", ") : header;
    forwardedFor.push({ call: `${req.method} ${path}`, ip });
    if (req.method === "POST" && (path === "/auth/login" || path === "/users/register")) authForwardedFor.push(ip);
    const current = mode;
    if (current.kind === "hang") return; // accept, read nothing, answer never
    if (current.kind === "delay") setTimeout(() => pass(req, res), current.ms);
    else pass(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    authForwardedFor,
    forwardedFor,
    setMode: (next) => {
      mode = next;
    },
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}
