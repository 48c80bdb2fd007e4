// When Directus stops accepting a session for a reason the app cannot see coming (here: Directus's
// SECRET changed, so every token it issued is invalid), the session ends with a clear message and
// the visitor can sign in again, instead of an error page or a loop between /login and /dashboard.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { directusSessionOf, openSessionCookie } from "../support/session-cookie.ts";
import { leaksInternals, sleep, startStack, type Stack } from "./stack.ts";

const SESSION_TTL_MS = 10_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    withProxy: true,
    directusEnv: { ACCESS_TOKEN_TTL: `${SESSION_TTL_MS / 1000}s`, SESSION_COOKIE_TTL: `${SESSION_TTL_MS / 1000}s` },
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe("a slow response never writes back a session older than the browser may have", () => {
  it("a request that started before its session came due for renewal writes a renewed one, the same every instance gets", async () => {
    const client = new HttpSession(stack.app.url);
    await client.register(uniqueEmail("slow"));
    const sent = openSessionCookie(client.sessionCookie(), stack.sessionSecret)!.tokens!;
    const original = directusSessionOf(sent.accessToken);
    const cookie = client.cookieHeader();

    // Start a profile save shortly before the renewal point, and let Directus answer it after.
    await sleep(sent.renewAt - 1_000 - Date.now());
    stack.proxy!.setMode({ kind: "delay", ms: 1_500 });
    let saved;
    try {
      saved = await client.post("/profile", { firstName: "Slow", lastName: "Save" }, { cookie, follow: false });
    } finally {
      stack.proxy!.setMode({ kind: "pass" });
    }
    expect(saved.status).toBe(200);
    expect(Date.now()).toBeGreaterThan(sent.renewAt);
    const written = openSessionCookie(client.sessionCookie(), stack.sessionSecret)!;
    expect(written.user?.firstName).toBe("Slow");
    const writtenSession = directusSessionOf(written.tokens!.accessToken);
    expect(writtenSession).not.toBe(original);

    // Another instance renewing the same old cookie now gets that same next session from Directus.
    const other = new HttpSession(stack.apps[0]!.url);
    expect((await other.get("/dashboard", { cookie, follow: false })).status).toBe(200);
    expect(directusSessionOf(openSessionCookie(other.sessionCookie(), stack.sessionSecret)!.tokens!.accessToken)).toBe(writtenSession);
  });
});

describe("a token Directus no longer accepts", () => {
  it("ends the session with a message after Directus's SECRET changes; logging in works again", async () => {
    const client = new HttpSession(stack.app.url);
    const { email, id } = await client.register(uniqueEmail("secret"));
    const poster = new HttpSession(stack.app.url);
    await poster.login(email);

    await stack.directus.restart({ SECRET: randomBytes(32).toString("base64url") });

    const page = await client.get("/dashboard");
    expect(page.redirects[0]).toMatch(/^\/login/);
    expect(page.path).toMatch(/^\/login/);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Your session has ended");
    expect(leaksInternals(page.body)).toBeNull();

    // A form post on the same kind of session ends it too (not a 5xx), answering with a login that keeps what was sent.
    const post = await poster.post("/posts/new", { title: "After the secret changed", content: "" }, { follow: false });
    expect(post.status).toBe(200);
    expect(post.body).toContain("Log in to save your work");
    expect(post.body).toContain("After the secret changed");

    const again = await client.login(email);
    expect(again.body).toContain(id);
  });
});
