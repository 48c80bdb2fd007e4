// Directus goes away while someone is signed in, and comes back: the app says so with a 503 (not a
// 500 and not a logout), keeps serving what needs no Directus, and the same cookie works afterwards,
// even when the session came due for renewal during the outage.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { directusSessionOf, openSessionCookie } from "../support/session-cookie.ts";
import { leaksInternals, sleep, startStack, type Stack } from "./stack.ts";

let stack: Stack;
beforeAll(async () => {
  // Long enough that Directus's restart fits before the session would expire (its idle timeout).
  stack = await startStack({ directusEnv: { SESSION_COOKIE_TTL: "20s" } });
});
afterAll(async () => {
  await stack?.stop();
});

async function expectUnavailable(client: HttpSession) {
  const page = await client.get("/dashboard", { follow: false });
  expect(page.status).toBe(503);
  expect(page.body).toContain("Directus is not answering");
  expect(leaksInternals(page.body)).toBeNull();
  // The session is kept for when Directus is back: no cookie cleared, no redirect to /login.
  expect(page.headers.get("Location")).toBeNull();
  expect(page.headers.getSetCookie()).toEqual([]);
}

describe("Directus outage", () => {
  it("answers 503 while Directus is down and resumes the same session after, across a renewal point", async () => {
    const client = new HttpSession(stack.app.url);
    const { id } = await client.register(uniqueEmail("outage"));
    const signedInAt = openSessionCookie(client.sessionCookie(), stack.sessionSecret)!.tokens!;
    const anonymous = new HttpSession(stack.app.url);

    await stack.directus.halt();
    try {
      await expectUnavailable(client);
      const health = await client.get("/healthz");
      expect(health.status).toBe(503);
      expect(JSON.parse(health.body)).toEqual({ app: "ok", directus: "unavailable" });
      expect((await anonymous.get("/login")).status).toBe(200);
      expect((await anonymous.get("/")).status).toBe(200);
      // Logging in or registering while Directus is down: the form again, 503, a message, email kept.
      for (const form of ["/login", "/register"]) {
        const reply = await anonymous.post(form, { email: "someone@example.com", password: "a long enough password" }, { follow: false });
        expect(reply.status, form).toBe(503);
        expect(reply.body, form).toContain("Directus is not answering right now");
        expect(reply.body, form).toContain('value="someone@example.com"');
      }
      expect((await client.get("/")).status).toBe(200);

      // Past the renewal point, so the next page needs a renewal Directus cannot give.
      await sleep(signedInAt.renewAt - Date.now() + 500);
      await expectUnavailable(client);
      expect(stack.app.process.exitCode).toBeNull();
    } finally {
      await stack.directus.restart();
    }

    const page = await client.get("/dashboard");
    expect(page.redirects).toEqual([]);
    expect(page.status).toBe(200);
    expect(page.body).toContain(id);
    const refreshed = openSessionCookie(client.sessionCookie(), stack.sessionSecret)!.tokens!;
    expect(directusSessionOf(refreshed.accessToken)).not.toBe(directusSessionOf(signedInAt.accessToken));
    expect(refreshed.expiresAt).toBeGreaterThan(Date.now());
    expect((await client.get("/healthz")).status).toBe(200);
    expect(stack.app.process.exitCode).toBeNull();
  });
});
