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
