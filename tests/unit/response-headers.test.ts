import { redirect, RouterContextProvider } from "react-router";
import { describe, expect, it } from "vitest";
import { responseHeadersMiddleware } from "#app/server/http/response-headers.server.ts";

/** Runs the middleware around a handler that answers with `response`. */
async function through(response: Response): Promise<Response> {
  const args = { request: new Request("http://app.test/dashboard"), context: new RouterContextProvider(), params: {}, unstable_pattern: "" };
  return (await responseHeadersMiddleware(args as never, async () => response)) as Response;
}

describe("responseHeadersMiddleware", () => {
  it("keeps every response React Router answers out of shared caches", async () => {
    for (const response of [
      new Response("<html></html>", { headers: { "Content-Type": "text/html" } }),
      new Response("{}", { headers: { "Cache-Control": "public, max-age=600" } }),
      redirect("/login"),
      Response.json({ app: "ok" }, { headers: { "Cache-Control": "no-store" } }),
    ]) {
      expect((await through(response)).headers.get("Cache-Control")).toBe("private, no-store");
    }
  });

  it("adds the security headers a response lacks, with a policy that allows nothing", async () => {
    const response = await through(Response.json({ app: "ok" }));
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    expect(response.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("Permissions-Policy")).toBe("camera=(), microphone=(), geolocation=()");
    expect(response.headers.get("Content-Security-Policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("keeps a document's own policy with its nonce", async () => {
    const csp = "default-src 'self'; script-src 'self' 'nonce-abc' 'strict-dynamic'";
    const response = await through(new Response("<html></html>", { headers: { "Content-Security-Policy": csp } }));
    expect(response.headers.get("Content-Security-Policy")).toBe(csp);
  });

});
