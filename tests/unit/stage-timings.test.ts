import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

async function load(file?: string) {
  vi.resetModules();
  if (file) vi.stubEnv("APP_STAGE_TIMINGS", file);
  else vi.stubEnv("APP_STAGE_TIMINGS", "");
  return import("#app/server/http/stage-timings.server.ts");
}

describe("stage timings (APP_STAGE_TIMINGS)", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    process.removeAllListeners("SIGUSR2");
  });

  it("off, installs nothing: every wrapper hands back the function it was given", async () => {
    const stages = await load();
    const sync = () => 1;
    const async = async () => 2;
    const middleware = async (_args: unknown, next: () => Promise<Response>) => next();
    expect(stages.stageTimingsOn).toBe(false);
    expect(stages.timedSync("a", sync)).toBe(sync);
    expect(stages.timedAsync("b", async)).toBe(async);
    expect(stages.timedMiddleware("c", middleware, "d")).toBe(middleware);
    expect(process.listenerCount("SIGUSR2")).toBe(0);
  });

  it("on, charges each stage and writes what it counted on SIGUSR2, then counts again", async () => {
    const file = join(tmpdir(), `stage-timings-test-${process.pid}.json`);
    try {
      const stages = await load(file);
      expect(stages.stageTimingsOn).toBe(true);
      const busy = stages.timedSync("busy", (n: number) => {
        let x = 0;
        for (let i = 0; i < n; i++) x += Math.sqrt(i);
        return x;
      });
      const cookie = stages.timedAsync("cookie", async (value: string) => value.toUpperCase());
      const response = new Response("ok");
      const middleware = stages.timedMiddleware(
        "outer",
        async (_args, next) => {
          expect(await cookie("a")).toBe("A");
          busy(1_000_000);
          return next();
        },
        "inner",
      );
      const answered = await middleware({} as never, async () => response);
      expect(answered).toBe(response);
      process.emit("SIGUSR2");
      const counted = JSON.parse(readFileSync(file, "utf8"));
      expect(counted.requests).toBe(1);
      const names = counted.stages.map((stage: { stage: string }) => stage.stage);
      expect(names).toEqual(expect.arrayContaining(["busy", "cookie", "outer", "inner"]));
      const busyStage = counted.stages.find((stage: { stage: string }) => stage.stage === "busy");
      expect(busyStage.entries).toBe(1);
      expect(busyStage.micros).toBeGreaterThan(0);

      process.emit("SIGUSR2");
      expect(JSON.parse(readFileSync(file, "utf8")).requests).toBe(0);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
