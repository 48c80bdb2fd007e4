// The rules free of Directus: the relying party from APP_URL, a passkey's default name, durations read
// as Directus reads them, and the shapes inputs must have before any work.
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultName, durationMs, isBase64urlWithin, readName, relyingParty, userIdOfHandle } from "../rules.js";

const directusApi = join(fileURLToPath(import.meta.url), "../../../../directus/node_modules/@directus/api/dist");

describe("the relying party", () => {
  it("is APP_URL's host name and origin", () => {
    expect(relyingParty("http://localhost:5173")).toMatchObject({ rpID: "localhost", origin: "http://localhost:5173" });
    expect(relyingParty("https://app.example.com/some/path")).toMatchObject({ rpID: "app.example.com", origin: "https://app.example.com" });
  });

  it("refuses to start without APP_URL, or with something else than an http(s) URL", () => {
    expect(() => relyingParty(undefined)).toThrow(/APP_URL/);
    expect(() => relyingParty("ftp://example.com")).toThrow(/APP_URL/);
  });
});

describe("a passkey's default name", () => {
  it.each([
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86", "Edge on Windows"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iOS"],
    ["Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"],
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36", "Chrome on Linux"],
    ["Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"],
    ["curl/8.5.0", "Passkey"],
    [undefined, "Passkey"],
  ])("%s → %s", (userAgent, name) => {
    expect(defaultName(userAgent)).toBe(name);
  });
});

describe("names given", () => {
  it("are trimmed, 1 to 64 characters, without control characters", () => {
    expect(readName("  Phone ")).toBe("Phone");
    expect(readName("é".repeat(64))).toBe("é".repeat(64));
    for (const bad of ["", "   ", "x".repeat(65), "a\nb", 42, null]) expect(readName(bad)).toBeNull();
  });
});

describe("inputs", () => {
  it("are judged by their length before anything is decoded", () => {
    expect(isBase64urlWithin("A".repeat(1364), 1023)).toBe(true);
    expect(isBase64urlWithin("A".repeat(1365), 1023)).toBe(false);
    expect(isBase64urlWithin("AA==", 10)).toBe(false);
    expect(isBase64urlWithin("", 10)).toBe(false);
    expect(isBase64urlWithin(7, 10)).toBe(false);
  });

  it("a user handle names a user only when it is a user id", () => {
    expect(userIdOfHandle(Buffer.from("0b5a1a3e-8d1c-4a8e-9a3c-2b1f3a4c5d6e").toString("base64url"))).toBe("0b5a1a3e-8d1c-4a8e-9a3c-2b1f3a4c5d6e");
    expect(userIdOfHandle(Buffer.from("admin").toString("base64url"))).toBeNull();
    expect(userIdOfHandle(undefined)).toBeNull();
  });
});

describe("durations", () => {
  it("are read exactly as Directus 11.17.4's getMilliseconds reads them", async () => {
    const { getMilliseconds } = await import(pathToFileURL(join(directusApi, "utils/get-milliseconds.js")).href);
    for (const value of ["1d", "7d", "15m", "5s", "2 days", "1.5h", "86400000", 86400000, "1y", "1w", "500ms", "", "nonsense", "10 parsecs"]) {
      expect([value, durationMs(value, -1)]).toEqual([value, getMilliseconds(value, -1)]);
    }
  });
});
