import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_LOGIN, safeRedirect } from "#app/lib/safe-redirect.ts";

const origin = "https://app.example";

// Where a browser would actually go if the result were sent as a Location header from our origin.
function landsOn(location: string): URL {
  return new URL(location, `${origin}/login`);
}

describe("safeRedirect", () => {
  const hostile: Array<[string, unknown]> = [
    ["protocol-relative URL", "//evil.com"],
    ["absolute URL", "https://evil.com"],
    ["slash-backslash (browsers treat \\ as /)", "/\\evil.com"],
    ["double backslash", "\\\\evil.com"],
    ["tab between slashes (browsers strip it)", "/\t/evil.com"],
    ["newline between slashes", "/\n/evil.com"],
    ["javascript: URL", "javascript:alert(1)"],
    ["leading space before //", " //evil.com"],
    ["dot-dot climbing to //", "/..//evil.com"],
    ["null", null],
    ["undefined", undefined],
    ["empty string", ""],
    ["a number", 42],
    ["an object", { toString: () => "/dashboard" }],
  ];

  it.each(hostile)("falls back to the default for %s", (_label, input) => {
    const result = safeRedirect(input as string | null);
    expect(result).toBe(DEFAULT_AFTER_LOGIN);
    expect(landsOn(result).origin).toBe(origin);
  });

  it("falls back for a File value from a form", () => {
    expect(safeRedirect(new File(["//evil.com"], "x.txt"))).toBe(DEFAULT_AFTER_LOGIN);
  });

  // Decided: an encoded tab stays encoded in a Location header, so it is a harmless same-origin path.
  it("keeps /%09/evil.com as a path on this site", () => {
    const result = safeRedirect("/%09/evil.com");
    expect(landsOn(result).origin).toBe(origin);
    expect(landsOn(result).pathname).toBe("/%09/evil.com");
  });

  it.each(["/dashboard", "/posts/3?x=1", "/posts/3#a"])("keeps the same-site path %s unchanged", (input) => {
    expect(safeRedirect(input)).toBe(input);
    expect(landsOn(input).origin).toBe(origin);
  });

  it("sends a login without a usable redirectTo to the dashboard, a page the app serves", async () => {
    expect(safeRedirect(undefined)).toBe("/dashboard");
    expect(safeRedirect("//evil.com")).toBe("/dashboard");
    const { default: routes } = await import("#app/routes.ts");
    expect(routes.map((entry) => `/${entry.path ?? ""}`)).toContain(safeRedirect(undefined));
  });
});
