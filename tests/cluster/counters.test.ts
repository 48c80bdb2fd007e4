// The app's counters (app/server/limits/counters.server.ts) in the cluster's Redis: two copies of the module,
// as two app instances hold them, count one key together, atomically; with Redis unreachable each
// counts in its own memory instead of failing the request.
import { afterEach, describe, expect, it, vi } from "vitest";
import { settings } from "./cluster";

type Counters = typeof import("#app/server/limits/counters.server.ts");

// config.server.ts reads the environment once, at import: fresh modules are another instance.
async function instance(redisUrl: string): Promise<Counters> {
  vi.stubEnv("REDIS_URL", redisUrl);
  vi.resetModules();
  const counters = await import("#app/server/limits/counters.server.ts");
  vi.unstubAllEnvs();
  return counters;
}

const redisUrl = `redis://${settings.redis.host}:${settings.redis.port}`;
const unique = () => `test-${Date.now()}-${Math.random()}`;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("counters in Redis", () => {
  it("two instances count one key together", async () => {
    const name = unique();
    const counterA = (await instance(redisUrl)).createCounter({ name, points: 4, windowSeconds: 60 });
    const counterB = (await instance(redisUrl)).createCounter({ name, points: 4, windowSeconds: 60 });
    expect((await counterA.hit("k")).allowed).toBe(true);
    expect((await counterB.hit("k")).allowed).toBe(true);
    expect((await counterA.hit("k")).allowed).toBe(true);
    expect((await counterB.hit("k")).allowed).toBe(true);
    const refused = await counterA.hit("k");
    expect(refused.allowed).toBe(false);
    expect((await counterB.check("k")).allowed).toBe(false);
    // Forgetting it on one instance forgets it on the other.
    await counterB.reset("k");
    expect((await counterA.check("k")).allowed).toBe(true);
  });

  it("parallel hits from both instances let exactly `points` through", async () => {
    const name = unique();
    const counterA = (await instance(redisUrl)).createCounter({ name, points: 3, windowSeconds: 60 });
    const counterB = (await instance(redisUrl)).createCounter({ name, points: 3, windowSeconds: 60 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? counterA : counterB).hit("k")));
    expect(results.filter((result) => result.allowed)).toHaveLength(3);
  });

  it("with Redis unreachable, counts in memory and still refuses past the limit", async () => {
    // A port nothing listens on: the cluster's Redis port + 1 is not guaranteed free, so a closed one of ours.
    const { createServer } = await import("node:net");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const counters = await instance(`redis://127.0.0.1:${port}`);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const counter = counters.createCounter({ name: unique(), points: 2, windowSeconds: 60 });
    expect((await counter.hit("k")).allowed).toBe(true);
    expect((await counter.hit("k")).allowed).toBe(true);
    expect((await counter.hit("k")).allowed).toBe(false);
    errors.mockRestore();
  });
});
