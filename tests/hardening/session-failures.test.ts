// When Directus stops accepting a session for a reason the app cannot see coming (here: Directus's
// SECRET changed, so every token it issued is invalid), the session ends with a clear message and
// the visitor can sign in again, instead of an error page or a loop between /login and /dashboard.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { leaksInternals, startStack, type Stack } from "./stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ directusEnv: { ACCESS_TOKEN_TTL: "1h", SESSION_COOKIE_TTL: "1h" } });
});
afterAll(async () => {
  await stack?.stop();
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

    // A form post on the same kind of session ends it the same way (not a 5xx).
    const post = await poster.post("/posts/new", { title: "After the secret changed", content: "" }, { follow: false });
    expect(post.status).toBe(302);
    expect(post.headers.get("Location")).toMatch(/^\/login/);

    const again = await client.login(email);
    expect(again.body).toContain(id);
  });
});
