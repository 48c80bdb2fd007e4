import { afterEach, describe, expect, it, vi } from "vitest";
import { createServer, type AddressInfo, type Socket } from "node:net";

// config.server.ts reads the environment once, at import: each case gets fresh modules.
async function load(env: Record<string, string | undefined> = {}) {
  vi.stubEnv("REDIS_URL", "");
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  return import("#app/server/limits/counters.server.ts");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("counters (in memory)", () => {
  it("allows `points` hits in the window, then refuses with the seconds left", async () => {
    const { createCounter } = await load();
    const counter = createCounter({ name: "t1", points: 3, windowSeconds: 60 });
    for (let i = 0; i < 3; i++) expect(await counter.hit("k")).toEqual({ allowed: true });
    const refused = await counter.hit("k");
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.retryAfterSeconds).toBeGreaterThan(55);
    expect(!refused.allowed && refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await counter.check("k")).allowed).toBe(false);
    // Another key, and the same key in another counter, count apart.
    expect(await counter.hit("other")).toEqual({ allowed: true });
    expect(await createCounter({ name: "t2", points: 1, windowSeconds: 60 }).hit("k")).toEqual({ allowed: true });
  });

  it("check counts nothing; reset forgets the key", async () => {
    const { createCounter } = await load();
    const counter = createCounter({ name: "t3", points: 1, windowSeconds: 60 });
    for (let i = 0; i < 5; i++) expect(await counter.check("k")).toEqual({ allowed: true });
    await counter.hit("k");
    expect((await counter.check("k")).allowed).toBe(false);
    await counter.reset("k");
    expect(await counter.hit("k")).toEqual({ allowed: true });
  });

  it("forgive takes one hit back", async () => {
    const { createCounter } = await load();
    const counter = createCounter({ name: "t6", points: 2, windowSeconds: 60 });
    await counter.hit("k");
    await counter.hit("k");
    expect((await counter.check("k")).allowed).toBe(false);
    await counter.forgive("k");
    expect((await counter.check("k")).allowed).toBe(true);
    expect((await counter.hit("k")).allowed).toBe(true);
    expect((await counter.hit("k")).allowed).toBe(false);
  });

  it("parallel hits never let more than `points` through", async () => {
    const { createCounter } = await load();
    const counter = createCounter({ name: "t4", points: 1, windowSeconds: 60 });
    const results = await Promise.all(Array.from({ length: 12 }, () => counter.hit("k")));
    expect(results.filter((r) => r.allowed)).toHaveLength(1);
  });

  it("a block outlasts the window", async () => {
    const { createCounter } = await load();
    const counter = createCounter({ name: "t5", points: 1, windowSeconds: 1, blockSeconds: 120 });
    await counter.hit("k");
    const refused = await counter.hit("k");
    expect(!refused.allowed && refused.retryAfterSeconds).toBeGreaterThan(100);
  });

  it("keys are hashes: no email or IP in them", async () => {
    const { counterKey } = await load();
    const key = counterKey("owner@example.com", "203.0.113.9");
    expect(key).not.toContain("owner");
    expect(key).not.toContain("203");
    expect(key).toBe(counterKey("owner@example.com", "203.0.113.9"));
    expect(key).not.toBe(counterKey("owner@example.com", "203.0.113.8"));
  });

  it("REDIS_URL must be a redis URL, and the message does not echo it (it may hold a password)", async () => {
    await expect(load({ REDIS_URL: "http://user:hunter2@host" })).rejects.toThrow(/^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL$/);
  });
});

// A Redis the app cannot use: stopped (connections refused) or unreachable (connections accepted and
// never answered, as behind a dead link). Either way, once the first connection has failed, every
// call answers from memory at once: none waits on the connection, a retry or a command timeout.
describe("counters with Redis unreachable", () => {
  /** True when `promise` settles before the event loop turns once more: no timer or socket was waited on. */
  async function settlesAtOnce(promise: Promise<unknown>): Promise<boolean> {
    const turn = new Promise<"waited">((resolve) => setImmediate(() => resolve("waited")));
    return (await Promise.race([promise.then(() => "answered"), turn])) === "answered";
  }

  async function everyCallAtOnce(redisUrl: string) {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const { createCounter } = await load({ REDIS_URL: redisUrl });
    const counter = createCounter({ name: `unreachable-${Math.random()}`, points: 2, windowSeconds: 60 });
    // The first call may wait for the first connection (a second at most); then none waits.
    expect((await counter.hit("k")).allowed).toBe(true);
    async function atOnce<T>(call: Promise<T>): Promise<T> {
      expect(await settlesAtOnce(call)).toBe(true);
      return call;
    }
    expect(await atOnce(counter.check("k"))).toEqual({ allowed: true });
    expect(await atOnce(counter.hit("k"))).toEqual({ allowed: true });
    // Counted in memory, and still refused past the limit.
    expect((await atOnce(counter.hit("k"))).allowed).toBe(false);
    expect((await atOnce(counter.check("k"))).allowed).toBe(false);
    await atOnce(counter.forgive("k"));
    await atOnce(counter.reset("k"));
    expect(await atOnce(counter.check("k"))).toEqual({ allowed: true });
    expect(await atOnce(counter.hit("other"))).toEqual({ allowed: true });
    expect(await counter.hit("k")).toEqual({ allowed: true });
    errors.mockRestore();
  }

  it("stopped (connection refused): every call after the first answers from memory at once", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await everyCallAtOnce(`redis://127.0.0.1:${port}`);
  });

  it("unreachable (connected, never answering): every call after the first answers from memory at once", async () => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await everyCallAtOnce(`redis://127.0.0.1:${port}`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
