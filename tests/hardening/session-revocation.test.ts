// Directus's own sessions decide who is signed in. A copied cookie after logout, a suspended or
// deleted account, and a password changed elsewhere end the app session on the very next request,
// with tokens that would otherwise live for an hour.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, TEST_PASSWORD, uniqueEmail } from "../support/http-session.ts";
import { directusSessionOf, openSessionCookie } from "../support/session-cookie.ts";
import { startStack, type Stack } from "./stack.ts";

const SESSION_ENDED = "Your session has ended";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ directusEnv: { ACCESS_TOKEN_TTL: "1h", SESSION_COOKIE_TTL: "1h" } });
});
afterAll(async () => {
  await stack?.stop();
});

/** A request with exactly this cookie, as someone holding a copy would send it. */
async function withCopy(cookie: string, path: string, method: "GET" | "POST" = "GET") {
  const holder = new HttpSession(stack.app.url);
  return method === "GET"
    ? holder.get(path, { cookie, follow: false })
    : holder.post(path, { title: "From a copied cookie", content: "" }, { cookie, follow: false });
}

function expectSentToLogin(reply: { status: number; headers: Headers }) {
  expect(reply.status).toBe(302);
  expect(reply.headers.get("Location")).toMatch(/^\/login/);
}

async function twoSessions(label: string) {
  const first = new HttpSession(stack.app.url);
  const { email, id } = await first.register(uniqueEmail(label));
  const second = new HttpSession(stack.app.url);
  await second.login(email);
  return { first, second, email, id };
}

describe("revocation at Directus ends app sessions at once", () => {
  it("a copy of the cookie is refused on its next request after logout, on every protected page", async () => {
    const client = new HttpSession(stack.app.url);
    await client.register(uniqueEmail("copy"));
    const copy = client.cookieHeader();
    expect((await withCopy(copy, "/dashboard")).status).toBe(200);

    await client.logout();

    expectSentToLogin(await withCopy(copy, "/dashboard"));
    // A page whose loader asks Directus nothing, and a form post, are refused as well.
    expectSentToLogin(await withCopy(copy, "/posts/new"));
    // A form post gets the login on its own answer, carrying what was sent (issue 20), and no session.
    const post = await withCopy(copy, "/posts/new", "POST");
    expect(post.status).toBe(200);
    expect(post.body).toContain("Log in to save your work");
    expect(post.body).toContain("From a copied cookie");
    expectSentToLogin(await withCopy(copy, "/profile"));
    // Followed like a browser: the login page explains why, and the cookie is cleared.
    const holder = new HttpSession(stack.app.url);
    const followed = await holder.get("/dashboard", { cookie: copy });
    expect(followed.path).toMatch(/^\/login/);
    expect(followed.body).toContain(SESSION_ENDED);
    expect(openSessionCookie(holder.sessionCookie(), stack.sessionSecret)?.tokens).toBeUndefined();
  });

  it("suspending the account in Directus ends all of its sessions", async () => {
    const { first, second, id } = await twoSessions("suspend");
    const reply = await stack.admin.call("PATCH", `/users/${id}`, { status: "suspended" });
    expect(reply.status).toBe(200);
    expectSentToLogin(await first.get("/dashboard", { follow: false }));
    expectSentToLogin(await second.get("/posts/new", { follow: false }));
  });

  it("deleting the account in Directus ends all of its sessions", async () => {
    const { first, second, id } = await twoSessions("delete");
    expect((await stack.admin.call("DELETE", `/users/${id}`)).status).toBe(204);
    expectSentToLogin(await first.get("/dashboard", { follow: false }));
    expectSentToLogin(await second.get("/profile", { follow: false }));
  });

  it("a password changed elsewhere ends the other sessions; the new password signs in", async () => {
    const { first, second, email, id } = await twoSessions("password");
    const newPassword = `${TEST_PASSWORD} renewed`;
    expect((await stack.admin.call("PATCH", `/users/${id}`, { password: newPassword })).status).toBe(200);
    expectSentToLogin(await first.get("/dashboard", { follow: false }));
    expectSentToLogin(await second.get("/dashboard", { follow: false }));
    const again = new HttpSession(stack.app.url);
    expect((await again.login(email, newPassword)).status).toBe(200);
  });
});

describe("the session cookie", () => {
  it("reveals nothing when decoded: no token, no email, no user id", async () => {
    const client = new HttpSession(stack.app.url);
    const { email, id } = await client.register(uniqueEmail("opaque"));
    const raw = decodeURIComponent(client.sessionCookie() ?? "");
    expect(raw.length).toBeGreaterThan(0);
    const opened = openSessionCookie(client.sessionCookie(), stack.sessionSecret);
    expect(opened?.user?.id).toBe(id);
    // Every way a reader might decode it: each dot-separated part as base64 and base64url, and the whole.
    const decodings = [raw, ...raw.split(".").flatMap((part) => [Buffer.from(part, "base64"), Buffer.from(part, "base64url")].map((bytes) => bytes.toString("latin1")))];
    for (const text of decodings) {
      expect(text).not.toContain(email);
      expect(text).not.toContain(id);
      expect(text).not.toContain(opened!.tokens!.accessToken.slice(0, 40));
      expect(text).not.toMatch(/eyJhbGci|accessToken|refreshToken|"user"/);
    }
  });

  it("a login and a renewal each give a Directus session the browser never had", async () => {
    const client = new HttpSession(stack.app.url);
    const { email } = await client.register(uniqueEmail("rotate"));
    const registered = directusSessionOf(openSessionCookie(client.sessionCookie(), stack.sessionSecret)!.tokens!.accessToken);
    await client.logout();
    await client.login(email);
    const loggedIn = directusSessionOf(openSessionCookie(client.sessionCookie(), stack.sessionSecret)!.tokens!.accessToken);
    expect(loggedIn).not.toBe(registered);
  });
});
