// The one activity reader on a real (in-memory SQLite) database laid out as Directus's: both sources
// merged newest first, kinds from the delta's key names only, who did it, paging across both sources
// with ties, the cursor, the 90 days, and only the caller's own events.
import { afterEach, describe, expect, it } from "vitest";
import { CURSOR_MAX, InvalidCursor, PAGE_SIZE, cursorOf, kindsOfUpdate, parseCursor, readActivity } from "../activity-reader.js";
import { EVENTS, WINDOW_MS, eventStore } from "../events.js";
import { ADMIN, ME, OTHER, directusDatabase, loggedUpdate } from "./directus-database.js";

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const MINUTE = 60 * 1000;

/** @type {any[]} */
const opened = [];
afterEach(async () => {
  while (opened.length > 0) await opened.pop().destroy();
});

async function database() {
  const db = await directusDatabase();
  opened.push(db);
  await eventStore(db).ensure();
  return db;
}

/** @param {any} db @param {Record<string, unknown>} row */
const event = (db, row) => db(EVENTS).insert({ user_id: ME, kind: "signed-in", method: "password", ip: "203.0.113.1", user_agent: "Firefox", count: 1, ...row });

/** Every page, following `next`. @param {any} db @param {string} user */
async function allPages(db, user) {
  const pages = [];
  for (let before = null; ; ) {
    const page = await readActivity({ database: db, now: () => NOW }, user, { before });
    pages.push(page);
    if (page.next === null) return pages;
    expect(page.next.length).toBeLessThanOrEqual(CURSOR_MAX);
    before = page.next;
  }
}

describe("readActivity", () => {
  it("merges the events table and Directus's updates of the account, newest first, in the API's shape", async () => {
    const db = await database();
    await event(db, { at: NOW - 10 * MINUTE, kind: "signed-in", method: "passkey", ip: "203.0.113.9", user_agent: "Mozilla/5.0 Safari" });
    await event(db, { at: NOW - 30 * MINUTE, kind: "sign-in-failed", method: null, ip: "198.51.100.7", user_agent: null, count: 3 });
    await loggedUpdate(db, { item: ME, by: ME, at: NOW - 20 * MINUTE, delta: { password: "$argon2id$v=19$secret-hash" }, ip: "203.0.113.9", userAgent: "Mozilla/5.0 Safari" });
    await loggedUpdate(db, { item: ME, by: ADMIN, at: NOW - 40 * MINUTE, delta: { tfa_secret: "JBSWY3DPEHPK3PXP" } });
    // A row as SQLite's CURRENT_TIMESTAMP default writes it (text, whole seconds) reads alike.
    await loggedUpdate(db, { item: ME, by: null, at: NOW - 50 * MINUTE, delta: { email: "new@example.com" }, asText: true });
    // Directus's own login rows are not read: the events table has every sign-in, with how.
    await db("directus_activity").insert({ action: "login", user: ME, ip: "203.0.113.9", collection: "directus_users", item: ME });

    const page = await readActivity({ database: db, now: () => NOW }, ME);
    expect(page.next).toBeNull();
    expect(page.data).toEqual([
      { id: expect.stringMatching(/^e:\d+$/), at: new Date(NOW - 10 * MINUTE).toISOString(), kind: "signed-in", method: "passkey", count: 1, ip: "203.0.113.9", user_agent: "Mozilla/5.0 Safari", by: "you" },
      { id: expect.stringMatching(/^a:\d+:0$/), at: new Date(NOW - 20 * MINUTE).toISOString(), kind: "password-changed", count: 1, ip: "203.0.113.9", user_agent: "Mozilla/5.0 Safari", by: "you" },
      { id: expect.stringMatching(/^e:\d+$/), at: new Date(NOW - 30 * MINUTE).toISOString(), kind: "sign-in-failed", count: 3, ip: "198.51.100.7", user_agent: null, by: "you" },
      { id: expect.stringMatching(/^a:\d+:0$/), at: new Date(NOW - 40 * MINUTE).toISOString(), kind: "two-factor-on", count: 1, ip: "198.51.100.1", user_agent: "Admin browser", by: "administrator" },
      { id: expect.stringMatching(/^a:\d+:0$/), at: new Date(NOW - 50 * MINUTE).toISOString(), kind: "email-changed", count: 1, ip: "198.51.100.1", user_agent: "Admin browser", by: "you" },
    ]);
    // Never a value of the delta.
    expect(JSON.stringify(page)).not.toMatch(/argon2|JBSWY3DPEHPK3PXP|new@example\.com/);
  });

  it("turns a delta's key names into kinds", () => {
    expect(kindsOfUpdate('{"password":"x"}')).toEqual(["password-changed"]);
    expect(kindsOfUpdate({ tfa_secret: null })).toEqual(["two-factor-off"]);
    expect(kindsOfUpdate({ tfa_secret: "**********" })).toEqual(["two-factor-on"]);
    expect(kindsOfUpdate({ status: "suspended" })).toEqual(["account-suspended"]);
    expect(kindsOfUpdate({ status: "active" })).toEqual(["account-activated"]);
    expect(kindsOfUpdate({ first_name: "A", last_name: "B" })).toEqual(["profile-changed"]);
    expect(kindsOfUpdate({ email: "e", password: "p", first_name: "A" })).toEqual(["password-changed", "email-changed", "profile-changed"]);
    expect(kindsOfUpdate({ last_page: "/content" })).toEqual([]);
    expect(kindsOfUpdate(null)).toEqual(["profile-changed"]);
    expect(kindsOfUpdate("not json")).toEqual(["profile-changed"]);
  });

  it("pages by 25 across both sources with ties on the same time, and an update with several kinds, without a gap or a repeat", async () => {
    const db = await database();
    // 40 events and 20 updates (each two kinds), many at the very same second, some at the same millisecond.
    for (let i = 0; i < 40; i++) await event(db, { at: NOW - Math.floor(i / 4) * 1000, ip: `203.0.113.${i}` });
    for (let i = 0; i < 20; i++) await loggedUpdate(db, { item: ME, by: ME, at: NOW - Math.floor(i / 2) * 1000, delta: { password: "h", first_name: `n${i}` }, asText: i % 3 === 0 });
    const pages = await allPages(db, ME);
    expect(pages.map((page) => page.data.length)).toEqual([PAGE_SIZE, PAGE_SIZE, PAGE_SIZE, 5]);
    const all = pages.flatMap((page) => page.data);
    expect(new Set(all.map((e) => e.id)).size).toBe(80);
    expect(all.filter((e) => e.id.startsWith("e:"))).toHaveLength(40);
    expect(all.filter((e) => e.kind === "password-changed")).toHaveLength(20);
    expect(all.filter((e) => e.kind === "profile-changed")).toHaveLength(20);
    // Newest first throughout.
    const times = all.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // The same result in one long read of every row.
    expect(all.map((e) => e.id)).toEqual(pages.flatMap((page) => page.data.map((e) => e.id)));
  });

  it("never reads more than a page's worth of rows per source, whatever the history's size", async () => {
    const db = await database();
    for (let i = 0; i < 300; i += 50) await db(EVENTS).insert(Array.from({ length: 50 }, (_, j) => ({ user_id: ME, at: NOW - (i + j) * 1000, kind: "signed-in", method: "password", count: 1 })));
    /** @type {number[]} */
    const returned = [];
    db.on("query-response", (/** @type {unknown} */ response) => Array.isArray(response) && returned.push(response.length));
    const page = await readActivity({ database: db, now: () => NOW }, ME);
    expect(page.data).toHaveLength(PAGE_SIZE);
    expect(returned.length).toBeGreaterThan(0);
    expect(Math.max(...returned)).toBeLessThanOrEqual(PAGE_SIZE + 2);
  });

  it("shows the last 90 days only", async () => {
    const db = await database();
    await event(db, { at: NOW - WINDOW_MS + MINUTE, ip: "203.0.113.1" });
    await event(db, { at: NOW - WINDOW_MS - MINUTE, ip: "203.0.113.2" });
    await loggedUpdate(db, { item: ME, by: ME, at: NOW - WINDOW_MS + MINUTE, delta: { password: "h" } });
    await loggedUpdate(db, { item: ME, by: ME, at: NOW - WINDOW_MS - MINUTE, delta: { email: "e" } });
    const page = await readActivity({ database: db, now: () => NOW }, ME);
    expect(page.data.map((e) => [e.kind, e.ip])).toEqual([
      ["signed-in", "203.0.113.1"],
      ["password-changed", "198.51.100.1"],
    ]);
  });

  it("reads only the caller's own events: another account's rows and updates never appear", async () => {
    const db = await database();
    await event(db, { at: NOW - MINUTE, user_id: OTHER, ip: "192.0.2.99", user_agent: "Other's browser" });
    await loggedUpdate(db, { item: OTHER, by: OTHER, at: NOW - MINUTE, delta: { password: "h" }, ip: "192.0.2.99" });
    // An update the other account made to nothing of mine, and my own.
    await loggedUpdate(db, { item: ME, by: ME, at: NOW - 2 * MINUTE, delta: { first_name: "Me" } });
    const page = await readActivity({ database: db, now: () => NOW }, ME);
    expect(page.data.map((e) => e.kind)).toEqual(["profile-changed"]);
    expect(JSON.stringify(page)).not.toMatch(/192\.0\.2\.99|Other's browser/);
  });

  it("answers an account with no history, and no events table yet, with an empty page", async () => {
    const db = await directusDatabase();
    opened.push(db);
    expect(await readActivity({ database: db, now: () => NOW }, ME)).toEqual({ data: [], next: null });
  });

  it("caps the page size at 25", async () => {
    const db = await database();
    for (let i = 0; i < 30; i++) await event(db, { at: NOW - i * 1000 });
    expect((await readActivity({ database: db, now: () => NOW }, ME, { limit: 1000 })).data).toHaveLength(PAGE_SIZE);
    expect((await readActivity({ database: db, now: () => NOW }, ME, { limit: 3 })).data).toHaveLength(3);
  });
});

describe("the cursor", () => {
  it("round-trips and stays within 100 characters", () => {
    const position = /** @type {const} */ ({ at: NOW, src: "a", id: 2 ** 40, part: 3 });
    const text = cursorOf(position);
    expect(text.length).toBeLessThanOrEqual(CURSOR_MAX);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseCursor(text)).toEqual(position);
  });

  it.each([
    ["empty", ""],
    ["too long", "A".repeat(CURSOR_MAX + 1)],
    ["not base64url", "abc+/="],
    ["not JSON", Buffer.from("nope").toString("base64url")],
    ["not an array", Buffer.from('{"at":1}').toString("base64url")],
    ["unknown source", Buffer.from('[1,"x",1,0]').toString("base64url")],
    ["negative id", Buffer.from('[1,"e",-1,0]').toString("base64url")],
    ["fraction", Buffer.from('[1.5,"e",1,0]').toString("base64url")],
    ["string time", Buffer.from('["1","e",1,0]').toString("base64url")],
    ["extra element", Buffer.from('[1,"e",1,0,5]').toString("base64url")],
  ])("refuses a malformed cursor (%s)", async (_name, text) => {
    expect(() => parseCursor(text)).toThrow(InvalidCursor);
    const db = await database();
    await expect(readActivity({ database: db, now: () => NOW }, ME, { before: text })).rejects.toThrow(InvalidCursor);
  });
});
