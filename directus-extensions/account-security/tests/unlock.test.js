// The unlock link: the token's rules, and the two routes with fakes of what Directus hands an
// extension (knex over a table of users, the mail sender, the clock).
import { describe, expect, it } from "vitest";
import { deviceUnlock } from "../device-unlock.js";
import endpoint from "../endpoint.js";
import { signEmailChangeToken } from "../rules.js";
import { callRoute } from "./route-call.js";
import {
  signUnlockToken,
  UNLOCK_MAILS_PER_ADDRESS,
  UNLOCK_MAILS_PER_IP,
  UNLOCK_SUBJECT,
  UNLOCK_TTL_SECONDS,
  UsedOnce,
  verifyUnlockToken,
  WindowCounter,
} from "../unlock-rules.js";

const SECRET = "a-secret-of-directus";
const URL_ = "http://localhost:3000/login/unlock";
const START = Date.UTC(2026, 0, 1);

describe("the unlock token", () => {
  it("is ours, of this purpose, unexpired; it names no address", () => {
    const token = signUnlockToken({ userId: "u-1", email: "ann@example.com" }, SECRET, START);
    expect(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).not.toContain("ann");
    const checked = verifyUnlockToken(token, SECRET, START + 1000);
    expect(checked).toMatchObject({ ok: true, claims: { userId: "u-1" } });
    expect(verifyUnlockToken(token, "another secret", START)).toEqual({ ok: false, problem: "invalid" });
    expect(verifyUnlockToken(token, SECRET, START + UNLOCK_TTL_SECONDS * 1000)).toEqual({ ok: false, problem: "expired" });
    expect(verifyUnlockToken(`${token.slice(0, -2)}xx`, SECRET, START)).toEqual({ ok: false, problem: "invalid" });
    // An email-change link of the same extension is no unlock link.
    const other = signEmailChangeToken({ userId: "u-1", newEmail: "a@example.com", currentEmail: "ann@example.com" }, SECRET, START);
    expect(verifyUnlockToken(other, SECRET, START)).toEqual({ ok: false, problem: "invalid" });
    expect(verifyUnlockToken("x".repeat(5000), SECRET, START)).toEqual({ ok: false, problem: "invalid" });
  });

  it("two links for one account differ (each has its own id)", () => {
    const a = signUnlockToken({ userId: "u-1", email: "ann@example.com" }, SECRET, START);
    const b = signUnlockToken({ userId: "u-1", email: "ann@example.com" }, SECRET, START);
    expect(a).not.toBe(b);
  });
});

describe("the bounds", () => {
  it("WindowCounter counts per key within its window and holds at most maxKeys keys", () => {
    let now = START;
    const counter = new WindowCounter({ limit: 2, windowMs: 1000, maxKeys: 3, now: () => now });
    expect([counter.hit("a"), counter.hit("a"), counter.hit("a")]).toEqual([true, true, false]);
    now += 1000;
    expect(counter.hit("a")).toBe(true);
    for (const key of ["b", "c", "d", "e"]) counter.hit(key);
    expect(counter.entries.size).toBe(3);
  });

  it("UsedOnce takes an id once, and forgets it once its link has expired", () => {
    let now = START;
    const used = new UsedOnce({ now: () => now });
    expect(used.claim("j", START + 1000)).toBe(true);
    expect(used.claim("j", START + 1000)).toBe(false);
    now += 2000;
    used.claim("k", now + 1000);
    expect(used.used.has("j")).toBe(false);
  });
});

/** A knex stand-in: select().whereRaw(lower(email) = ?).first() and select().where({ id }).first(). @param {Array<Record<string, any>>} users */
function fakeDatabase(users) {
  return (/** @type {string} */ table) => {
    if (table !== "directus_users") throw new Error(`unexpected table ${table}`);
    return {
      select: () => ({
        whereRaw: (/** @type {string} */ _sql, /** @type {string[]} */ bindings) => ({
          first: async () => users.find((u) => u.email.toLowerCase() === bindings[1]),
        }),
        where: (/** @type {{ id: string }} */ { id }) => ({ first: async () => users.find((u) => u.id === id) }),
      }),
    };
  };
}

function harness(users = [
  { id: "u-1", email: "ann@example.com", status: "active" },
  { id: "u-2", email: "sus@example.com", status: "suspended" },
]) {
  /** @type {Record<string, Function>} */
  const routes = {};
  /** @type {Array<Record<string, any>>} */
  const sent = [];
  const clock = { now: START };
  deviceUnlock(
    { post: (/** @type {string} */ path, /** @type {Function} */ fn) => (routes[path] = fn) },
    /** @type {any} */ ({
      env: { SECRET, ACCOUNT_UNLOCK_URL_ALLOW_LIST: URL_ },
      database: fakeDatabase(users),
      logger: { warn: () => {}, error: () => {} },
      send: async (/** @type {Record<string, any>} */ mail) => void sent.push(mail),
      now: () => clock.now,
    }),
  );
  /** @param {string} path @param {unknown} body @param {string} [ip] */
  const call = (path, body, ip = "10.0.0.1") => callRoute(routes, path, { body, accountability: { ip } });
  const tokenIn = (/** @type {Record<string, any>} */ mail) => new URL(String(mail.text.match(/https?:\/\/\S+/)?.[0])).searchParams.get("token") ?? "";
  return { call, sent, clock, tokenIn };
}

describe("POST /unlock-link", () => {
  it("is one of the /account-security endpoint's routes", () => {
    /** @type {string[]} */
    const paths = [];
    endpoint.handler({ post: (/** @type {string} */ path) => paths.push(path) }, /** @type {any} */ ({ env: {}, database: fakeDatabase([]), logger: {}, send: async () => {} }));
    expect(paths).toEqual(expect.arrayContaining(["/email-change", "/email-change/confirm", "/unlock-link", "/unlock-link/redeem"]));
  });

  it("answers every address alike and mails only an existing active account, at its own address", async () => {
    const { call, sent } = harness();
    const answers = [];
    for (const email of ["ANN@example.com", "nobody@example.com", "sus@example.com"]) answers.push((await call("/unlock-link", { email, url: URL_ })).status);
    expect(answers).toEqual([204, 204, 204]);
    expect(sent.map((m) => [m.to, m.subject])).toEqual([["ann@example.com", UNLOCK_SUBJECT]]);
    expect(sent[0]?.text).toContain(`${URL_}?token=`);
  });

  it("refuses a link to a page off the allow list, and a body out of bounds", async () => {
    const { call, sent } = harness();
    expect((await call("/unlock-link", { email: "ann@example.com", url: "https://evil.example/login/unlock" })).status).toBe(400);
    expect((await call("/unlock-link", { email: "a".repeat(200), url: URL_ })).status).toBe(400);
    expect((await call("/unlock-link", null)).status).toBe(400);
    expect(sent).toEqual([]);
  });

  it("is bounded per address (from any IP) and per IP (for any address), answering alike when over", async () => {
    const { call, sent, clock } = harness();
    for (let i = 0; i < UNLOCK_MAILS_PER_ADDRESS + 3; i++) expect((await call("/unlock-link", { email: "ann@example.com", url: URL_ }, `10.0.1.${i}`)).status).toBe(204);
    expect(sent).toHaveLength(UNLOCK_MAILS_PER_ADDRESS);
    clock.now += 60 * 60 * 1000;
    for (let i = 0; i < UNLOCK_MAILS_PER_IP; i++) await call("/unlock-link", { email: `x${i}@example.com`, url: URL_ }, "10.0.2.1");
    expect((await call("/unlock-link", { email: "ann@example.com", url: URL_ }, "10.0.2.1")).status).toBe(204);
    expect(sent).toHaveLength(UNLOCK_MAILS_PER_ADDRESS);
    expect((await call("/unlock-link", { email: "ann@example.com", url: URL_ }, "10.0.2.2")).status).toBe(204);
    expect(sent).toHaveLength(UNLOCK_MAILS_PER_ADDRESS + 1);
  });
});

describe("POST /unlock-link/redeem", () => {
  it("says which account the link is for, once", async () => {
    const { call, sent, tokenIn } = harness();
    await call("/unlock-link", { email: "ann@example.com", url: URL_ });
    const token = tokenIn(sent[0] ?? {});
    expect(await call("/unlock-link/redeem", { token })).toEqual({ status: 200, body: { data: { email: "ann@example.com" } } });
    expect((await call("/unlock-link/redeem", { token })).body.errors[0].extensions.problem).toBe("used");
  });

  it("refuses a forged, expired, other-purpose or spent link", async () => {
    const users = [{ id: "u-1", email: "ann@example.com", status: "active" }];
    const { call, sent, clock, tokenIn } = harness(users);
    const forged = signUnlockToken({ userId: "u-1", email: "ann@example.com" }, "not the secret", START);
    expect((await call("/unlock-link/redeem", { token: forged })).status).toBe(400);
    const emailChange = signEmailChangeToken({ userId: "u-1", newEmail: "x@example.com", currentEmail: "ann@example.com" }, SECRET, START);
    expect((await call("/unlock-link/redeem", { token: emailChange })).status).toBe(400);
    await call("/unlock-link", { email: "ann@example.com", url: URL_ });
    await call("/unlock-link", { email: "ann@example.com", url: URL_ });
    const [first, second] = sent.map(tokenIn);
    clock.now += UNLOCK_TTL_SECONDS * 1000;
    expect((await call("/unlock-link/redeem", { token: first })).status).toBe(410);
    // The address changed since the link went out: the link is spent.
    clock.now = START;
    users[0].email = "ann.new@example.com";
    expect((await call("/unlock-link/redeem", { token: second })).status).toBe(409);
  });
});
