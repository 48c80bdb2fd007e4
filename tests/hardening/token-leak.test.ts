// The Directus tokens live only in the HTTP-only cookie: no page, data response or header other
// than Set-Cookie may carry them, or anything that looks like a JWT.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, uniqueEmail, type Reply } from "../support/http-session.ts";
import { directusSessionOf, openSessionCookie } from "../support/session-cookie.ts";
import { startStack, type Stack } from "./stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const JWT = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/;

describe("tokens never leave the cookie", () => {
  it("appears in no document, .data response or non-cookie header", async () => {
    const client = new HttpSession(stack.app.url);
    await client.register(uniqueEmail("leak"));
    const created = await client.post("/posts/new", { title: "Leak check", content: "Some **markdown**" });
    const postId = created.path.match(/^\/posts\/(\d+)$/)?.[1];
    expect(postId, created.path).toBeTruthy();

    const tokenSets = new Set<string>();
    const remember = () => {
      const tokens = openSessionCookie(client.sessionCookie(), stack.sessionSecret)?.tokens;
      expect(tokens).toBeDefined();
      tokenSets.add(tokens!.accessToken);
      // The Directus session id inside the token is a secret of its own (it renews the session).
      tokenSets.add(directusSessionOf(tokens!.accessToken));
    };
    remember();
    // The pattern below must be able to see a token: the access token is itself a JWT.
    expect([...tokenSets].some((token) => JWT.test(token))).toBe(true);

    const paths = [
      "/",
      "/dashboard",
      "/dashboard?page=2",
      `/posts/${postId}`,
      `/posts/${postId}/edit`,
      `/posts/${postId}/delete`,
      "/posts/new",
      "/profile",
      "/profile/two-factor",
      "/profile/sessions",
      "/profile/passkeys",
      "/profile/delete",
      "/login/code",
      "/healthz",
      "/login",
      "/register",
      "/logout",
      "/no-such-page",
      "/posts/999999/edit",
      "/_.data",
      "/dashboard.data",
      `/posts/${postId}.data`,
      `/posts/${postId}/edit.data`,
      `/posts/${postId}/delete.data`,
      "/posts/new.data",
      "/profile.data",
      "/profile/two-factor.data",
      "/profile/sessions.data",
      "/profile/passkeys.data",
      "/profile/delete.data",
      "/login.data",
      "/register.data",
    ];
    const replies: Array<[string, Reply]> = [];
    for (const path of paths) {
      replies.push([path, await client.get(path, { follow: false })]);
      remember();
    }
    // An action's answer too, through both the document and the data endpoint.
    replies.push(["POST /profile", await client.post("/profile", { firstName: "Leak", lastName: "Check" })]);
    replies.push(["POST /profile.data", await client.post("/profile.data", { firstName: "Leak", lastName: "Check" })]);
    remember();

    // Each data URL above is a real route's data (a 404 would check nothing).
    expect(replies.find(([path]) => path === "/_.data")?.[1].status).toBe(200);
    expect(replies.find(([path]) => path === "/dashboard.data")?.[1].status).toBe(200);
    expect(replies.find(([path]) => path === "/profile.data")?.[1].status).toBe(200);
    expect(replies.find(([path]) => path === "/profile/two-factor.data")?.[1].status).toBe(200);
    for (const [path, reply] of replies) {
      expect(reply.status, path).toBeLessThan(500);
      const headers = [...reply.headers].filter(([name]) => name !== "set-cookie").map(([name, value]) => `${name}: ${value}`).join("\n");
      const visible = `${headers}\n${reply.body}`;
      for (const token of tokenSets) expect(visible.includes(token), `${path} shows a session token`).toBe(false);
      expect(visible.match(JWT)?.[0], `${path} shows a JWT`).toBeUndefined();
    }
    // The tokens are in the cookie, and only there (the check above would pass vacuously otherwise).
    expect(tokenSets.size).toBeGreaterThanOrEqual(2);
  });
});
