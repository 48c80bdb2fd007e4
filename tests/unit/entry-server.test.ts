import { RouterContextProvider, UNSAFE_ErrorResponseImpl, type EntryContext } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import handleRequest, { handleError, serverHeaders } from "#app/entry.server.tsx";

const args = (request: Request) => ({ request, context: new RouterContextProvider(), params: {} });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("handleError", () => {
  it("logs an unexpected error with the method and path only", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const request = new Request("http://app.test/login?email=ada%40example.com", { method: "POST", body: "password=hunter2" });
    const error = new Error("Directus client exploded");

    handleError(error, args(request));

    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]).toEqual(["Unexpected error on POST /login:", error]);
    expect(JSON.stringify(log.mock.calls)).not.toContain("hunter2");
    expect(JSON.stringify(log.mock.calls)).not.toContain("ada%40example.com");
  });

  it("stays quiet when the visitor went away", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const controller = new AbortController();
    controller.abort();
    handleError(new Error("aborted render"), args(new Request("http://app.test/dashboard", { signal: controller.signal })));
    expect(log).not.toHaveBeenCalled();
  });

  // This is how React Router reports "No route matches URL" and its own 500s.
  it("stays quiet for an unknown URL, but not for an internal 500", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const request = new Request("http://app.test/favicon.ico");
    handleError(new UNSAFE_ErrorResponseImpl(404, "Not Found", new Error("No route matches URL"), true), args(request));
    expect(log).not.toHaveBeenCalled();

    const cause = new Error("loader crashed");
    handleError(new UNSAFE_ErrorResponseImpl(500, "Internal Server Error", cause, true), args(request));
    expect(log).toHaveBeenCalledWith("Unexpected error on GET /favicon.ico:", cause);
  });

  it("stays quiet when React Router's origin check refuses a cross-site POST", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const request = new Request("http://app.test/logout", { method: "POST", headers: { Origin: "https://evil.example" } });
    const refused = new Error("The `request.url` origin does not match `origin` header from a forwarded action request. Aborting the action.");
    handleError(refused, args(request));
    expect(log).not.toHaveBeenCalled();
  });
});

describe("serverHeaders", () => {
  it("gives server.mjs the security headers with the policy for what is not a document", () => {
    expect(serverHeaders.everyResponse["X-Content-Type-Options"]).toBe("nosniff");
    expect(serverHeaders.everyResponse["X-Frame-Options"]).toBe("DENY");
    expect(serverHeaders.everyResponse["Content-Security-Policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("keeps what React Router answers out of shared caches, 404s included", () => {
    expect(serverHeaders.appResponse).toEqual({ "Cache-Control": "private, no-store" });
  });
});

describe("handleRequest", () => {
  it("gives each document its own nonce in the CSP", async () => {
    const render = async () =>
      handleRequest(new Request("http://app.test/", { method: "HEAD" }), 200, new Headers(), {} as EntryContext, new RouterContextProvider());
    const [first, second] = await Promise.all([render(), render()]);
    const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get("Content-Security-Policy") ?? "")?.[1];

    expect(nonceOf(first)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(second)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(first)).not.toBe(nonceOf(second));
    expect(first.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
  });
});
