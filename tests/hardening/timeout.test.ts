// A Directus that accepts connections and never answers: with DIRECTUS_TIMEOUT_MS=1000 the app
// gives up quickly with a 503 instead of hanging, and pages that need no Directus still render.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { leaksInternals, startStack, type Stack } from "./stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ withProxy: true, appEnv: { DIRECTUS_TIMEOUT_MS: "1000" } });
});
afterAll(async () => {
  await stack?.stop();
});

describe("a hanging Directus", () => {
  it("turns into a 503 within ~3 s, and /login still renders", async () => {
    const client = new HttpSession(stack.app.url);
    await client.register(uniqueEmail("timeout"));
    stack.proxy!.setMode({ kind: "hang" });
    try {
      const started = Date.now();
      const page = await client.get("/dashboard", { follow: false });
      const took = Date.now() - started;
      expect(page.status).toBe(503);
      expect(page.body).toContain("Directus is not answering");
      expect(leaksInternals(page.body)).toBeNull();
      expect(took).toBeLessThan(3_000);
      // Still signed in: a slow Directus is not a reason to drop the session.
      expect(page.headers.getSetCookie()).toEqual([]);

      const healthStarted = Date.now();
      expect((await client.get("/healthz")).status).toBe(503);
      expect(Date.now() - healthStarted).toBeLessThan(3_000);

      const loginStarted = Date.now();
      const login = await new HttpSession(stack.app.url).get("/login");
      expect(login.status).toBe(200);
      expect(login.body).toContain("Log in");
      expect(Date.now() - loginStarted).toBeLessThan(1_000);
    } finally {
      stack.proxy!.setMode({ kind: "pass" });
    }
    expect((await client.get("/dashboard", { follow: false })).status).toBe(200);
  });
});
