import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce, securityHeaders } from "#app/server/http/security-headers.server.ts";

/** The CSP as a map from directive to its sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(";").map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

describe("securityHeaders for a production document", () => {
  const headers = securityHeaders({ nonce: "abc123==", production: true });
  const csp = directives(headers["Content-Security-Policy"]!);

  it("allows only scripts carrying this request's nonce, and what they load", () => {
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(headers["Content-Security-Policy"]).not.toContain("unsafe-inline");
    expect(headers["Content-Security-Policy"]).not.toContain("unsafe-eval");
  });

  it("locks down everything else", () => {
    expect(csp.get("default-src")).toEqual(["'self'"]);
    expect(csp.get("style-src")).toEqual(["'self'"]);
    expect(csp.get("img-src")).toEqual(["'self'", "https:", "data:"]);
    expect(csp.get("connect-src")).toEqual(["'self'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'self'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  });

  it("sends the other headers, HSTS included", () => {
    expect(headers).toMatchObject({
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "X-Content-Type-Options": "nosniff",
      "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
      "X-Frame-Options": "DENY",
      "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    });
  });

  it("keeps the page in a browsing context of its own and its resources to its own origin", () => {
    expect(headers["Cross-Origin-Opener-Policy"]).toBe("same-origin");
    expect(headers["Cross-Origin-Resource-Policy"]).toBe("same-origin");
  });

  it("is accepted by the Headers constructor", () => {
    expect(new Headers(headers).get("x-frame-options")).toBe("DENY");
  });
});

describe("securityHeaders in development", () => {
  const headers = securityHeaders({ nonce: "n0nce", production: false });
  const csp = directives(headers["Content-Security-Policy"]!);

  it("lets Vite's HMR inject styles and open its WebSocket, but keeps scripts nonce-bound", () => {
    expect(csp.get("style-src")).toContain("'unsafe-inline'");
    // A nonce or hash in style-src would make browsers ignore 'unsafe-inline'.
    expect(csp.get("style-src")!.some((source) => source.startsWith("'nonce-"))).toBe(false);
    expect(csp.get("connect-src")).toEqual(expect.arrayContaining(["'self'", "ws:"]));
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-n0nce'", "'strict-dynamic'"]);
  });

  it("never pins the host to HTTPS", () => {
    expect(headers["Strict-Transport-Security"]).toBeUndefined();
  });
});

describe("securityHeaders for anything but a document", () => {
  it("has a policy that allows nothing, and keeps the rest", () => {
    const headers = securityHeaders({ production: true });
    expect(headers["Content-Security-Policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
    expect(headers["X-Frame-Options"]).toBe("DENY");
    expect(headers["Strict-Transport-Security"]).toBe("max-age=63072000; includeSubDomains");
    // Scripts, styles and data are for the app's own pages: no other site may load them.
    expect(headers["Cross-Origin-Resource-Policy"]).toBe("same-origin");
    expect(headers["Cross-Origin-Opener-Policy"]).toBe("same-origin");
  });
});

describe("createNonce", () => {
  it("gives 16 random bytes in base64, different every time", () => {
    // More than one pool's worth (256), so the refill is crossed.
    const nonces = new Set(Array.from({ length: 1000 }, () => createNonce()));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    }
  });

  it("fits into the CSP as a nonce source", () => {
    const nonce = createNonce();
    expect(contentSecurityPolicy({ nonce, production: true })).toContain(`'nonce-${nonce}'`);
  });
});
