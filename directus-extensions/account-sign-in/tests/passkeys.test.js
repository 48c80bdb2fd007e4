// The passkey routes over a real (in-memory SQLite) database and the tests' software authenticator,
// with fakes of the rest of Directus (harness.js).
import jwt from "jsonwebtoken";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../../../tests/support/software-authenticator.ts";
import { REFUSED } from "../endpoint.js";
import { ANONYMOUS_CHALLENGES_PER_IP, CHALLENGES_PER_CALLER, CHECKS_PER_IP, FAILURES_PER_CREDENTIAL, NOTICES_PER_ACCOUNT } from "../limits.js";
import { CHALLENGE_TTL_MS, LIMITS } from "../rules.js";
import { CHALLENGES, PASSKEYS } from "../store.js";
import { addUser, call, CHROME_LINUX, directusDatabase, ORIGIN, routesOver, SECRET, USERS } from "./harness.js";

/** @type {any} */
let db;
/** @type {ReturnType<typeof routesOver>} */
let h;
beforeEach(async () => {
  db = await directusDatabase();
  await addUser(db, USERS.ada, { email: "ada@example.com" });
  await addUser(db, USERS.bob, { email: "bob@example.com" });
  h = routesOver(db);
});
afterEach(() => db.destroy());

/** @param {string} user @param {SoftwareAuthenticator} authenticator @param {Record<string, unknown>} [extra] */
async function register(user, authenticator, extra = {}) {
  const options = await call(h.routes, "POST /passkeys/registration/options", { user, body: {} });
  expect(options.status).toBe(200);
  const response = authenticator.register(options.body.data.options, { origin: ORIGIN });
  return call(h.routes, "POST /passkeys/registration", { user, body: { challenge_id: options.body.data.challenge_id, response, ...extra } });
}

/** @param {SoftwareAuthenticator} authenticator @param {{ user?: string | null, ip?: string, settings?: Record<string, unknown> }} [options] */
async function signIn(authenticator, { user = null, ip, settings = {} } = {}) {
  const options = await call(h.routes, "POST /passkeys/authentication/options", { user, ip, body: {} });
  expect(options.status).toBe(200);
  const response = authenticator.authenticate(options.body.data.options, { origin: ORIGIN, ...settings });
  const body = { challenge_id: options.body.data.challenge_id, response };
  return { answer: await call(h.routes, "POST /passkeys/authentication", { user, ip, body }), body };
}

describe("registration", () => {
  it("offers options for a resident key with user verification, excluding the caller's passkeys", async () => {
    const authenticator = new SoftwareAuthenticator();
    await register(USERS.ada, authenticator);
    const { body } = await call(h.routes, "POST /passkeys/registration/options", { user: USERS.ada, body: {} });
    const options = body.data.options;
    expect(options.rp.id).toBe("localhost");
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "required" });
    expect(options.excludeCredentials.map((/** @type {any} */ c) => c.id)).toEqual([authenticator.credentials[0]?.id]);
    expect(Buffer.from(options.user.id, "base64url").toString()).toBe(USERS.ada);
    expect(options.user.name).toBe("ada@example.com");
  });

  it("adds a passkey named after the browser, mails the owner, and never answers the key", async () => {
    const added = await register(USERS.ada, new SoftwareAuthenticator());
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({ name: "Chrome on Linux", last_used_at: null, backed_up: false, device_type: "singleDevice" });
    expect(Object.keys(added.body.data).sort()).toEqual(["backed_up", "created_at", "device_type", "id", "last_used_at", "name"]);
    expect(h.outbox.map((m) => [m.to, m.subject])).toEqual([["ada@example.com", "A passkey was added to your account"]]);
    expect(h.outbox[0]?.text).toContain('"Chrome on Linux"');
    const named = await register(USERS.ada, new SoftwareAuthenticator(), { name: "  Work laptop " });
    expect(named.body.data.name).toBe("Work laptop");
  });

  it("refuses an answer to another account's, a used or an expired challenge", async () => {
    const authenticator = new SoftwareAuthenticator();
    const options = await call(h.routes, "POST /passkeys/registration/options", { user: USERS.ada, body: {} });
    const response = authenticator.register(options.body.data.options, { origin: ORIGIN });
    const body = { challenge_id: options.body.data.challenge_id, response };
    const asBob = await call(h.routes, "POST /passkeys/registration", { user: USERS.bob, body });
    expect(asBob.status).toBe(400);
    // Bob's attempt used it up: Ada's own answer is refused too.
    expect((await call(h.routes, "POST /passkeys/registration", { user: USERS.ada, body })).status).toBe(400);

    const late = await call(h.routes, "POST /passkeys/registration/options", { user: USERS.ada, body: {} });
    h.clock.now += CHALLENGE_TTL_MS;
    const lateResponse = authenticator.register(late.body.data.options, { origin: ORIGIN, ignoreExcludeCredentials: true });
    expect((await call(h.routes, "POST /passkeys/registration", { user: USERS.ada, body: { challenge_id: late.body.data.challenge_id, response: lateResponse } })).status).toBe(400);
    expect(await db(PASSKEYS).count({ n: "*" }).first()).toEqual({ n: 0 });
  });

  it("refuses another origin, and a registration without user verification", async () => {
    for (const settings of [{ origin: "http://evil.test" }, { userVerified: false }]) {
      const options = await call(h.routes, "POST /passkeys/registration/options", { user: USERS.ada, body: {} });
      const response = new SoftwareAuthenticator().register(options.body.data.options, { origin: ORIGIN, ...settings });
      const refused = await call(h.routes, "POST /passkeys/registration", { user: USERS.ada, body: { challenge_id: options.body.data.challenge_id, response } });
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].extensions.code).toBe("INVALID_PAYLOAD");
    }
  });

  it("holds at most 50 passkeys per account: the 51st is refused 409", async () => {
    const rows = Array.from({ length: LIMITS.passkeysPerAccount }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      user_id: USERS.ada,
      credential_id: `credential-${i}`,
      public_key: "AA",
      counter: 0,
      transports: "[]",
      name: `Key ${i}`,
      device_type: "singleDevice",
      backed_up: false,
      created_at: i,
      last_used_at: null,
    }));
    await call(h.routes, "GET /passkeys", { user: USERS.ada });
    await db(PASSKEYS).insert(rows);
    const refused = await call(h.routes, "POST /passkeys/registration/options", { user: USERS.ada, body: {} });
    expect(refused.status).toBe(409);
  });

  it("bounds every input before any work", async () => {
    const options = await call(h.routes, "POST /passkeys/registration/options", { user: USERS.ada, body: {} });
    const response = new SoftwareAuthenticator().register(options.body.data.options, { origin: ORIGIN });
    const challenge_id = options.body.data.challenge_id;
    const oversized = [
      { challenge_id: "nope", response },
      { challenge_id, response: { ...response, id: "A".repeat(1365), rawId: "A".repeat(1365) } },
      { challenge_id, response: { ...response, response: { ...response.response, clientDataJSON: "A".repeat(5463) } } },
      { challenge_id, response: { ...response, response: { ...response.response, attestationObject: "A".repeat(21847) } } },
      { challenge_id, response, name: "x".repeat(65) },
    ];
    for (const body of oversized) expect((await call(h.routes, "POST /passkeys/registration", { user: USERS.ada, body })).status).toBe(400);
    // None of them touched the challenge: the honest answer still works.
    expect((await call(h.routes, "POST /passkeys/registration", { user: USERS.ada, body: { challenge_id, response } })).status).toBe(201);
    expect((await call(h.routes, "POST /passkeys/registration", { user: USERS.ada, body: {}, headers: { "content-length": String(LIMITS.body + 1) } })).status).toBe(400);
  });
});

describe("listing, renaming, removing", () => {
  it("shows, renames and removes only the caller's own, and mails on removal", async () => {
    const added = (await register(USERS.ada, new SoftwareAuthenticator())).body.data;
    expect((await call(h.routes, "GET /passkeys", { user: USERS.bob })).body.data).toEqual([]);
    expect((await call(h.routes, "PATCH /passkeys/:id", { user: USERS.bob, params: { id: added.id }, body: { name: "Mine" } })).status).toBe(404);
    expect((await call(h.routes, "DELETE /passkeys/:id", { user: USERS.bob, params: { id: added.id } })).status).toBe(404);
    expect((await call(h.routes, "PATCH /passkeys/:id", { user: USERS.ada, params: { id: added.id }, body: { name: "" } })).status).toBe(400);
    const renamed = await call(h.routes, "PATCH /passkeys/:id", { user: USERS.ada, params: { id: added.id }, body: { name: "Phone" } });
    expect(renamed.body.data.name).toBe("Phone");
    expect((await call(h.routes, "DELETE /passkeys/:id", { user: USERS.ada, params: { id: added.id } })).status).toBe(204);
    expect((await call(h.routes, "GET /passkeys", { user: USERS.ada })).body.data).toEqual([]);
    expect(h.outbox.map((m) => m.subject)).toEqual(["A passkey was added to your account", "A passkey was removed from your account"]);
    expect(h.outbox[1]?.text).toContain('"Phone"');
  });

  it("mails at most NOTICES_PER_ACCOUNT notices an hour per account", async () => {
    for (let i = 0; i < NOTICES_PER_ACCOUNT + 2; i++) expect((await register(USERS.ada, new SoftwareAuthenticator())).status).toBe(201);
    expect(h.outbox).toHaveLength(NOTICES_PER_ACCOUNT);
  });

  it("answers anonymous callers 401", async () => {
    for (const route of ["GET /passkeys", "POST /passkeys/registration/options", "POST /passkeys/registration", "PATCH /passkeys/:id", "DELETE /passkeys/:id"]) {
      expect((await call(h.routes, route, { body: {} })).status).toBe(401);
    }
  });
});

describe("signing in", () => {
  it("starts a Directus session: the cookie as Directus's login sets it, a token signed with SECRET, the row, the activity", async () => {
    const authenticator = new SoftwareAuthenticator();
    await register(USERS.ada, authenticator);
    const { answer } = await signIn(authenticator);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { expires: 86_400_000 } });
    const [[name, token, options]] = /** @type {any} */ (answer.cookies);
    expect(name).toBe("directus_session_token");
    expect(options).toEqual({ httpOnly: true, domain: undefined, maxAge: 86_400_000, secure: false, sameSite: "strict" });
    const claims = /** @type {any} */ (jwt.verify(token, SECRET, { issuer: "directus" }));
    expect(claims).toMatchObject({ id: USERS.ada, role: "role-user", app_access: true, admin_access: false });
    expect(claims.exp - claims.iat).toBe(86_400);
    expect(claims.session).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const row = await db("directus_sessions").where({ token: claims.session }).first();
    expect(row).toMatchObject({ user: USERS.ada, ip: "203.0.113.7", user_agent: CHROME_LINUX, origin: ORIGIN });
    expect(await db("directus_activity").select("action", "user", "collection", "item")).toEqual([{ action: "login", user: USERS.ada, collection: "directus_users", item: USERS.ada }]);
    expect((await db("directus_users").where({ id: USERS.ada }).first()).last_access).not.toBeNull();
    // The events a password login emits, in its order: auth.jwt before the row, auth.login after.
    expect(h.events.map(([kind, event]) => `${kind} ${event}`)).toEqual(["filter auth.jwt", "action auth.login"]);
    expect(h.events[0]?.[3]).toMatchObject({ status: "pending", user: USERS.ada, type: "login" });
    expect(h.events[1]?.[2]).toMatchObject({ status: "success", user: USERS.ada });
    expect((await call(h.routes, "GET /passkeys", { user: USERS.ada })).body.data[0].last_used_at).toBe(new Date(h.clock.now).toISOString());
  });

  it("says enforce_tfa when a policy enforces two-factor on an account without it, as Directus does", async () => {
    await db("directus_access").insert({ id: "access-2", role: "role-user", user: null, policy: "policy-tfa" });
    const authenticator = new SoftwareAuthenticator();
    await register(USERS.ada, authenticator);
    const { answer } = await signIn(authenticator);
    expect(/** @type {any} */ (jwt.decode(answer.cookies[0]?.[1] ?? "")).enforce_tfa).toBe(true);
  });

  it("refuses alike: replay, unknown credential, wrong origin or RP, no user verification, a counter going back, an account not active", async () => {
    const authenticator = new SoftwareAuthenticator();
    await register(USERS.ada, authenticator);
    const first = await signIn(authenticator);
    expect(first.answer.status).toBe(200);
    const stranger = new SoftwareAuthenticator();
    await register(USERS.bob, stranger);
    await db(PASSKEYS).where({ user_id: USERS.bob }).delete();

    const refusals = [
      await call(h.routes, "POST /passkeys/authentication", { body: first.body }),
      (await signIn(stranger)).answer,
      (await signIn(authenticator, { settings: { origin: "http://evil.test" } })).answer,
      (await signIn(authenticator, { settings: { rpId: "evil.test" } })).answer,
      (await signIn(authenticator, { settings: { userVerified: false } })).answer,
      (await signIn(authenticator, { settings: { counter: 1 } })).answer,
      (await signIn(authenticator, { settings: { userHandle: Buffer.from(USERS.bob).toString("base64url") } })).answer,
      (await signIn(authenticator, { settings: { userHandle: null } })).answer,
    ];
    // A new process: the failures above spent this credential's bound from this address (FAILURES_PER_CREDENTIAL).
    h = routesOver(db);
    for (const status of ["suspended", "unverified", "invited", "archived"]) {
      await db("directus_users").update({ status }).where({ id: USERS.ada });
      refusals.push((await signIn(authenticator)).answer);
    }
    await db("directus_users").where({ id: USERS.ada }).delete();
    refusals.push((await signIn(authenticator)).answer);
    for (const refused of refusals) {
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ errors: [{ message: REFUSED, extensions: { code: "INVALID_CREDENTIALS" } }] });
      expect(refused.cookies).toEqual([]);
    }
    expect(await db("directus_sessions").count({ n: "*" }).first()).toEqual({ n: 1 });
  });

  it("refuses a registration challenge, a signed-in caller's challenge, or an expired one", async () => {
    const authenticator = new SoftwareAuthenticator();
    await register(USERS.ada, authenticator);
    const registration = await call(h.routes, "POST /passkeys/registration/options", { user: USERS.ada, body: {} });
    const answer = (/** @type {string} */ challenge_id, /** @type {string} */ challenge) =>
      call(h.routes, "POST /passkeys/authentication", { body: { challenge_id, response: authenticator.authenticate({ challenge, rpId: "localhost" }, { origin: ORIGIN }) } });
    expect((await answer(registration.body.data.challenge_id, registration.body.data.options.challenge)).status).toBe(401);
    const signedIn = await call(h.routes, "POST /passkeys/authentication/options", { user: USERS.ada, body: {} });
    expect((await answer(signedIn.body.data.challenge_id, signedIn.body.data.options.challenge)).status).toBe(401);
    const late = await call(h.routes, "POST /passkeys/authentication/options", { body: {} });
    h.clock.now += CHALLENGE_TTL_MS;
    expect((await answer(late.body.data.challenge_id, late.body.data.options.challenge)).status).toBe(401);
  });

  it("uses a challenge once when two answers race", async () => {
    const authenticator = new SoftwareAuthenticator({});
    await register(USERS.ada, authenticator);
    const options = await call(h.routes, "POST /passkeys/authentication/options", { body: {} });
    const body = { challenge_id: options.body.data.challenge_id, response: authenticator.authenticate(options.body.data.options, { origin: ORIGIN }) };
    const answers = await Promise.all([1, 2, 3].map(() => call(h.routes, "POST /passkeys/authentication", { body })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401]);
    expect(await db(CHALLENGES).count({ n: "*" }).first()).toEqual({ n: 0 });
  });

  it("confirms a signed-in caller with their own passkey only, without a new session", async () => {
    const mine = new SoftwareAuthenticator();
    await register(USERS.ada, mine);
    const options = await call(h.routes, "POST /passkeys/authentication/options", { user: USERS.ada, body: {} });
    expect(options.body.data.options.allowCredentials.map((/** @type {any} */ c) => c.id)).toEqual([mine.credentials[0]?.id]);
    const confirmed = await signIn(mine, { user: USERS.ada });
    expect(confirmed.answer.body).toEqual({ data: { confirmed: true } });
    expect(confirmed.answer.cookies).toEqual([]);
    const asBob = await signIn(mine, { user: USERS.bob, settings: { credential: mine.credentials[0] } });
    expect(asBob.answer.status).toBe(401);
    expect(await db("directus_sessions").count({ n: "*" }).first()).toEqual({ n: 0 });
  });

  it("bounds checks per IP and failures per credential and IP (429), and a stranger's failures never keep the owner out", async () => {
    const authenticator = new SoftwareAuthenticator();
    await register(USERS.ada, authenticator);
    // A stranger holding the credential id, from many addresses: each refused, none blocks the owner.
    for (let i = 0; i < FAILURES_PER_CREDENTIAL * 2; i++) {
      expect((await signIn(authenticator, { ip: `198.51.100.${i}`, settings: { origin: "http://evil.test" } })).answer.status).toBe(401);
    }
    // From one address, the credential's failures are bounded there.
    for (let i = 0; i < FAILURES_PER_CREDENTIAL; i++) {
      expect((await signIn(authenticator, { ip: "198.51.100.99", settings: { origin: "http://evil.test" } })).answer.status).toBe(401);
    }
    const blocked = await signIn(authenticator, { ip: "198.51.100.99" });
    expect(blocked.answer.status).toBe(429);
    expect(blocked.answer.body.errors[0].extensions.code).toBe("REQUESTS_EXCEEDED");
    expect((await signIn(authenticator, { ip: "198.51.100.200" })).answer.status).toBe(200);

    const other = new SoftwareAuthenticator();
    await register(USERS.bob, other);
    for (let i = 0; i < CHECKS_PER_IP; i++) await call(h.routes, "POST /passkeys/authentication", { ip: "192.0.2.1", body: { challenge_id: "00000000-0000-4000-8000-000000000000", response: { id: `x${i}`, rawId: `x${i}`, type: "public-key", response: { clientDataJSON: "e30", authenticatorData: "AA", signature: "AA" } } } });
    expect((await signIn(other, { ip: "192.0.2.1" })).answer.status).toBe(429);
    expect((await signIn(other, { ip: "192.0.2.2" })).answer.status).toBe(200);
  });

  it("bounds challenges per asking IP (anonymous) and per account (signed in), apart: a busy address leaves accounts alone", async () => {
    const options = (/** @type {{ ip?: string, user?: string }} */ who) => call(h.routes, "POST /passkeys/authentication/options", { body: {}, ...who });
    for (let i = 0; i < ANONYMOUS_CHALLENGES_PER_IP; i++) expect((await options({ ip: "192.0.2.9" })).status).toBe(200);
    expect((await options({ ip: "192.0.2.9" })).status).toBe(429);
    expect((await options({ ip: "192.0.2.10" })).status).toBe(200);
    for (let i = 0; i < CHALLENGES_PER_CALLER; i++) expect((await options({ ip: "192.0.2.9", user: USERS.ada })).status).toBe(200);
    expect((await options({ ip: "192.0.2.11", user: USERS.ada })).status).toBe(429);
    expect((await options({ ip: "192.0.2.9", user: USERS.bob })).status).toBe(200);
  });

  it("bounds every input before any work", async () => {
    const authenticator = new SoftwareAuthenticator();
    await register(USERS.ada, authenticator);
    const options = await call(h.routes, "POST /passkeys/authentication/options", { body: {} });
    const response = authenticator.authenticate(options.body.data.options, { origin: ORIGIN });
    const challenge_id = options.body.data.challenge_id;
    const inner = response.response;
    for (const body of [
      { challenge_id: "x", response },
      { challenge_id, response: { ...response, id: "A".repeat(1365), rawId: "A".repeat(1365) } },
      { challenge_id, response: { ...response, response: { ...inner, clientDataJSON: "A".repeat(5463) } } },
      { challenge_id, response: { ...response, response: { ...inner, authenticatorData: "A".repeat(5463) } } },
      { challenge_id, response: { ...response, response: { ...inner, signature: "A".repeat(1367) } } },
      { challenge_id, response: { ...response, response: { ...inner, userHandle: "A".repeat(87) } } },
      { challenge_id, response: { ...response, rawId: "other" } },
    ]) {
      expect((await call(h.routes, "POST /passkeys/authentication", { body })).status).toBe(401);
    }
    expect((await call(h.routes, "POST /passkeys/authentication", { body: { challenge_id, response } })).status).toBe(200);
  });
});
