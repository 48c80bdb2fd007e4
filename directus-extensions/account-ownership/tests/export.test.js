// GET /account-ownership/activity and /export through a real HTTP server (Express, as Directus mounts
// an endpoint) over a real (in-memory SQLite) database: who may call them, the activity's paging and
// its refusals, the export's shape, that it holds no secret and nothing of another account, that it
// is written in pieces, and that a failure part-way ends the connection instead of a file that parses.
import { once } from "node:events";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { writeExport, POSTS_PAGE } from "../account-export.js";
import endpoint from "../endpoint.js";
import { EVENTS, eventStore } from "../events.js";
import { ADMIN, ME, OTHER, directusDatabase, loggedUpdate } from "./directus-database.js";

const directusRequire = createRequire(join(fileURLToPath(import.meta.url), "../../../../directus/node_modules/directus/cli.js"));
const express = directusRequire("express");

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const MINUTE = 60 * 1000;
const SECRETS = {
  password: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
  tfa: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
  staticToken: "static-token-of-me-0123456789",
  authData: "provider-refresh-token-xyz",
  session: "session-token-of-me-abcdefghijklmnopqrstuvwxyz0123456789",
  credential: "credential-id-of-my-passkey-AAAA",
  publicKey: "public-key-of-my-passkey-BBBB",
  codeHash: "c0dehash".repeat(8),
  codeSalt: "c0desalt".repeat(4),
};

/** @type {(() => Promise<void>)[]} */
const cleanups = [];
afterEach(async () => {
  while (cleanups.length > 0) await /** @type {() => Promise<void>} */ (cleanups.pop())();
});

/** Two accounts, each with a profile, sessions, posts, a passkey, recovery codes and activity. */
async function twoAccounts({ posts = 3, padding = 0 } = {}) {
  const db = await directusDatabase();
  cleanups.push(() => db.destroy());
  await eventStore(db).ensure();
  await db("directus_users").insert([
    { id: ME, email: "me@example.com", first_name: "Ada", last_name: "Lovelace", password: SECRETS.password, tfa_secret: SECRETS.tfa, token: SECRETS.staticToken, auth_data: JSON.stringify({ refresh: SECRETS.authData }), status: "active", provider: "default", last_access: new Date(NOW - MINUTE).toISOString() },
    { id: OTHER, email: "other@example.com", first_name: "Grace", last_name: "Hopper", password: "$argon2id$other", status: "active", provider: "default" },
    { id: ADMIN, email: "admin@example.com", first_name: "Admin", password: "$argon2id$admin", status: "active", provider: "default" },
  ]);
  await db("directus_sessions").insert([
    { token: SECRETS.session, user: ME, expires: new Date(NOW + 3600 * 1000), ip: "203.0.113.10", user_agent: "Mozilla/5.0 Firefox", origin: "https://app.example" },
    { token: "expired-session-token-of-me", user: ME, expires: new Date(NOW - 3600 * 1000), ip: "203.0.113.11", user_agent: "Old", origin: "https://app.example" },
    { token: "session-token-of-other", user: OTHER, expires: new Date(NOW + 3600 * 1000), ip: "192.0.2.50", user_agent: "Other's browser", origin: "https://app.example" },
  ]);
  for (let i = 0; i < posts; i += 200) {
    await db("posts").insert(Array.from({ length: Math.min(200, posts - i) }, (_, j) => ({ user_created: ME, title: `My post ${i + j}`, content: `# Mine ${i + j}\n\nText${"x".repeat(padding)}`, date_created: new Date(NOW - (i + j) * 1000).toISOString() })));
  }
  await db("posts").insert({ user_created: OTHER, title: "Other's post", content: "Other's words", date_created: new Date(NOW).toISOString() });
  await db.schema.createTable("account_sign_in_passkeys", (t) => {
    t.string("id").primary();
    t.string("user_id");
    t.string("credential_id");
    t.text("public_key");
    t.string("name");
    t.bigInteger("created_at");
    t.bigInteger("last_used_at");
  });
  await db("account_sign_in_passkeys").insert([
    { id: "pk-1", user_id: ME, credential_id: SECRETS.credential, public_key: SECRETS.publicKey, name: "My laptop", created_at: NOW - 60 * MINUTE, last_used_at: NOW - MINUTE },
    { id: "pk-2", user_id: OTHER, credential_id: "cred-other", public_key: "pk-other", name: "Other's phone", created_at: NOW - 60 * MINUTE, last_used_at: null },
  ]);
  await db.schema.createTable("account_sign_in_recovery_codes", (t) => {
    t.string("id").primary();
    t.string("user_id");
    t.string("salt");
    t.string("hash");
    t.bigInteger("created_at");
    t.bigInteger("used_at");
  });
  await db("account_sign_in_recovery_codes").insert(
    Array.from({ length: 10 }, (_, i) => ({ id: `rc-${i}`, user_id: ME, salt: SECRETS.codeSalt, hash: `${SECRETS.codeHash}${i}`, created_at: NOW - 60 * MINUTE, used_at: i < 2 ? NOW - MINUTE : null })),
  );
  await db(EVENTS).insert([
    { user_id: ME, at: NOW - 2 * MINUTE, kind: "signed-in", method: "password", ip: "203.0.113.10", user_agent: "Mozilla/5.0 Firefox", count: 1 },
    { user_id: OTHER, at: NOW - 2 * MINUTE, kind: "signed-in", method: "password", ip: "192.0.2.50", user_agent: "Other's browser", count: 1 },
  ]);
  await loggedUpdate(db, { item: ME, by: ADMIN, at: NOW - 3 * MINUTE, delta: { password: SECRETS.password } });
  return db;
}

/**
 * The endpoint on a real HTTP server, with Directus's accountability set from the `x-user` header.
 * @param {any} db @param {{ highWaterMark?: number }} [options]
 */
async function serve(db, options = {}) {
  const app = express();
  app.use((/** @type {any} */ req, /** @type {any} */ _res, /** @type {Function} */ next) => {
    const user = req.headers["x-user"] ?? null;
    req.accountability = { user, admin: user === ADMIN, ip: "203.0.113.10", userAgent: "test" };
    next();
  });
  const router = express.Router();
  const errors = /** @type {unknown[]} */ ([]);
  endpoint.handler(router, { database: db, services: {}, getSchema: async () => ({}), logger: { error: (/** @type {unknown} */ e) => errors.push(e) }, now: () => NOW });
  app.use("/account-ownership", router);
  app.use((/** @type {any} */ error, /** @type {any} */ _req, /** @type {any} */ res, /** @type {Function} */ _next) => {
    errors.push(error);
    res.status(500).json({ errors: [{ message: "Internal", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
  });
  const { createServer } = await import("node:http");
  const server = createServer({ highWaterMark: options.highWaterMark }, app);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  /** @param {string} path @param {string | null} user */
  const get = (path, user) => fetch(`http://127.0.0.1:${port}${path}`, { headers: user ? { "x-user": user } : {} });
  return { get, errors, url: (/** @type {string} */ path) => `http://127.0.0.1:${port}${path}` };
}

describe("who may call", () => {
  it("answers an anonymous caller 401 on both, and nothing else", async () => {
    const { get } = await serve(await twoAccounts());
    for (const path of ["/account-ownership/activity", "/account-ownership/export"]) {
      const answer = await get(path, null);
      expect(answer.status).toBe(401);
      expect((await answer.json()).errors[0].extensions.code).toBe("INVALID_CREDENTIALS");
    }
  });
});

describe("GET /account-ownership/activity", () => {
  it("answers the caller's own page, and refuses a malformed cursor with 400 INVALID_QUERY", async () => {
    const { get } = await serve(await twoAccounts());
    const answer = await get("/account-ownership/activity", ME);
    expect(answer.status).toBe(200);
    const body = await answer.json();
    expect(body).toEqual({
      data: [
        { id: expect.any(String), at: new Date(NOW - 2 * MINUTE).toISOString(), kind: "signed-in", method: "password", count: 1, ip: "203.0.113.10", user_agent: "Mozilla/5.0 Firefox", by: "you" },
        { id: expect.any(String), at: new Date(NOW - 3 * MINUTE).toISOString(), kind: "password-changed", count: 1, ip: "198.51.100.1", user_agent: "Admin browser", by: "administrator" },
      ],
      next: null,
    });
    for (const before of ["%2B%2B%2B", "A".repeat(101), Buffer.from('[1,"z",1,0]').toString("base64url")]) {
      const refused = await get(`/account-ownership/activity?before=${before}`, ME);
      expect(refused.status).toBe(400);
      expect((await refused.json()).errors[0].extensions.code).toBe("INVALID_QUERY");
    }
    const twice = await get("/account-ownership/activity?before=a&before=b", ME);
    expect(twice.status).toBe(400);
  });

  it("answers an administrator with their own activity (no parameter names a user)", async () => {
    const { get } = await serve(await twoAccounts());
    const body = await (await get(`/account-ownership/activity?user=${ME}`, ADMIN)).json();
    expect(body).toEqual({ data: [], next: null });
  });
});

describe("GET /account-ownership/export", () => {
  it("is the caller's data in the contract's shape, with no secret and nothing of another account", async () => {
    const { get } = await serve(await twoAccounts());
    const answer = await get("/account-ownership/export", ME);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const text = await answer.text();
    const data = JSON.parse(text);
    expect(Object.keys(data)).toEqual(["format", "exported_at", "profile", "sign_in_methods", "sessions", "posts", "activity"]);
    expect(data.format).toBe("account-export/1");
    expect(data.exported_at).toBe(new Date(NOW).toISOString());
    expect(data.profile).toMatchObject({ id: ME, email: "me@example.com", first_name: "Ada", last_name: "Lovelace", provider: "default", status: "active", last_access: new Date(NOW - MINUTE).toISOString() });
    expect(data.sign_in_methods).toEqual({ password: true, provider: null, two_factor: true, passkeys: [{ name: "My laptop", created_at: new Date(NOW - 60 * MINUTE).toISOString(), last_used_at: new Date(NOW - MINUTE).toISOString() }], recovery_codes_left: 8 });
    expect(data.sessions).toEqual([{ user_agent: "Mozilla/5.0 Firefox", ip: "203.0.113.10", origin: "https://app.example", expires: new Date(NOW + 3600 * 1000).toISOString() }]);
    expect(data.posts.map((/** @type {any} */ post) => Object.keys(post))).toEqual([
      ["id", "title", "content", "date_created"],
      ["id", "title", "content", "date_created"],
      ["id", "title", "content", "date_created"],
    ]);
    expect(data.posts.map((/** @type {any} */ post) => post.title)).toEqual(["My post 0", "My post 1", "My post 2"]);
    expect(data.activity.map((/** @type {any} */ e) => [e.kind, e.by])).toEqual([
      ["signed-in", "you"],
      ["password-changed", "administrator"],
    ]);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/argon2|tfa_secret|auth_data|credential|public_key|"hash"|"salt"|token/i);
    expect(text).not.toMatch(/other@example\.com|Grace|Hopper|Other's|192\.0\.2\.50|cred-other/);
  });

  it("writes a large account in pieces (posts read a page at a time), and it arrives whole", async () => {
    const db = await twoAccounts({ posts: 1000 });
    /** @type {string[]} */
    const pieces = [];
    /** @type {number[]} */
    const postReads = [];
    db.on("query", (/** @type {{ sql: string }} */ query) => /from [`"]posts[`"]/.test(query.sql) && postReads.push(pieces.length));
    await writeExport({ database: db, now: () => NOW }, ME, async (piece) => {
      pieces.push(piece);
    });
    const whole = JSON.parse(pieces.join(""));
    expect(whole.posts).toHaveLength(1000);
    expect(pieces.length).toBeGreaterThan(1000);
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(2000);
    // 1000 posts by pages of 100: eleven reads (the last one finds none), each after the pieces of the one before were written.
    expect(postReads).toHaveLength(Math.ceil(1000 / POSTS_PAGE) + 1);
    expect(postReads.every((written, i) => i === 0 || written > postReads[i - 1])).toBe(true);
  }, 60_000);

  it("waits for the response to drain between pieces: a client that does not read stops the reading, and then the download arrives whole", async () => {
    // 2,000 posts of 10 kB: 20 MB, far more than the sockets' buffers hold.
    const db = await twoAccounts({ posts: 2000, padding: 10_000 });
    let postReads = 0;
    db.on("query", (/** @type {{ sql: string }} */ query) => /from [`"]posts[`"]/.test(query.sql) && (postReads += 1));
    const { url } = await serve(db, { highWaterMark: 1024 });
    const { request } = await import("node:http");
    const response = await new Promise((resolve, reject) => request(url("/account-ownership/export"), { headers: { "x-user": ME } }, resolve).on("error", reject).end());
    const incoming = /** @type {import("node:http").IncomingMessage} */ (response);
    incoming.pause();
    // Nobody reads: the socket's buffers fill and the export waits instead of reading every page.
    await expect.poll(() => postReads, { timeout: 20_000 }).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(postReads).toBeLessThan(2000 / POSTS_PAGE);
    /** @type {Buffer[]} */
    const chunks = [];
    incoming.on("data", (chunk) => chunks.push(chunk));
    incoming.resume();
    await once(incoming, "end");
    const data = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    expect(data.posts).toHaveLength(2000);
    expect(data.posts.at(-1).title).toBe("My post 1999");
  }, 60_000);

  it("ends the connection when a read fails part-way: the client sees an incomplete download, never a file that parses", async () => {
    const db = await twoAccounts({ posts: 500 });
    let postReads = 0;
    db.on("query", (/** @type {{ sql: string }} */ query) => {
      // The posts go away under the export between its second and third page (queued on the one connection before the third read).
      if (/from [`"]posts[`"]/.test(query.sql) && ++postReads === 2) db.schema.dropTable("posts").catch(() => {});
    });
    const { get, errors } = await serve(db);
    const answer = await get("/account-ownership/export", ME);
    expect(answer.status).toBe(200);
    await expect(answer.text()).rejects.toThrow();
    expect(postReads).toBe(3);
    expect(String(errors[0])).toMatch(/no such table: posts/);
  });

  it("answers Directus's error when the account is gone before the first byte", async () => {
    const { get } = await serve(await twoAccounts());
    const answer = await get("/account-ownership/export", "44444444-4444-4444-8444-444444444444");
    expect(answer.status).toBe(500);
    expect((await answer.json()).errors[0].extensions.code).toBe("INTERNAL_SERVER_ERROR");
  });
});
