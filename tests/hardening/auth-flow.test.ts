// Login, renewal and logout through the app against a real Directus, checked on both sides: what
// the cookie holds and what Directus still accepts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { directusSessionOf, openSessionCookie } from "../support/session-cookie.ts";
import { sleep, startStack, type Stack } from "./stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ directusEnv: { SESSION_COOKIE_TTL: "4s" } });
});
afterAll(async () => {
  await stack?.stop();
});

/** A call to Directus with the session token, as the app makes them. */
function asUser(accessToken: string) {
  return fetch(`${stack.directus.url}/users/me?fields=id`, { headers: { Authorization: `Bearer ${accessToken}` } });
}

describe("auth flow against a real Directus", () => {
  it("opens a Directus session at login, renews it past half its life, and deletes it at logout", async () => {
    const client = new HttpSession(stack.app.url);
    const { email, id } = await client.register(uniqueEmail("flow"));
    client.clearCookies();

    const before = Date.now();
    await client.login(email);
    const first = openSessionCookie(client.sessionCookie(), stack.sessionSecret)!;
    expect(first.user?.id).toBe(id);
    expect(first.tokens?.accessToken).toMatch(/^eyJ/);
    // Directus's 4 s session lifetime; renewal is due at half of it.
    expect(first.tokens!.expiresAt - before).toBeGreaterThan(3_000);
    expect(first.tokens!.expiresAt - before).toBeLessThan(6_000);
    expect(first.tokens!.renewAt).toBeLessThan(first.tokens!.expiresAt);
    expect(first.startedAt).toBeGreaterThanOrEqual(before);

    await sleep(first.tokens!.renewAt - Date.now() + 200);
    const page = await client.get("/dashboard");
    expect(page.status).toBe(200);
    expect(page.redirects).toEqual([]);
    const second = openSessionCookie(client.sessionCookie(), stack.sessionSecret)!;
    expect(directusSessionOf(second.tokens!.accessToken)).not.toBe(directusSessionOf(first.tokens!.accessToken));
    expect(second.tokens!.expiresAt).toBeGreaterThan(first.tokens!.expiresAt);
    expect(second.user?.id).toBe(id);
    // The absolute lifetime still counts from the login, not from the renewal.
    expect(second.startedAt).toBe(first.startedAt);
    expect((await asUser(second.tokens!.accessToken)).status).toBe(200);

    const loggedOut = await client.logout();
    expect(loggedOut.path).toBe("/login");
    expect(loggedOut.body).toContain("You have been logged out");
    expect(openSessionCookie(client.sessionCookie(), stack.sessionSecret)?.tokens).toBeUndefined();

    // Directus refuses the session's token from now on, long before it would expire.
    expect((await asUser(second.tokens!.accessToken)).status).toBe(401);
    const after = await client.get("/dashboard", { follow: false });
    expect(after.status).toBe(302);
    expect(after.headers.get("Location")).toMatch(/^\/login/);
  });

  it("ends a session at SESSION_MAX_AGE however active it is (the absolute timeout)", async () => {
    const short = await startStack({ directusEnv: { SESSION_COOKIE_TTL: "1h" }, appEnv: { SESSION_MAX_AGE: "3" } });
    try {
      const client = new HttpSession(short.app.url);
      await client.register(uniqueEmail("absolute"));
      const setCookie = (await client.get("/dashboard")).headers.getSetCookie();
      expect(setCookie).toEqual([]);
      await sleep(3_200);
      const page = await client.get("/dashboard");
      expect(page.redirects[0]).toMatch(/^\/login/);
      expect(page.body).toContain("Your session has ended");
    } finally {
      await short.stop();
    }
  });
});
