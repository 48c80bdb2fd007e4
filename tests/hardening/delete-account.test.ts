// Deleting an account through the app, against the real Directus and its SQLite database: only the
// owner's posts and account go, another user's stay; the database failing part-way (a trigger refusing
// the user's row after the posts were deleted in the same transaction) leaves everything as it was and
// the page says so, and the same request again finishes the job; a cross-site POST deletes nothing;
// no answer carries a token.
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, TEST_PASSWORD, uniqueEmail, type Reply } from "../support/http-session.ts";
import { emailsTo, SUBJECTS } from "../support/mail.ts";
import { leaksInternals, startStack, type Stack } from "./stack.ts";

const EVIL = "https://evil.example";
const JWT = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;
const TRIGGER = "test_delete_account_fails";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ directusEnv: { SESSION_COOKIE_TTL: "1h" } });
});
afterAll(async () => {
  await stack?.stop();
});

/** Every answer this file sees, scanned for a Directus token at the end of each test. */
const answers: Reply[] = [];
const seen = (reply: Reply) => (answers.push(reply), reply);

async function newUserWithPosts(label: string, titles: string[]) {
  const client = new HttpSession(stack.app.url);
  const { id, email } = await client.register(uniqueEmail(label));
  const postIds: string[] = [];
  for (const title of titles) {
    const created = seen(await client.post("/posts/new", { title, content: `${title} body` }));
    const postId = created.path.match(/^\/posts\/(\d+)$/)?.[1];
    expect(postId, created.path).toBeDefined();
    postIds.push(postId!);
  }
  return { client, id, email, postIds };
}

async function exists(kind: "users" | "items/posts", id: string): Promise<boolean> {
  const reply = await stack.admin.call("GET", `/${kind}/${id}?fields=id`);
  return reply.status === 200;
}

/** Runs SQL on Directus's own database file, as another process would. */
function onDatabase(sql: string) {
  const db = new DatabaseSync(stack.directus.databaseFile);
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** Asks to delete, confirming it's you when asked: the answer to the delete itself. */
async function deleteThroughApp(client: HttpSession): Promise<Reply> {
  const first = seen(await client.post("/profile/delete", { understood: "yes" }));
  if (first.path === "/confirm-its-you") {
    const back = seen(await client.confirmItsYou(TEST_PASSWORD));
    expect(back.path).toBe("/profile/delete");
    return seen(await client.post("/profile/delete", { understood: "yes" }));
  }
  return first;
}

describe("deleting an account", () => {
  it("refuses a cross-site POST and deletes nothing", async () => {
    const owner = await newUserWithPosts("cross-site", ["Kept"]);
    // Confirmed, so only the Origin check stands between a forged form and the deletion.
    seen(await owner.client.post("/profile/delete", { understood: "yes" }));
    seen(await owner.client.confirmItsYou(TEST_PASSWORD));
    for (const suffix of ["", ".data"]) {
      const response = await fetch(new URL(`/profile/delete${suffix}`, stack.app.url), {
        method: "POST",
        redirect: "manual",
        headers: { Origin: EVIL, "Content-Type": "application/x-www-form-urlencoded", Cookie: owner.client.cookieHeader() },
        body: new URLSearchParams({ understood: "yes" }).toString(),
      });
      expect(response.status).toBe(400);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(await response.text()).not.toMatch(JWT);
    }
    expect(await exists("users", owner.id)).toBe(true);
    expect(await exists("items/posts", owner.postIds[0]!)).toBe(true);
    expect(seen(await owner.client.get("/dashboard")).path).toBe("/dashboard");
  });

  it("leaves everything as it was when the database fails part-way, says so, and the same request again finishes the job; another user's account and posts untouched", async () => {
    const owner = await newUserWithPosts("leaving", ["One", "Two", "Three"]);
    const elsewhere = new HttpSession(stack.app.url);
    seen(await elsewhere.login(owner.email));
    const other = await newUserWithPosts("staying", ["Theirs"]);

    // The user's row refuses to go: the transaction has deleted the posts by then, and must undo that.
    onDatabase(
      `CREATE TRIGGER ${TRIGGER} BEFORE DELETE ON directus_users WHEN OLD.id = '${owner.id}' BEGIN SELECT RAISE(ABORT, 'the database failed part-way'); END`,
    );
    let failed: Reply;
    try {
      failed = await deleteThroughApp(owner.client);
    } finally {
      onDatabase(`DROP TRIGGER IF EXISTS ${TRIGGER}`);
    }
    expect(failed.path).toBe("/profile/delete");
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(failed.body).toContain("Nothing was deleted");
    expect(leaksInternals(failed.body)).toBeNull();
    expect(failed.body).not.toContain("the database failed part-way");
    // Nothing half-deleted: the account, every post and both sessions work as before.
    expect(await exists("users", owner.id)).toBe(true);
    for (const id of owner.postIds) expect(await exists("items/posts", id)).toBe(true);
    for (const session of [owner.client, elsewhere]) {
      const page = seen(await session.get("/dashboard"));
      expect([page.status, page.path]).toEqual([200, "/dashboard"]);
    }

    const done = await deleteThroughApp(owner.client);
    expect(done.path).toBe("/login");
    expect(done.body).toContain(`Your account has been deleted. We sent a last note to ${owner.email}.`);
    // One last note, for the request that finished: the failed one mailed nothing.
    // Mailed after the commit, in the background: on a busy machine that can take seconds.
    await expect.poll(async () => (await emailsTo(stack.directus.mailDir, { to: owner.email, subject: SUBJECTS.accountDeleted })).length, { timeout: 15_000 }).toBe(1);
    expect(await exists("users", owner.id)).toBe(false);
    for (const id of owner.postIds) expect(await exists("items/posts", id)).toBe(false);
    // Every session of the account ended: this browser and the other one.
    for (const session of [owner.client, elsewhere]) {
      const page = seen(await session.get("/dashboard"));
      expect(page.path).toBe("/login?redirectTo=%2Fdashboard");
    }
    // The other user is exactly as before.
    expect(await exists("users", other.id)).toBe(true);
    expect(await exists("items/posts", other.postIds[0]!)).toBe(true);
    const theirs = seen(await other.client.get("/dashboard"));
    expect([theirs.status, theirs.path]).toEqual([200, "/dashboard"]);
    expect(theirs.body).toContain(other.id);
  });

  it("never shows a token in any answer", () => {
    expect(answers.length).toBeGreaterThan(10);
    for (const reply of answers) {
      expect(reply.body, reply.path).not.toMatch(JWT);
      for (const [name, value] of reply.headers) if (name !== "set-cookie") expect(value, `${reply.path} ${name}`).not.toMatch(JWT);
    }
  });
});
