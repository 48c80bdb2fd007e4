// The device cookie (device-cookie.server.ts): which account a browser proved itself for, bounded,
// sealed, and kept through a rotation of SESSION_SECRET.
import { afterEach, describe, expect, it, vi } from "vitest";
import { unsealCookieValue } from "#app/server/session/sealed-cookie.server.ts";

const SECRET = "d".repeat(40);
const OLDER = "o".repeat(40);

async function load(secrets: string) {
  vi.stubEnv("SESSION_SECRET", secrets);
  vi.stubEnv("NODE_ENV", "production");
  vi.stubEnv("APP_URL", "https://app.example.com");
  vi.resetModules();
  return import("#app/server/session/device-cookie.server.ts");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The Cookie header a browser sends back after this Set-Cookie. */
const sentBack = (setCookie: string) => setCookie.split(";")[0]!;

describe("device cookie", () => {
  it("is long-lived, HttpOnly, Secure and __Host- in production, and shows no address", async () => {
    const { rememberDevice, DEVICE_COOKIE_MAX_AGE_SECONDS } = await load(SECRET);
    const setCookie = await rememberDevice(null, "Owner@Example.com");
    expect(setCookie).toMatch(/^__Host-device=/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("Secure");
    expect(setCookie).toContain(`Max-Age=${DEVICE_COOKIE_MAX_AGE_SECONDS}`);
    const inside = unsealCookieValue(decodeURIComponent(sentBack(setCookie).split("=").slice(1).join("=")), [SECRET]);
    expect(JSON.stringify(inside)).not.toMatch(/owner|example/i);
  });

  it("proves the browser for the account it was made for (any case), not for another", async () => {
    const { rememberDevice, knownDevice } = await load(SECRET);
    const cookie = sentBack(await rememberDevice(null, "owner@example.com"));
    const nonce = await knownDevice(cookie, "OWNER@example.com");
    expect(nonce).toMatch(/^[\w-]{20,}$/);
    expect(await knownDevice(cookie, "other@example.com")).toBeNull();
    expect(await knownDevice(null, "owner@example.com")).toBeNull();
    // Signing in again keeps the browser's nonce: it is the same device.
    const again = sentBack(await rememberDevice(cookie, "owner@example.com"));
    expect(await knownDevice(again, "owner@example.com")).toBe(nonce);
  });

  it("keeps at most DEVICE_ACCOUNTS_MAX accounts, forgetting the oldest", async () => {
    const { rememberDevice, knownDevice, DEVICE_ACCOUNTS_MAX } = await load(SECRET);
    let cookie: string | null = null;
    for (let i = 0; i <= DEVICE_ACCOUNTS_MAX; i++) cookie = sentBack(await rememberDevice(cookie, `user${i}@example.com`));
    expect(await knownDevice(cookie, "user0@example.com")).toBeNull();
    for (let i = 1; i <= DEVICE_ACCOUNTS_MAX; i++) expect(await knownDevice(cookie, `user${i}@example.com`)).not.toBeNull();
  });

  it("one made with an older secret still counts after a rotation; one made with an unknown secret never does", async () => {
    const before = await load(OLDER);
    const cookie = sentBack(await before.rememberDevice(null, "owner@example.com"));
    const rotated = await load(`${SECRET},${OLDER}`);
    expect(await rotated.knownDevice(cookie, "owner@example.com")).not.toBeNull();
    const other = await load(SECRET);
    expect(await other.knownDevice(cookie, "owner@example.com")).toBeNull();
  });
});
