// The hook and the endpoint with fakes of what Directus hands an extension (its emitter, knex,
// UsersService and the mail sender): which updates send which mail, and the endpoint's answers.
import { describe, expect, it } from "vitest";
import emailChange from "../email-change.js";
import extension from "../index.js";
import notices from "../notices.js";
import { CHANGE_ASKED_SUBJECT, CONFIRM_SUBJECT, signCancelToken, signEmailChangeToken } from "../rules.js";
import { callRoute } from "./route-call.js";

const SECRET = "a-secret-of-directus";
const logger = { warn: () => {}, error: () => {} };

/** A knex stand-in over a table of users: select().whereIn() and select().where().first(). @param {Array<Record<string, any>>} users */
function fakeDatabase(users) {
  return (/** @type {string} */ table) => {
    if (table !== "directus_users") throw new Error(`unexpected table ${table}`);
    return {
      select: (/** @type {string[]} */ ...fields) => {
        const pick = (/** @type {Record<string, any>} */ u) => Object.fromEntries(fields.map((f) => [f, u[f]]));
        return {
          whereIn: async (/** @type {string} */ _column, /** @type {string[]} */ ids) => users.filter((u) => ids.includes(u.id)).map(pick),
          where: (/** @type {{ id: string }} */ { id }) => ({ first: async () => users.filter((u) => u.id === id).map(pick)[0] }),
        };
      },
    };
  };
}

/** Registers the hook against a tiny emitter; `update` runs one update as ItemsService.updateMany does. @param {Array<Record<string, any>>} users */
function hookHarness(users, { failMail = false } = {}) {
  /** @type {Record<string, Function>} */
  const handlers = {};
  /** @type {Array<Record<string, any>>} */
  const sent = [];
  const errors = /** @type {unknown[]} */ ([]);
  notices(
    { filter: (/** @type {string} */ event, /** @type {Function} */ fn) => (handlers[`filter:${event}`] = fn), action: (/** @type {string} */ event, /** @type {Function} */ fn) => (handlers[`action:${event}`] = fn) },
    /** @type {any} */ ({
      database: fakeDatabase(users),
      logger: { warn: () => {}, error: (/** @type {unknown} */ e) => errors.push(e) },
      send: async (/** @type {Record<string, any>} */ mail) => {
        if (failMail) throw new Error("SMTP down");
        sent.push(mail);
      },
    }),
  );
  return {
    sent,
    errors,
    /** @param {string[]} ids @param {Record<string, unknown>} payload @param {{ fails?: boolean, accountability?: object | null }} [options] */
    async update(ids, payload, { fails = false, accountability = null } = {}) {
      const keys = [...ids];
      const after = await handlers["filter:users.update"]?.(payload, { keys, collection: "directus_users" }, { database: fakeDatabase(users), accountability });
      expect(after).toBe(payload);
      // A failed write (a taken address, a refused password) never reaches the action.
      if (!fails) await handlers["action:users.update"]?.({ payload: { ...payload }, keys, collection: "directus_users" }, {});
    },
  };
}

describe("the bundle", () => {
  it("holds two hooks and the /account-security endpoint", () => {
    expect(extension.hooks.map((h) => h.name)).toEqual(["account-security-notices", "account-security-registration"]);
    expect(extension.endpoints.map((e) => e.config.id)).toEqual(["account-security"]);
    expect(extension.operations).toEqual([]);
  });
});

describe("notices", () => {
  const users = [
    { id: "u-1", email: "ann@example.com", tfa_secret: "KEY" },
    { id: "u-2", email: "bob@example.com", tfa_secret: null },
  ];

  it("a password change mails the owner", async () => {
    const hook = hookHarness(users);
    await hook.update(["u-1"], { password: "a new password" });
    expect(hook.sent.map((m) => [m.to, m.subject])).toEqual([["ann@example.com", "Your password was changed"]]);
    expect(JSON.stringify(hook.sent)).not.toContain("a new password");
  });

  it("an email change mails the old address, once the write is done", async () => {
    const hook = hookHarness(users);
    await hook.update(["u-1"], { email: "ann.new@example.com" });
    expect(hook.sent.map((m) => [m.to, m.subject])).toEqual([["ann@example.com", "Your email address was changed"]]);
  });

  it("two-factor turned off mails the owner; the same address written back mails nobody", async () => {
    const hook = hookHarness(users);
    await hook.update(["u-1"], { tfa_secret: null });
    await hook.update(["u-1"], { email: "ann@example.com" });
    await hook.update(["u-2"], { tfa_secret: null });
    await hook.update(["u-1"], { first_name: "Ann" });
    expect(hook.sent.map((m) => [m.to, m.subject])).toEqual([["ann@example.com", "Two-factor sign-in was turned off"]]);
  });

  it("a failed write mails nothing, and the next update is told on its own", async () => {
    const hook = hookHarness(users);
    await hook.update(["u-1"], { email: "taken@example.com" }, { fails: true });
    await hook.update(["u-2"], { password: "x" });
    expect(hook.sent.map((m) => m.to)).toEqual(["bob@example.com"]);
  });

  it("refuses a user's direct write of another address onto their own account, and tells nobody", async () => {
    const hook = hookHarness(users);
    const own = { user: "u-1", admin: false };
    await expect(hook.update(["u-1"], { email: "elsewhere@example.com" }, { accountability: own })).rejects.toMatchObject({
      name: "DirectusError",
      code: "FORBIDDEN",
      status: 403,
    });
    // The same address written back (the app's way to end other sessions) and names stay allowed.
    await hook.update(["u-1"], { email: "ANN@example.com", first_name: "Ann" }, { accountability: own });
    // An administrator, or the confirm endpoint (no accountability), changes it, and the old address is told.
    await hook.update(["u-1"], { email: "ann.admin@example.com" }, { accountability: { user: "admin-1", admin: true } });
    expect(hook.sent.map((m) => [m.to, m.subject])).toEqual([["ann@example.com", "Your email address was changed"]]);
  });

  it("a failed mail is logged and never thrown into the change", async () => {
    const hook = hookHarness(users, { failMail: true });
    await expect(hook.update(["u-1"], { password: "x" })).resolves.toBeUndefined();
    expect(hook.errors).toHaveLength(1);
  });
});

/** The change store (pending-changes.js) in memory, with its atomic move. @returns {import("../pending-changes.js").ChangeStore & { rows: import("../pending-changes.js").Change[] }} */
function memoryStore() {
  /** @type {import("../pending-changes.js").Change[]} */
  const rows = [];
  return {
    rows,
    add: async (change) => void rows.push({ ...change }),
    countSince: async (userId, since) => rows.filter((r) => r.userId === userId && r.state !== "dropped" && r.createdAt > since).length,
    move: async (id, from, to) => {
      const row = rows.find((r) => r.id === id && r.state === from);
      if (row) row.state = to;
      return Boolean(row);
    },
    find: async (id) => {
      const row = rows.find((r) => r.id === id);
      return row && { userId: row.userId, state: row.state };
    },
  };
}

/** Runs the endpoint's routes with fake req/res. @param {Array<Record<string, any>>} users */
function endpointHarness(users, { now = Date.UTC(2026, 0, 1) } = {}) {
  const clock = { now };
  const changes = memoryStore();
  /** @type {Record<string, Function>} */
  const routes = {};
  /** @type {Array<Record<string, any>>} */
  const sent = [];
  /** @type {Array<[string, Record<string, unknown>]>} */
  const updates = [];
  class UsersService {
    /** @param {string} email */
    validateEmail(email) {
      if (!/^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(email)) throw new Error("invalid email");
    }
    /** @param {string} email */
    async getUserByEmail(email) {
      return users.find((u) => u.email.toLowerCase() === email.toLowerCase());
    }
    /** @param {string} id @param {Record<string, unknown>} data */
    async updateOne(id, data) {
      updates.push([id, data]);
      Object.assign(users.find((u) => u.id === id) ?? {}, data);
    }
  }
  emailChange.handler(
    { post: (/** @type {string} */ path, /** @type {Function} */ fn) => (routes[path] = fn) },
    /** @type {any} */ ({
      env: { SECRET, ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST: "http://localhost:3000/confirm-email" },
      services: { UsersService },
      database: fakeDatabase(users),
      getSchema: async () => ({}),
      logger,
      send: async (/** @type {Record<string, any>} */ mail) => void sent.push(mail),
      now: () => clock.now,
      changes,
    }),
  );
  /** @param {string} path @param {unknown} body @param {string | null} [user] */
  const call = (path, body, user = null) => callRoute(routes, path, { body, accountability: user ? { user } : null });
  return { call, sent, updates, clock, changes };
}

describe("POST /email-change", () => {
  const url = "http://localhost:3000/confirm-email";
  const people = () => [
    { id: "u-1", email: "ann@example.com", status: "active" },
    { id: "u-2", email: "bob@example.com", status: "active" },
  ];

  it("is 401 for an anonymous caller, before reading anything", async () => {
    const { call, sent } = endpointHarness(people());
    expect((await call("/email-change", { email: "x@example.com", url })).status).toBe(401);
    expect(sent).toEqual([]);
  });

  it("mails a link to the new address and changes nothing", async () => {
    const { call, sent, updates } = endpointHarness(people());
    expect((await call("/email-change", { email: "ann.new@example.com", url }, "u-1")).status).toBe(204);
    expect(updates).toEqual([]);
    expect(sent.map((m) => [m.to, m.subject])).toEqual([
      ["ann.new@example.com", CONFIRM_SUBJECT],
      ["ann@example.com", CHANGE_ASKED_SUBJECT],
    ]);
    expect(sent[0]?.html).toMatch(/href="http:\/\/localhost:3000\/confirm-email\?token=[\w-]+\.[\w-]+\.[\w-]+"/);
  });

  it("answers a taken address the same, and mails it a note without a link", async () => {
    const { call, sent } = endpointHarness(people());
    expect((await call("/email-change", { email: "BOB@example.com", url }, "u-1")).status).toBe(204);
    expect(sent.map((m) => m.to)).toEqual(["BOB@example.com"]);
    expect(sent[0]?.html).not.toMatch(/<a\b/);
  });

  it("refuses a URL off the allow list, a bad or oversized address, and the current address", async () => {
    const { call, sent } = endpointHarness(people());
    for (const body of [
      { email: "x@example.com", url: "https://evil.example.com/confirm-email" },
      { email: "not an address", url },
      { email: `${"a".repeat(200)}@example.com`, url },
      { email: "Ann@Example.com", url },
      "email=x@example.com",
    ]) {
      expect((await call("/email-change", body, "u-1")).status).toBe(400);
    }
    expect(sent).toEqual([]);
  });
});

describe("POST /email-change/confirm", () => {
  const url = "http://localhost:3000/confirm-email";
  const people = () => [
    { id: "u-1", email: "ann@example.com", status: "active" },
    { id: "u-2", email: "bob@example.com", status: "active" },
  ];
  const tokenFrom = (/** @type {Record<string, any>} */ mail) => new URL(/href="([^"]+)"/.exec(mail.html)?.[1]?.replaceAll("&#38;", "&") ?? "").searchParams.get("token");

  it("writes the new address once; the second use is 'used'", async () => {
    const { call, sent, updates } = endpointHarness(people());
    await call("/email-change", { email: "ann.new@example.com", url }, "u-1");
    const token = tokenFrom(sent[0] ?? {});
    expect(await call("/email-change/confirm", { token }, "u-1")).toEqual({ status: 200, body: { data: { email: "ann.new@example.com" } } });
    expect(updates).toEqual([["u-1", { email: "ann.new@example.com" }]]);
    const again = await call("/email-change/confirm", { token }, "u-1");
    expect(again.status).toBe(409);
    expect(again.body.errors[0].extensions.problem).toBe("used");
  });

  it("says 'taken' when the address found an owner meanwhile, and writes nothing", async () => {
    const users = people();
    const { call, sent, updates } = endpointHarness(users);
    await call("/email-change", { email: "later@example.com", url }, "u-1");
    users.push({ id: "u-3", email: "later@example.com", status: "active" });
    const answer = await call("/email-change/confirm", { token: tokenFrom(sent[0] ?? {}) }, "u-1");
    expect([answer.status, answer.body.errors[0].extensions.problem]).toEqual([409, "taken"]);
    expect(updates).toEqual([]);
  });

  it("says 'expired' after an hour and 'invalid' for a tampered or oversized token", async () => {
    const token = signEmailChangeToken({ userId: "u-1", changeId: "c-1", newEmail: "n@example.com", currentEmail: "ann@example.com" }, SECRET, Date.UTC(2026, 0, 1) - 3600_000);
    const { call, updates } = endpointHarness(people());
    const expired = await call("/email-change/confirm", { token }, "u-1");
    expect([expired.status, expired.body.errors[0].extensions.problem]).toEqual([410, "expired"]);
    const tampered = await call("/email-change/confirm", { token: `${token.slice(0, -2)}xx` }, "u-1");
    expect([tampered.status, tampered.body.errors[0].extensions.problem]).toEqual([400, "invalid"]);
    // Not codes that would tell the app the caller's own session is bad.
    expect([expired.body.errors[0].extensions.code, tampered.body.errors[0].extensions.code]).toEqual(["INVALID_PAYLOAD", "INVALID_PAYLOAD"]);
    expect((await call("/email-change/confirm", { token: "x".repeat(5000) }, "u-1")).status).toBe(400);
    expect(updates).toEqual([]);
  });
});

describe("only the account that asked confirms; the old address can cancel", () => {
  const url = "http://localhost:3000/confirm-email";
  const people = () => [
    { id: "u-1", email: "ann@example.com", status: "active" },
    { id: "u-2", email: "bob@example.com", status: "active" },
  ];
  const linkIn = (/** @type {Array<Record<string, any>>} */ sent, /** @type {string} */ subject) =>
    new URL(/href="([^"]+)"/.exec(sent.find((m) => m.subject === subject)?.html ?? "")?.[1]?.replaceAll("&#38;", "&") ?? "http://x/");
  /** Asks for a change of u-1 to ann.new@: the confirmation token and the cancel token. */
  async function asked() {
    const harness = endpointHarness(people());
    expect((await harness.call("/email-change", { email: "ann.new@example.com", url }, "u-1")).status).toBe(204);
    const confirm = linkIn(harness.sent, CONFIRM_SUBJECT).searchParams.get("token") ?? "";
    const cancel = linkIn(harness.sent, CHANGE_ASKED_SUBJECT);
    return { ...harness, confirm, cancelUrl: cancel, cancel: cancel.searchParams.get("cancel") ?? "" };
  }

  it("the bare link confirms nothing: an anonymous caller is 401, before the token is even read", async () => {
    const { call, confirm, updates } = await asked();
    const answer = await call("/email-change/confirm", { token: confirm });
    expect([answer.status, answer.body.errors[0].extensions.code, answer.body.errors[0].extensions.problem]).toEqual([401, "INVALID_CREDENTIALS", "sign-in"]);
    expect(updates).toEqual([]);
  });

  it("another signed-in account is refused (403 other-account), and the owner can still confirm after", async () => {
    const { call, confirm, updates } = await asked();
    const answer = await call("/email-change/confirm", { token: confirm }, "u-2");
    expect([answer.status, answer.body.errors[0].extensions.problem]).toEqual([403, "other-account"]);
    expect(updates).toEqual([]);
    expect((await call("/email-change/confirm", { token: confirm }, "u-1")).status).toBe(200);
  });

  it("the old address gets a cancel link on the same page, which voids the change once, without signing in", async () => {
    const { call, confirm, cancel, cancelUrl, sent, updates } = await asked();
    expect(cancelUrl.origin + cancelUrl.pathname).toBe(url);
    expect(sent.find((m) => m.subject === CHANGE_ASKED_SUBJECT)?.text).not.toContain("ann.new@");
    // Neither token does the other's job.
    expect((await call("/email-change/cancel", { token: confirm })).status).toBe(400);
    expect((await call("/email-change/confirm", { token: cancel }, "u-1")).status).toBe(400);

    expect(await call("/email-change/cancel", { token: cancel })).toEqual({ status: 200, body: { data: { cancelled: true } } });
    const again = await call("/email-change/cancel", { token: cancel });
    expect([again.status, again.body.errors[0].extensions.problem]).toEqual([409, "used"]);
    const confirmed = await call("/email-change/confirm", { token: confirm }, "u-1");
    expect([confirmed.status, confirmed.body.errors[0].extensions.problem]).toEqual([409, "cancelled"]);
    expect(updates).toEqual([]);
  });

  it("a cancel link after the change was confirmed says so, and undoes nothing", async () => {
    const { call, confirm, cancel, updates } = await asked();
    expect((await call("/email-change/confirm", { token: confirm }, "u-1")).status).toBe(200);
    const late = await call("/email-change/cancel", { token: cancel });
    expect([late.status, late.body.errors[0].extensions.problem]).toEqual([409, "confirmed"]);
    expect(updates).toEqual([["u-1", { email: "ann.new@example.com" }]]);
  });

  it("a forged cancel token (another key) is invalid", async () => {
    const { call, changes } = await asked();
    const forged = signCancelToken({ userId: "u-1", changeId: changes.rows[0]?.id ?? "", currentEmail: "ann@example.com" }, "not-the-secret", Date.UTC(2026, 0, 1));
    expect((await call("/email-change/cancel", { token: forged })).status).toBe(400);
    expect(changes.rows[0]?.state).toBe("pending");
  });
});

describe("the hourly bound per account", () => {
  const url = "http://localhost:3000/confirm-email";
  const people = () => [
    { id: "u-1", email: "ann@example.com", status: "active" },
    { id: "u-2", email: "bob@example.com", status: "active" },
  ];

  it("answers every request alike but mails for three an hour per account (taken addresses count too); others are not held back", async () => {
    const { call, sent, clock } = endpointHarness(people());
    const answers = [];
    answers.push(await call("/email-change", { email: "bob@example.com", url }, "u-1"));
    for (let i = 1; i <= 6; i++) answers.push(await call("/email-change", { email: `ann+${i}@example.com`, url }, "u-1"));
    expect(answers.map((a) => a.status)).toEqual([204, 204, 204, 204, 204, 204, 204]);
    expect(sent.filter((m) => m.subject === CONFIRM_SUBJECT).map((m) => m.to)).toEqual(["bob@example.com", "ann+1@example.com", "ann+2@example.com"]);
    expect(sent.filter((m) => m.subject === CHANGE_ASKED_SUBJECT)).toHaveLength(2);
    expect((await call("/email-change", { email: "bob.new@example.com", url }, "u-2")).status).toBe(204);
    expect(sent.at(-2)?.to).toBe("bob.new@example.com");

    clock.now += 3600_000;
    sent.length = 0;
    await call("/email-change", { email: "ann+7@example.com", url }, "u-1");
    expect(sent.map((m) => m.to)).toEqual(["ann+7@example.com", "ann@example.com"]);
  });
});
