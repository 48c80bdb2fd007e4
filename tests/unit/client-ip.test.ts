// Per-IP counters key an IPv6 visitor by the /64 their address is in: one subscriber is usually given
// a whole /64 and can pick any address in it, so counting single addresses would give them 2^64 tries.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ipCounterKey } from "#app/server/http/client-ip.server.ts";
import type { AuthResult } from "#app/server/sign-in/auth.server.ts";

describe("ipCounterKey", () => {
  it("keeps an IPv4 address as it is, also one written as IPv4-mapped IPv6", () => {
    expect(ipCounterKey("203.0.113.9")).toBe("203.0.113.9");
    expect(ipCounterKey("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(ipCounterKey("::FFFF:203.0.113.9")).toBe("203.0.113.9");
  });

  it("gives every IPv6 address in one /64 the same key, however it is written", () => {
    const key = ipCounterKey("2001:db8:1:2::1");
    expect(key).toBe("2001:db8:1:2::/64");
    for (const same of ["2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0DB8:0001:0002:0:0:0:9", "2001:db8:1:2:a:b:c:d%eth0", "2001:db8:1:2::203.0.113.9"]) {
      expect(ipCounterKey(same), same).toBe(key);
    }
  });

  it("tells /64s apart", () => {
    expect(ipCounterKey("2001:db8:1:3::1")).not.toBe(ipCounterKey("2001:db8:1:2::1"));
    expect(ipCounterKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(ipCounterKey("::1")).toBe("0:0:0:0::/64");
    expect(ipCounterKey("fe80::1")).not.toBe(ipCounterKey("2001:db8::1"));
  });

  it("keeps anything that is not an IP address as it is", () => {
    expect(ipCounterKey("unknown")).toBe("unknown");
    expect(ipCounterKey("1:2:3")).toBe("1:2:3");
  });
});

describe("throttledLogin from IPv6 addresses", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const wrong = async (): Promise<AuthResult> => ({ ok: false, failure: { kind: "unauthorized" } });

  it("counts every address of one /64 as one IP, for the IP and for the account and IP", { timeout: 30_000 }, async () => {
    vi.stubEnv("REDIS_URL", "");
    vi.stubEnv("LOGIN_FAILURES_PER_ACCOUNT_AND_IP", "3");
    vi.stubEnv("LOGIN_FAILURES_PER_ACCOUNT", "50");
    vi.stubEnv("LOGIN_FAILURES_PER_IP", "8");
    vi.resetModules();
    const { throttledLogin } = await import("#app/server/limits/throttle.server.ts");
    // The pair: three wrong passwords for one account from three addresses of one /64.
    for (let i = 1; i <= 3; i++) expect(await throttledLogin("v6@example.com", `2001:db8:a:1::${i}`, wrong)).not.toHaveProperty("throttled");
    expect(await throttledLogin("v6@example.com", "2001:db8:a:1::99", wrong)).toHaveProperty("throttled", true);
    // The IP: five more accounts' wrong passwords from yet other addresses make eight; the ninth is refused.
    for (let i = 1; i <= 5; i++) expect(await throttledLogin(`v6-${i}@example.com`, `2001:db8:a:1:${i}::1`, wrong)).not.toHaveProperty("throttled");
    expect(await throttledLogin("v6-9@example.com", "2001:db8:a:1:ffff::1", wrong)).toHaveProperty("throttled", true);
    // Another /64 is not held back.
    expect(await throttledLogin("v6-9@example.com", "2001:db8:a:2::1", wrong)).not.toHaveProperty("throttled");
  });
});
