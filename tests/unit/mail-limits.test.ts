import { afterEach, describe, expect, it, vi } from "vitest";

// config.server.ts (read by the counters) reads the environment once, at import: each case gets fresh modules.
async function load() {
  vi.stubEnv("REDIS_URL", "");
  vi.resetModules();
  return import("#app/server/limits/mail-limits.server.ts");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("mail bounded per address", () => {
  it("sends once per address and kind, whatever the case of the address; a skipped send waits out the stall", async () => {
    const { boundedMail } = await load();
    const sent: string[] = [];
    const send = (label: string) => async () => void sent.push(label);
    await boundedMail("reset", "Ada@example.com", 50, send("first"));
    const started = performance.now();
    await boundedMail("reset", "ada@example.com", 50, send("second"));
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    await boundedMail("verification", "ada@example.com", 50, send("other kind"));
    await boundedMail("reset", "bob@example.com", 50, send("other address"));
    expect(sent).toEqual(["first", "other kind", "other address"]);
  });

  it("twelve at once send one", async () => {
    const { boundedMail } = await load();
    let sent = 0;
    await Promise.all(Array.from({ length: 12 }, () => boundedMail("verification", "ada@example.com", 10, async () => void sent++)));
    expect(sent).toBe(1);
  });

  it("a send that failed does not count: the next request sends", async () => {
    const { boundedMail } = await load();
    await expect(boundedMail("reset", "ada@example.com", 10, async () => Promise.reject(new Error("Directus 503")))).rejects.toThrow("Directus 503");
    let sent = 0;
    await boundedMail("reset", "ada@example.com", 10, async () => void sent++);
    expect(sent).toBe(1);
  });
});

describe("email-change links bounded per account and per IP", () => {
  const ask = (userId: string, clientIp: string, newEmail: string) => ({ userId, clientIp, newEmail });

  it("three an hour per account, ten per IP, one per new address in five minutes; parallel requests never pass together", async () => {
    const { boundedEmailChangeMail, EMAIL_CHANGE_MAIL_BOUNDS } = await load();
    expect(EMAIL_CHANGE_MAIL_BOUNDS).toEqual({ perAccount: 3, perIp: 10 });
    const sent: string[] = [];
    const send = (label: string) => async () => void sent.push(label);
    await Promise.all(Array.from({ length: 12 }, (_, i) => boundedEmailChangeMail(ask("u-1", "192.0.2.1", `inbox+${i}@example.com`), send(`u-1 ${i}`))));
    expect(sent).toHaveLength(3);
    // Other accounts at that IP share its ten; the refused account's requests took nothing from them.
    for (let n = 2; n <= 5; n++) {
      for (let i = 0; i < 3; i++) await boundedEmailChangeMail(ask(`u-${n}`, "192.0.2.1", `u${n}-${i}@example.com`), send(`u-${n} ${i}`));
    }
    expect(sent).toHaveLength(10);
    // The same new address twice within five minutes: once.
    await boundedEmailChangeMail(ask("u-9", "192.0.2.9", "same@example.com"), send("same 1"));
    await boundedEmailChangeMail(ask("u-10", "192.0.2.10", "SAME@example.com"), send("same 2"));
    expect(sent.filter((label) => label.startsWith("same"))).toEqual(["same 1"]);
  });

  it("a failed call counts for none of its bounds", async () => {
    const { boundedEmailChangeMail } = await load();
    for (let i = 0; i < 5; i++) {
      await expect(boundedEmailChangeMail(ask("u-1", "192.0.2.1", "a@example.com"), async () => Promise.reject(new Error("503")))).rejects.toThrow("503");
    }
    let sent = 0;
    await boundedEmailChangeMail(ask("u-1", "192.0.2.1", "a@example.com"), async () => void sent++);
    expect(sent).toBe(1);
  });
});
