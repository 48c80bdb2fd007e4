// The permission model, proven against a real Directus 11 over REST (see global-setup.ts).
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { provision } from "../../scripts/lib/provision.mjs";
import { directusRest, type RestReply as Reply } from "../support/directus-rest.ts";

const url = inject("directusUrl");
const adminEmail = inject("adminEmail");
const adminPassword = inject("adminPassword");

const { call, errorCode: code } = directusRest(url);

/** A logged-in client; logs in again when the (5 s in tests) access token has expired. */
class Session {
  private token = "";
  id = "";
  constructor(
    readonly email: string,
    private readonly password: string,
  ) {}

  async login() {
    const reply = await call("POST", "/auth/login", { body: { email: this.email, password: this.password } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    this.token = reply.body.data.access_token;
    return this;
  }

  async call(method: string, path: string, body?: unknown): Promise<Reply> {
    if (!this.token) await this.login();
    let reply = await call(method, path, { token: this.token, body });
    if (reply.status === 401) {
      await this.login();
      reply = await call(method, path, { token: this.token, body });
    }
    return reply;
  }
}

async function register(label: string) {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.com`;
  const password = `pw-${randomUUID()}`;
  const reply = await call("POST", "/users/register", { body: { email, password, first_name: label, last_name: "Tester" } });
  expect(reply.status, JSON.stringify(reply.body)).toBe(204);
  const session = await new Session(email, password).login();
  const me = await session.call("GET", "/users/me?fields=id,email,role,status");
  expect(me.status).toBe(200);
  // Registered straight into the provisioned role, active (no email verification).
  expect(me.body.data).toMatchObject({ email, status: "active", role: await authenticatedRoleId() });
  session.id = me.body.data.id;
  return session;
}

const admin = new Session(adminEmail, adminPassword);

async function authenticatedRoleId(): Promise<string> {
  const reply = await admin.call("GET", `/roles?filter[name][_eq]=${encodeURIComponent("Authenticated User")}&fields=id`);
  expect(reply.body.data).toHaveLength(1);
  return reply.body.data[0].id;
}
let alice: Session;
let bob: Session;

async function createPost(as: Session, payload: Record<string, unknown>) {
  const reply = await as.call("POST", "/items/posts", payload);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.data as { id: number; title: string; author: string; user_created: string };
}

async function adminGetPost(id: number) {
  return admin.call("GET", `/items/posts/${id}`);
}

describe("provisioning", () => {
  it("is idempotent: a second run against the provisioned Directus succeeds and changes nothing", async () => {
    const lines: string[] = [];
    const result = await provision({ url, email: adminEmail, password: adminPassword }, { log: (line) => lines.push(line), verifyEmail: false });
    expect(result.changes).toEqual([]);
    expect(result.version).toMatch(/^11\.17\./);
    expect(lines).toContain("already provisioned: no changes");
  });
});

describe("permission model", () => {
  beforeAll(async () => {
    alice = await register("alice");
    bob = await register("bob");
  });

  it("anonymous visitors can read neither posts nor users", async () => {
    const posts = await call("GET", "/items/posts");
    expect(posts.status).toBe(403);
    const users = await call("GET", "/users");
    expect(users.status).toBe(403);
    const create = await call("POST", "/items/posts", { body: { title: "anonymous" } });
    expect(create.status).toBe(403);
  });

  it("a created post gets author = user_created = its creator", async () => {
    const post = await createPost(alice, { title: "Alice's first", content: "# Hello" });
    expect(post.author).toBe(alice.id);
    expect(post.user_created).toBe(alice.id);
  });

  it("both users read all posts", async () => {
    const a = await createPost(alice, { title: "by alice" });
    const b = await createPost(bob, { title: "by bob" });
    for (const session of [alice, bob]) {
      const reply = await session.call("GET", "/items/posts?limit=-1&fields=id,title,author");
      expect(reply.status).toBe(200);
      const ids = reply.body.data.map((p: { id: number }) => p.id);
      expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
    }
  });

  it("setting author explicitly on create is refused with 403 FORBIDDEN naming the field (Directus 11.17)", async () => {
    const before = await admin.call("GET", "/items/posts?aggregate[count]=id");
    const reply = await alice.call("POST", "/items/posts", { title: "impersonating bob", author: bob.id });
    expect(reply.status).toBe(403);
    expect(code(reply)).toBe("FORBIDDEN");
    expect(reply.body.errors[0].message).toContain('field "author"');
    const after = await admin.call("GET", "/items/posts?aggregate[count]=id");
    expect(after.body.data).toEqual(before.body.data);
  });

  it("setting user_created explicitly on create is ignored: Directus stamps the creator", async () => {
    const post = await createPost(alice, { title: "spoofing user_created", user_created: bob.id });
    expect(post.user_created).toBe(alice.id);
    expect(post.author).toBe(alice.id);
  });

  it("a post without a title is refused (400 FAILED_VALIDATION)", async () => {
    const reply = await alice.call("POST", "/items/posts", { content: "no title" });
    expect(reply.status).toBe(400);
    expect(code(reply)).toBe("FAILED_VALIDATION");
  });

  it("updating another user's post is refused (403) and changes nothing", async () => {
    const post = await createPost(alice, { title: "alice's original", content: "original" });
    const reply = await bob.call("PATCH", `/items/posts/${post.id}`, { title: "bob was here" });
    expect(reply.status).toBe(403);
    expect(code(reply)).toBe("FORBIDDEN");
    const stored = await adminGetPost(post.id);
    expect(stored.body.data).toMatchObject({ title: "alice's original", content: "original", author: alice.id });
  });

  it("deleting another user's post is refused (403) and changes nothing", async () => {
    const post = await createPost(alice, { title: "alice's keeper" });
    const reply = await bob.call("DELETE", `/items/posts/${post.id}`);
    expect(reply.status).toBe(403);
    expect(code(reply)).toBe("FORBIDDEN");
    const stored = await adminGetPost(post.id);
    expect(stored.status).toBe(200);
    expect(stored.body.data.title).toBe("alice's keeper");
  });

  it("the owner can update and delete their own post, but not re-assign its author", async () => {
    const post = await createPost(bob, { title: "bob's draft" });
    const edit = await bob.call("PATCH", `/items/posts/${post.id}`, { title: "bob's final" });
    expect(edit.status).toBe(200);
    expect(edit.body.data.title).toBe("bob's final");

    const reassign = await bob.call("PATCH", `/items/posts/${post.id}`, { author: alice.id });
    expect(reassign.status).toBe(403);
    expect((await adminGetPost(post.id)).body.data.author).toBe(bob.id);

    const remove = await bob.call("DELETE", `/items/posts/${post.id}`);
    expect(remove.status).toBe(204);
    expect((await adminGetPost(post.id)).status).toBe(403); // Directus answers 403 for a missing item
  });

  it("each user reads only their own user record", async () => {
    for (const [self, other] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const list = await self.call("GET", "/users?limit=-1&fields=id,email");
      expect(list.status).toBe(200);
      expect(list.body.data).toEqual([{ id: self.id, email: self.email }]);

      const otherRecord = await self.call("GET", `/users/${other.id}`);
      expect(otherRecord.status).toBe(403);
      expect(code(otherRecord)).toBe("FORBIDDEN");
    }
  });

  it("another user's details are not reachable through a post's author relation", async () => {
    const post = await createPost(bob, { title: "bob's public post" });
    const reply = await alice.call("GET", `/items/posts/${post.id}?fields=id,author.id,author.email,author.first_name`);
    expect(reply.status).toBe(200);
    // Directus 11.17 nulls a relation the reader may not read instead of failing the request.
    expect(reply.body.data).toEqual({ id: post.id, author: null });
    const own = await createPost(alice, { title: "alice's own" });
    const ownReply = await alice.call("GET", `/items/posts/${own.id}?fields=author.email`);
    expect(ownReply.body.data).toEqual({ author: { email: alice.email } });
  });

  it("users may edit their own names, email and password, nothing else, and nobody else's", async () => {
    const names = await alice.call("PATCH", "/users/me", { first_name: "Alicia", last_name: "Renamed" });
    expect(names.status).toBe(200);
    expect(names.body.data).toMatchObject({ first_name: "Alicia", last_name: "Renamed" });

    const role = await alice.call("PATCH", "/users/me", { role: null });
    expect(role.status).toBe(403);

    const other = await alice.call("PATCH", `/users/${bob.id}`, { first_name: "hacked" });
    expect(other.status).toBe(403);
    const bobStored = await admin.call("GET", `/users/${bob.id}?fields=first_name,role.name`);
    expect(bobStored.body.data).toEqual({ first_name: "bob", role: { name: "Authenticated User" } });
  });
});
