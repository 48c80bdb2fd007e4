// Login, refresh and logout through the app against a real Directus, checked on both sides:
// what the cookie holds and what Directus still accepts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeSessionCookie, HttpSession, uniqueEmail } from "../support/http-session.ts";
import { sleep, startStack, type Stack } from "./stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ directusEnv: { ACCESS_TOKEN_TTL: "3s" } });
});
afterAll(async () => {
  await stack?.stop();
});

async function refreshAtDirectus(refreshToken: string) {
  return fetch(`${stack.directus.url}/auth/refresh`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: refreshToken, mode: "json" }),
  });
}

describe("auth flow against a real Directus", () => {
  it("stores tokens at login, rotates both on refresh, and revokes the refresh token at logout", async () => {
    const client = new HttpSession(stack.app.url);
    const { email, id } = await client.register(uniqueEmail("flow"));
    client.clearCookies();

    const before = Date.now();
    await client.login(email);
    const first = decodeSessionCookie(client.sessionCookie() ?? "");
    expect(first.user?.id).toBe(id);
    expect(first.tokens?.accessToken).toMatch(/^eyJ/);
    expect(first.tokens?.refreshToken).toBeTruthy();
    // expiresAt reflects Directus's 3 s TTL.
    expect(first.tokens!.expiresAt - before).toBeGreaterThan(2_000);
    expect(first.tokens!.expiresAt - before).toBeLessThan(5_000);

    await sleep(first.tokens!.expiresAt - Date.now() + 200);
    const page = await client.get("/dashboard");
    expect(page.status).toBe(200);
    expect(page.redirects).toEqual([]);
    const second = decodeSessionCookie(client.sessionCookie() ?? "");
    expect(second.tokens?.accessToken).not.toBe(first.tokens?.accessToken);
    expect(second.tokens?.refreshToken).not.toBe(first.tokens?.refreshToken);
    expect(second.tokens!.expiresAt).toBeGreaterThan(Date.now());
    expect(second.user?.id).toBe(id);

    const loggedOut = await client.logout();
    expect(loggedOut.path).toBe("/login");
    expect(loggedOut.body).toContain("You have been logged out");
    expect(decodeSessionCookie(client.sessionCookie() ?? "").tokens).toBeUndefined();

    const reuse = await refreshAtDirectus(second.tokens!.refreshToken);
    expect([400, 401]).toContain(reuse.status);
    // The protected page is closed again for this browser.
    const after = await client.get("/dashboard", { follow: false });
    expect(after.status).toBe(302);
    expect(after.headers.get("Location")).toMatch(/^\/login/);
  });
});
