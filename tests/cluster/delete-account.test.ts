// @cluster: deleting an account through one app instance (and whichever Directus instance the proxy
// picks) ends a session held through the other app instance on its very next request, on every
// Directus instance, and removes the account's posts from the shared PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, TEST_PASSWORD, uniqueEmail } from "../support/http-session.ts";
import { openSessionCookie } from "../support/session-cookie.ts";
import { admin, settings } from "./cluster";

const [directus1, directus2] = settings.directus.instances;
const [app1, app2] = settings.app.instances;
let email = "";
let userId = "";

beforeAll(async () => {
  ({ email, id: userId } = await new HttpSession(settings.app.url, { mailDir: settings.mail.dir }).register(uniqueEmail("cluster-delete")));
});

afterAll(async () => {
  // Only if the test failed before deleting it.
  if (userId && (await admin.call("GET", `/users/${userId}?fields=id`)).status === 200) await admin.call("DELETE", `/users/${userId}`);
});

async function meStatus(url: string, token: string) {
  return (await fetch(`${url}/users/me?fields=id`, { headers: { Authorization: `Bearer ${token}` } })).status;
}

describe("deleting an account across app instances", () => {
  it("deleting through one app instance ends a session held through the other and removes the posts", async () => {
    const here = new HttpSession(app1!.url);
    await here.login(email);
    const created = await here.post("/posts/new", { title: "Goes with the account", content: "body" });
    const postId = created.path.match(/^\/posts\/(\d+)$/)?.[1];
    expect(postId, created.path).toBeDefined();

    const there = new HttpSession(app2!.url);
    await there.login(email);
    const thereTokens = openSessionCookie(there.sessionCookie(), settings.app.sessionSecret)!.tokens!;
    expect((await there.get("/dashboard", { follow: false })).status).toBe(200);

    expect((await here.post("/profile/delete", { understood: "yes" })).path).toBe("/confirm-its-you");
    expect((await here.confirmItsYou(TEST_PASSWORD)).path).toBe("/profile/delete");
    const done = await here.post("/profile/delete", { understood: "yes" });
    expect(done.path).toBe("/login");
    expect(done.body).toContain("Your account has been deleted.");

    const stale = await there.get("/dashboard", { follow: false });
    expect([stale.status, stale.headers.get("Location")?.startsWith("/login")]).toEqual([302, true]);
    for (const instance of [directus1!, directus2!]) expect(await meStatus(instance.url, thereTokens.accessToken)).toBe(401);
    expect((await admin.call("GET", `/users/${userId}?fields=id`)).status).not.toBe(200);
    expect((await admin.call("GET", `/items/posts/${postId}?fields=id`)).status).not.toBe(200);
  });
});
