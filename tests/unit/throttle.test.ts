// The throttle's bookkeeping with in-memory counters and a stand-in for the login (the real one,
// against Directus, is tests/hardening/throttling.test.ts): what is counted, when Directus is not
// asked, what a right password gives back.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AuthResult } from "#app/server/sign-in/auth.server.ts";

async function load(env: Record<string, string> = {}) {
  vi.stubEnv("REDIS_URL", "");
  vi.stubEnv("LOGIN_FAILURES_PER_ACCOUNT_AND_IP", "3");
  vi.stubEnv("LOGIN_FAILURES_PER_ACCOUNT", "5");
  vi.stubEnv("LOGIN_FAILURES_PER_IP", "8");
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  return import("#app/server/limits/throttle.server.ts");
}

// The first import loads the Directus SDK behind auth.server.ts: seconds on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

afterEach(() => {
  vi.unstubAllEnvs();
});

const wrong = async (): Promise<AuthResult> => ({ ok: false, failure: { kind: "unauthorized" } });
const right = async (): Promise<AuthResult> => ({ ok: false, failure: { kind: "unauthorized" }, codeRefused: true });
const down = async (): Promise<AuthResult> => ({ ok: false, failure: { kind: "unavailable" } });

describe("throttledLogin", () => {
  it("asks Directus until the pair's limit, then answers without asking, with the pair's long wait", async () => {
    const { throttledLogin } = await load();
    const attempt = vi.fn(wrong);
    for (let i = 0; i < 3; i++) expect(await throttledLogin("a@example.com", "10.0.0.1", attempt)).toEqual({ ok: false, failure: { kind: "unauthorized" } });
    const throttled = await throttledLogin("a@example.com", "10.0.0.1", attempt);
    expect(throttled).toMatchObject({ throttled: true });
    expect("throttled" in throttled && throttled.retryAfterSeconds).toBeGreaterThan(800);
    expect(attempt).toHaveBeenCalledTimes(3);
    // Another IP is not held back by this pair; the address is keyed lowercased.
    expect(await throttledLogin("A@Example.com", "10.0.0.2", attempt)).not.toHaveProperty("throttled");
    expect(await throttledLogin("A@EXAMPLE.COM", "10.0.0.1", attempt)).toHaveProperty("throttled", true);
  });

  it("blocks the account from every IP for LOGIN_ACCOUNT_BLOCK_SECONDS, 15 minutes by default", async () => {
    const { throttledLogin } = await load();
    for (let i = 0; i < 5; i++) await throttledLogin("b@example.com", `10.0.1.${i}`, wrong);
    const throttled = await throttledLogin("b@example.com", "10.0.1.99", right);
    expect(throttled).toMatchObject({ throttled: true });
    expect("throttled" in throttled && throttled.retryAfterSeconds).toBeGreaterThan(800);
    expect("throttled" in throttled && throttled.retryAfterSeconds).toBeLessThanOrEqual(900);
  });

  it("a known device is never refused by the account's block: it is counted on its own, with the pair's numbers", async () => {
    const { throttledLogin } = await load();
    for (let i = 0; i < 8; i++) await throttledLogin("k@example.com", `10.0.5.${i}`, wrong);
    expect(await throttledLogin("k@example.com", "10.0.5.99", right)).toHaveProperty("throttled", true);
    // The owner's browser, from an IP the campaign used too: its right password is asked.
    const attempt = vi.fn(right);
    expect(await throttledLogin("k@example.com", "10.0.5.1", attempt, "nonce-1")).not.toHaveProperty("throttled");
    expect(attempt).toHaveBeenCalledTimes(1);
    // Its wrong passwords are wrong, and counted against it: three, then it waits the pair's long wait.
    for (let i = 0; i < 3; i++) expect(await throttledLogin("k@example.com", "10.0.5.1", wrong, "nonce-1")).not.toHaveProperty("throttled");
    const throttled = await throttledLogin("k@example.com", "10.0.5.1", right, "nonce-1");
    expect("throttled" in throttled && throttled.retryAfterSeconds).toBeGreaterThan(800);
    // Another known browser of the account is not held back by the first one's typos.
    expect(await throttledLogin("k@example.com", "10.0.5.2", right, "nonce-2")).not.toHaveProperty("throttled");
  });

  it("a known device's attempts do not feed the account's or the IP's counters", async () => {
    const { throttledLogin } = await load();
    for (let i = 0; i < 3; i++) {
      await throttledLogin("m@example.com", "10.0.6.1", wrong, "nonce-a");
      await throttledLogin("m@example.com", "10.0.6.1", wrong, "nonce-b");
      await throttledLogin("m@example.com", "10.0.6.1", wrong, "nonce-c");
    }
    // Nine wrong from known browsers at one IP: the pair (3), account (5) and IP (8) counters are untouched.
    expect(await throttledLogin("m@example.com", "10.0.6.1", right)).not.toHaveProperty("throttled");
  });

  it("a right password (also one that only lacks its code) and an unanswered attempt cost nothing", async () => {
    const { throttledLogin } = await load();
    for (let round = 0; round < 4; round++) {
      await throttledLogin("c@example.com", "10.0.2.1", wrong);
      await throttledLogin("c@example.com", "10.0.2.1", wrong);
      await throttledLogin("c@example.com", "10.0.2.1", right);
      await throttledLogin("c@example.com", "10.0.2.1", down);
    }
    // The right password cleared the pair each round, but not the account's failures: past 5, it is over.
    expect(await throttledLogin("c@example.com", "10.0.2.1", right)).toHaveProperty("throttled", true);
    const { throttledLogin: fresh } = await load();
    for (let i = 0; i < 20; i++) expect(await fresh("d@example.com", "10.0.3.1", right)).not.toHaveProperty("throttled");
    for (let i = 0; i < 20; i++) expect(await fresh("d@example.com", "10.0.3.1", down)).not.toHaveProperty("throttled");
  });

  it("parallel attempts never reach Directus more often than the limit allows", async () => {
    const { throttledLogin } = await load();
    const attempt = vi.fn(wrong);
    await Promise.all(Array.from({ length: 12 }, () => throttledLogin("e@example.com", "10.0.4.1", attempt)));
    expect(attempt).toHaveBeenCalledTimes(3);
  });
});

describe("throttledPasskeySignIn", () => {
  const wrongPasskey = async () => ({ outcome: "wrong" as const });
  const rightPasskey = async () => ({ outcome: "right" as const });

  it("an IP's failures stop it before Directus is asked; a right passkey or an unanswered check costs nothing", async () => {
    const { throttledPasskeySignIn } = await load();
    const attempt = vi.fn(wrongPasskey);
    for (let i = 0; i < 8; i++) await throttledPasskeySignIn(`cred-${i}`, "10.0.7.1", attempt);
    expect(await throttledPasskeySignIn("cred-x", "10.0.7.1", attempt)).toHaveProperty("throttled", true);
    expect(attempt).toHaveBeenCalledTimes(8);
    // Another IP is not held back.
    expect(await throttledPasskeySignIn("cred-x", "10.0.7.2", rightPasskey)).toEqual({ outcome: "right" });
    for (let i = 0; i < 20; i++) await throttledPasskeySignIn("cred-y", "10.0.7.3", rightPasskey);
    for (let i = 0; i < 20; i++) await throttledPasskeySignIn("cred-y", "10.0.7.3", async () => ({ outcome: "unchecked" as const }));
    expect(await throttledPasskeySignIn("cred-y", "10.0.7.3", wrongPasskey)).toEqual({ outcome: "wrong" });
  });

  it("a stranger's failures with the owner's credential id never refuse the owner's right passkey", async () => {
    const { throttledPasskeySignIn } = await load();
    for (let i = 0; i < 30; i++) await throttledPasskeySignIn("owners-cred", `10.0.8.${i}`, wrongPasskey);
    // Over for that credential: a failure says to wait, but the check is still made ...
    const check = vi.fn(rightPasskey);
    expect(await throttledPasskeySignIn("owners-cred", "10.0.8.200", wrongPasskey)).toHaveProperty("throttled", true);
    // ... so the owner's right passkey signs in, and clears the count.
    expect(await throttledPasskeySignIn("owners-cred", "10.0.8.201", check)).toEqual({ outcome: "right" });
    expect(check).toHaveBeenCalledTimes(1);
    expect(await throttledPasskeySignIn("owners-cred", "10.0.8.202", wrongPasskey)).toEqual({ outcome: "wrong" });
  });
});

describe("loginPaused", () => {
  it("says a login is paused exactly when throttledLogin refuses it: the pair keyed by the IPv6 /64, as the throttle keys it", async () => {
    const { throttledLogin, loginPaused } = await load();
    const email = "paused@example.com";
    for (let i = 0; i < 3; i++) await throttledLogin(email, `2001:db8:0:1::${i + 1}`, wrong);
    // Another address in the same /64: refused by the pair, and so paused.
    expect(await throttledLogin(email, "2001:db8:0:1::99", wrong)).toMatchObject({ throttled: true });
    expect(await loginPaused(email, "2001:db8:0:1::abcd")).toBe(true);
    expect(await loginPaused(email, "2001:db8:0:2::1")).toBe(false);
  });
});

describe("beginSecretCheck and claimCode", () => {
  it("the fifth wrong answer is one too many; then nothing is checked; a right answer clears the count", async () => {
    const { beginSecretCheck } = await load();
    const holder = { userId: "u1" };
    for (let i = 1; i <= 4; i++) expect(await (await beginSecretCheck(holder)).wrong()).toBe(false);
    const fifth = await beginSecretCheck(holder);
    expect(fifth.refused).toBe(false);
    expect(await fifth.wrong()).toBe(true);
    const sixth = await beginSecretCheck(holder);
    expect(sixth.refused).toBe(true);

    const other = { email: "Someone@Example.com" };
    for (let i = 0; i < 3; i++) await (await beginSecretCheck(other)).wrong();
    await (await beginSecretCheck({ email: "someone@example.com" })).right();
    for (let i = 0; i < 4; i++) expect(await (await beginSecretCheck(other)).wrong()).toBe(false);
  });

  it("a code is claimed once per account, also by parallel requests", async () => {
    const { claimCode } = await load();
    const claims = await Promise.all(Array.from({ length: 6 }, () => claimCode("f@example.com", "123456")));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimCode("F@EXAMPLE.COM", "123456")).toBe(false);
    expect(await claimCode("f@example.com", "654321")).toBe(true);
    expect(await claimCode("g@example.com", "123456")).toBe(true);
  });
});

describe("configuration", () => {
  it.each([
    [{ LOGIN_ACCOUNT_BLOCK_SECONDS: "0" }, "LOGIN_ACCOUNT_BLOCK_SECONDS must be a positive whole number"],
    [{ LOGIN_FAILURES_PER_IP: "0" }, "LOGIN_FAILURES_PER_IP must be a positive whole number"],
    [{ WRONG_SECRET_LIMIT: "five" }, "WRONG_SECRET_LIMIT must be a positive whole number"],
  ])("refuses %o at start-up, naming the variable", async (env, message) => {
    await expect(load(env)).rejects.toThrow(message);
  });
});
