import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { boundedUserAgent, USER_AGENT_MAX, visitorUserAgent, withVisitorUserAgent } from "#app/server/http/visitor-agent.server.ts";

const request = (userAgent?: string) => new Request("http://app.test/", { headers: userAgent === undefined ? {} : { "User-Agent": userAgent } });

describe("the visitor's User-Agent", () => {
  it("is bounded and keeps to printable ASCII before anything is done with it", () => {
    expect(boundedUserAgent("Mozilla/5.0 Firefox/133.0")).toBe("Mozilla/5.0 Firefox/133.0");
    expect(boundedUserAgent("A".repeat(5000))).toHaveLength(USER_AGENT_MAX);
    expect(boundedUserAgent("Fire\u00e9fox\u0007")).toBe("Firefox");
    expect(boundedUserAgent("   ")).toBeNull();
    expect(boundedUserAgent(null)).toBeNull();
  });

  it("is the request's for every call made while handling it, and nobody's outside one", async () => {
    expect(visitorUserAgent()).toBeUndefined();
    const seen = await withVisitorUserAgent(request("Browser/1"), async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return visitorUserAgent();
    });
    expect(seen).toBe("Browser/1");
    // A visitor that sent none is sent as none (not as this server's own "node").
    expect(withVisitorUserAgent(request(), () => visitorUserAgent())).toBeNull();
  });

  it("reaches Directus on the app's calls", async () => {
    const headers: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      headers.push(req.headers);
      res.writeHead(200, { "content-type": "application/json" }).end('{"data":{"id":"1"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    process.env.SESSION_SECRET ??= "a-session-secret-of-at-least-32-characters";
    process.env.DIRECTUS_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { readMe } = await import("@directus/sdk");
      const { directusClient } = await import("#app/server/directus/directus.server.ts");
      await withVisitorUserAgent(request("Browser/2 (Linux)"), () => directusClient({ clientIp: "203.0.113.9" }).request(readMe()));
      await withVisitorUserAgent(request(), () => directusClient().request(readMe()));
    } finally {
      server.close();
    }
    expect(headers[0]?.["user-agent"]).toBe("Browser/2 (Linux)");
    expect(headers[0]?.["x-forwarded-for"]).toBe("203.0.113.9");
    expect(headers[1]?.["user-agent"] ?? "").toBe("");
  });
});
