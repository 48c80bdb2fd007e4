import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";

// config.server.ts reads DIRECTUS_TIMEOUT_MS once, at import: each case loads fresh modules.
async function loadTransport(env: Record<string, string> = {}) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.stubEnv("SESSION_SECRET", "a-session-secret-of-at-least-32-characters");
  vi.stubEnv("DIRECTUS_TIMEOUT_MS", "300");
  const transport = await import("#app/server/directus/directus-transport.server.ts");
  const errors = await import("#app/server/directus/directus-errors.server.ts");
  return { ...transport, ...errors };
}

const servers: Server[] = [];
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

afterEach(() => {
  vi.unstubAllEnvs();
  for (const server of servers.splice(0)) server.close().closeAllConnections();
});

describe("the Directus transport", () => {
  it("gives up on a Directus that never answers, at the deadline", async () => {
    const { directusRequest, DirectusUnreachable, classifyDirectusError } = await loadTransport();
    const { url } = await serve(() => {});
    const failure = await directusRequest(`${url}/users/me`).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectusUnreachable);
    expect(classifyDirectusError(failure)).toEqual({ kind: "unavailable" });
  });

  it("gives up on a body that stops half way: the deadline covers the whole answer", async () => {
    const { directusRequest, DirectusUnreachable } = await loadTransport();
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"data":');
    });
    await expect(directusRequest(`${url}/items/posts`)).rejects.toBeInstanceOf(DirectusUnreachable);
  });

  it("calls a refused connection unreachable", async () => {
    const { directusRequest, DirectusUnreachable, classifyDirectusError } = await loadTransport();
    // Port 9 (discard) is closed on a test machine.
    const failure = await directusRequest("http://127.0.0.1:9/server/ping").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectusUnreachable);
    expect(classifyDirectusError(failure)).toEqual({ kind: "unavailable" });
  });

  it("answers with the status, the headers (every Set-Cookie) and the body", async () => {
    const { directusRequest } = await loadTransport();
    const { url } = await serve((req, res) => {
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.setHeader("Set-Cookie", ["a=1; HttpOnly", "b=2"]);
      res.end(JSON.stringify({ method: req.method, type: req.headers["content-type"], forwarded: req.headers["x-forwarded-for"] }));
    });
    const answer = await directusRequest(`${url}/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Forwarded-For": "203.0.113.9" },
      body: "{}",
    });
    expect(answer.status).toBe(200);
    expect(answer.ok).toBe(true);
    expect(answer.headers.get("content-TYPE")).toBe("application/json; charset=utf-8");
    expect(answer.headers.get("Location")).toBeNull();
    expect(answer.headers.getSetCookie()).toEqual(["a=1; HttpOnly", "b=2"]);
    expect(await answer.json()).toEqual({ method: "POST", type: "application/json", forwarded: "203.0.113.9" });
  });

  it("keeps the connection to Directus open between calls", async () => {
    const { directusRequest } = await loadTransport();
    const { server, url } = await serve((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"data":null}'));
    let connections = 0;
    server.on("connection", () => connections++);
    for (let i = 0; i < 20; i++) await directusRequest(`${url}/server/ping`);
    // undici may open a second socket while the first is being handed back; never one per call.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it("hands the SDK an error answer it turns into a classified failure", async () => {
    const { url } = await serve((_req, res) =>
      res.writeHead(403, { "content-type": "application/json" }).end('{"errors":[{"message":"no","extensions":{"code":"FORBIDDEN"}}]}'),
    );
    const { classifyDirectusError } = await loadTransport({ DIRECTUS_URL: url });
    const { readItem } = await import("@directus/sdk");
    const { directusClient } = await import("#app/server/directus/directus.server.ts");
    const failure = await directusClient({ token: "t" })
      .request(readItem("posts", 1))
      .catch((error: unknown) => error);
    expect(classifyDirectusError(failure)).toEqual({ kind: "forbidden" });
  });
});

describe("a streamed answer (a download)", () => {
  it("passes the body on piece by piece, long after the deadline of its first byte, while the pieces keep coming", async () => {
    const { directusStream } = await loadTransport();
    const { url } = await serve(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      // Five pieces 200 ms apart: a second in all, more than the 300 ms deadline, never 300 ms without one.
      for (const piece of ['{"a":', "1,", '"b":', "2", "}"]) {
        res.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      res.end();
    });
    const answer = await directusStream(`${url}/account-ownership/export`);
    expect(answer.status).toBe(200);
    const pieces: string[] = [];
    for await (const piece of answer.body) pieces.push(Buffer.from(piece).toString());
    expect(pieces.length).toBeGreaterThan(1);
    expect(JSON.parse(pieces.join(""))).toEqual({ a: 1, b: 2 });
  });

  it("errors when Directus stops part-way, so the download is cut rather than ended", async () => {
    const { directusStream } = await loadTransport();
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"posts":[');
    });
    const answer = await directusStream(`${url}/account-ownership/export`);
    const read = (async () => {
      for await (const _piece of answer.body);
    })();
    await expect(read).rejects.toThrow();
  });

  it("gives up on a Directus that never starts answering, at the deadline", async () => {
    const { directusStream, DirectusUnreachable } = await loadTransport();
    const { url } = await serve(() => {});
    await expect(directusStream(`${url}/account-ownership/export`)).rejects.toBeInstanceOf(DirectusUnreachable);
  });

  it("hands back an error answer's status, and frees its connection", async () => {
    const { directusStream } = await loadTransport();
    const { url } = await serve((_req, res) => res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[]}'));
    const answer = await directusStream(`${url}/account-ownership/export`);
    expect(answer.status).toBe(404);
    await answer.discard();
  });
});
