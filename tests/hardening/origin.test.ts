// A form on another site posting to any action is refused before the action runs, and nothing
// changes at Directus: checked through Directus's admin API, not through the app.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { startStack, type Stack } from "./stack.ts";

const EVIL = "https://evil.example";

let stack: Stack;
let victim: HttpSession;
/** The victim signed in on another device: a forged "sign out all other devices" would end it. */
let victimElsewhere: HttpSession;
let victimId: string;
let postId: string;

beforeAll(async () => {
  // Directus checks the session behind every request, so a page that loads after the fake logout
  // proves the session is still open at Directus.
  // Hour-long sessions: this file is about origins, and its last checks need both sessions still open
  // however long the refusals above took on a busy machine.
  stack = await startStack({ directusEnv: { SESSION_COOKIE_TTL: "1h" } });
  victim = new HttpSession(stack.app.url);
  let email: string;
  ({ id: victimId, email } = await victim.register(uniqueEmail("victim")));
  victimElsewhere = new HttpSession(stack.app.url);
  await victimElsewhere.login(email);
  await victim.post("/profile", { firstName: "Original", lastName: "Name" });
  const created = await victim.post("/posts/new", { title: "Original title", content: "Original content" });
  postId = created.path.match(/^\/posts\/(\d+)$/)?.[1] ?? "";
  expect(postId, created.path).not.toBe("");
});
afterAll(async () => {
  await stack?.stop();
});

/** A cross-site form post carrying the victim's cookie (as if SameSite did not exist). */
function crossOrigin(path: string, fields: Record<string, string>, cookie = victim.cookieHeader()) {
  return fetch(new URL(path, stack.app.url), {
    method: "POST",
    redirect: "manual",
    headers: { Origin: EVIL, "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
    body: new URLSearchParams(fields).toString(),
  });
}

async function snapshot() {
  const post = await stack.admin.call("GET", `/items/posts/${postId}?fields=title,content`);
  const user = await stack.admin.call("GET", `/users/${victimId}?fields=first_name,last_name`);
  return { users: await stack.admin.count("users"), posts: await stack.admin.count("posts"), post: post.data, user: user.data };
}

const cases: Array<{ name: string; path: () => string; fields: Record<string, string>; signedIn: boolean }> = [
  { name: "/login", path: () => "/login", fields: { email: "victim@example.com", password: "whatever-password" }, signedIn: false },
  { name: "/register", path: () => "/register", fields: { email: "evil-made@example.com", password: "correct horse battery" }, signedIn: false },
  { name: "/logout", path: () => "/logout", fields: {}, signedIn: true },
  { name: "/posts/new", path: () => "/posts/new", fields: { title: "Forged", content: "Forged" }, signedIn: true },
  { name: "/posts/<id>/edit", path: () => `/posts/${postId}/edit`, fields: { title: "Forged", content: "Forged" }, signedIn: true },
  { name: "/posts/<id>/delete", path: () => `/posts/${postId}/delete`, fields: {}, signedIn: true },
  { name: "/profile", path: () => "/profile", fields: { firstName: "Forged", lastName: "Forged" }, signedIn: true },
  { name: "/profile/sessions", path: () => "/profile/sessions", fields: { intent: "end-others" }, signedIn: true },
  { name: "/login/passkey", path: () => "/login/passkey", fields: { intent: "options" }, signedIn: false },
  { name: "/profile/passkeys", path: () => "/profile/passkeys", fields: { intent: "add-options" }, signedIn: true },
  { name: "/profile/delete", path: () => "/profile/delete", fields: { understood: "yes" }, signedIn: true },
];

describe("cross-origin action posts", () => {
  for (const { name, path, fields, signedIn } of cases) {
    for (const suffix of ["", ".data"]) {
      it(`refuses POST ${name}${suffix} from ${EVIL}`, async () => {
        const before = await snapshot();
        const response = await crossOrigin(`${path()}${suffix}`, fields, signedIn ? victim.cookieHeader() : "");
        expect(response.status).toBe(400);
        // No session handed out, none ended.
        expect(response.headers.getSetCookie()).toEqual([]);
        await response.text();
        expect(await snapshot()).toEqual(before);
        const forged = await stack.admin.call<unknown[]>("GET", `/users?filter[email][_eq]=evil-made@example.com&fields=id`);
        expect(forged.data).toEqual([]);
      });
    }
  }

  it("leaves the victim's sessions working (their Directus sessions still open)", async () => {
    for (const session of [victim, victimElsewhere]) {
      const page = await session.get("/dashboard");
      expect(page.status).toBe(200);
      expect(page.redirects).toEqual([]);
      expect(page.body).toContain(victimId);
    }
  });

  it("still accepts the same posts from the app's own origin (the refusal above is about Origin)", async () => {
    const reply = await victim.post("/profile", { firstName: "Changed", lastName: "Here" });
    expect(reply.status).toBe(200);
    const user = await stack.admin.call("GET", `/users/${victimId}?fields=first_name`);
    expect(user.data).toEqual({ first_name: "Changed" });
  });
});
