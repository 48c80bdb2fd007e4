// Directus's rate limiter must count visitors, not the app server: the app forwards the visitor's
// IP on every call (login, registration, the signed-in user's pages), trusts X-Forwarded-For only
// when TRUST_PROXY says so, and turns Directus's 429 into a friendly message wherever it comes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { startTestApp, type TestApp } from "../support/services.ts";
import { startStack, type Stack } from "./stack.ts";

// Directus's own limiter: 6 requests a minute per client IP (it trusts the app as a proxy by default).
const LIMITED = { RATE_LIMITER_ENABLED: "true", RATE_LIMITER_POINTS: "6", RATE_LIMITER_DURATION: "60" };

let stack: Stack;
let behindProxy: TestApp;
beforeAll(async () => {
  stack = await startStack({ withProxy: true, directusEnv: LIMITED });
  // The same build as deployed behind one reverse proxy.
  behindProxy = await startTestApp(stack.proxy!.url, { TRUST_PROXY: "1" });
});
afterAll(async () => {
  await behindProxy?.stop();
  await stack?.stop();
});

function wrongLogin(appUrl: string, headers: Record<string, string> = {}) {
  const visitor = new HttpSession(appUrl);
  return visitor.post("/login", { email: uniqueEmail("nobody"), password: "wrong password" }, { follow: false, headers });
}

describe("the visitor's IP at Directus", () => {
  it("is the socket's address when no proxy is trusted, whatever the visitor claims", async () => {
    stack.proxy!.authForwardedFor.length = 0;
    const reply = await wrongLogin(stack.app.url, { "X-Forwarded-For": "203.0.113.7", "X-App-Client-IP": "198.51.100.1" });
    expect(reply.status).toBe(401);
    expect(stack.proxy!.authForwardedFor).toHaveLength(1);
    expect(stack.proxy!.authForwardedFor[0]).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });

  it("is taken from X-Forwarded-For behind a trusted proxy, and each visitor has its own limit", async () => {
    stack.proxy!.authForwardedFor.length = 0;
    const first = { "X-Forwarded-For": "203.0.113.10" };
    const statuses: number[] = [];
    let limited = null;
    for (let attempt = 0; attempt < 8; attempt++) {
      const reply = await wrongLogin(behindProxy.url, first);
      statuses.push(reply.status);
      if (reply.status === 429) limited = reply;
    }
    expect(new Set(stack.proxy!.authForwardedFor)).toEqual(new Set(["203.0.113.10"]));
    // The first attempts are ordinary refusals; then Directus's limiter steps in, and the page says to wait.
    expect(statuses[0]).toBe(401);
    expect(statuses).toContain(429);
    expect(limited?.body).toContain("Too many attempts. Please wait a minute and try again.");

    // Another visitor behind the same app server is not locked out by the first one.
    const other = await wrongLogin(behindProxy.url, { "X-Forwarded-For": "203.0.113.20" });
    expect(other.status).toBe(401);
    expect(other.body).toContain("Invalid email or password");
  });

  it("reaches Directus on every signed-in call too, so a busy visitor meets their own limit: a 429 page that keeps the session", async () => {
    const visitor = new HttpSession(behindProxy.url);
    const headers = { "X-Forwarded-For": "203.0.113.30" };
    stack.proxy!.forwardedFor.length = 0;
    const account = { email: uniqueEmail("busy"), password: "a long enough password" };
    const registered = await visitor.post("/register", account, { follow: false, headers });
    expect(registered.status).toBe(302);
    // Registering signs nobody in: the new account logs in next, from the same address.
    const loggedIn = await visitor.post("/login", account, { follow: false, headers });
    expect(loggedIn.headers.get("Location")).toBe("/dashboard");
    let limited = null;
    for (let view = 0; view < 8 && !limited; view++) {
      const page = await visitor.get("/dashboard", { follow: false, headers });
      if (page.status === 429) limited = page;
      else expect(page.status).toBe(200);
    }
    expect(limited?.body).toContain("Too many attempts. Please wait a minute and try again.");
    // Not a logout: no redirect and no cookie change; the session is there when the minute is over.
    expect(limited?.headers.get("Location")).toBeNull();
    expect(limited?.headers.getSetCookie()).toEqual([]);
    const calls = stack.proxy!.forwardedFor;
    expect(calls.map(({ call }) => call)).toContain("GET /items/posts");
    expect(new Set(calls.map(({ ip }) => ip))).toEqual(new Set(["203.0.113.30"]));
  });
});
