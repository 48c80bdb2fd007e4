// SIGTERM while a slow request is in flight: it still completes with 200, the process then exits 0
// promptly, and no new connection is accepted meanwhile.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { sleep, startStack, type Stack } from "./stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ withProxy: true });
});
afterAll(async () => {
  await stack?.stop();
});

describe("graceful shutdown", () => {
  it("finishes the in-flight request, refuses new connections and exits 0", async () => {
    const client = new HttpSession(stack.app.url);
    const { id } = await client.register(uniqueEmail("shutdown"));
    stack.proxy!.setMode({ kind: "delay", ms: 1_500 });

    const child = stack.app.process;
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      child.once("exit", (code) => resolve({ code, at: Date.now() })),
    );
    const inFlight = client.get("/dashboard", { follow: false }).then((reply) => ({ reply, at: Date.now() }));
    await sleep(300); // the request is now waiting on the delayed Directus
    const signalledAt = Date.now();
    child.kill("SIGTERM");
    await sleep(200);

    // A new connection is refused while the old request is still being answered.
    const late = await fetch(`${stack.app.url}/`, { headers: { Connection: "close" } }).then(
      (response) => `answered ${response.status}`,
      (error: unknown) => `refused: ${String((error as { cause?: { code?: string } }).cause?.code ?? error)}`,
    );
    expect(late).toMatch(/^refused: ECONNREFUSED/);

    const { reply, at: answeredAt } = await inFlight;
    expect(reply.status).toBe(200);
    expect(reply.body).toContain(id);
    expect(answeredAt).toBeGreaterThan(signalledAt);

    const { code, at: exitedAt } = await exited;
    expect(code).toBe(0);
    // Exit follows the last answer closely, not after a keep-alive timeout or the 10 s safety net.
    expect(exitedAt - answeredAt).toBeLessThan(1_000);
  });
});
