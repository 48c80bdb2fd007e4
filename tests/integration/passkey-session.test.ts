// The account-sign-in extension (directus-extensions/account-sign-in) in the real Directus 11.17.4
// the integration run starts, with the tests' software authenticator: a passkey signs in to a session
// that is the twin of a password login's (tests/support/session-equivalence.ts), works as one
// (/users/me, renewal, logout), and the routes' main refusals. tests/hardening covers every refusal.
import { afterAll, describe, expect, inject, it } from "vitest";
import { DEV_APP_URL } from "../../app/lib/account-links.ts";
import { directusRest, type Json } from "../support/directus-rest.ts";
import { emailsTo } from "../support/mail.ts";
import { passkeyRest, type PasskeyAnswer } from "../support/passkey-rest.ts";
import { directusKnex, expectSameSession, lastActivityId, traceSignIn } from "../support/session-equivalence.ts";
import { SoftwareAuthenticator } from "../support/software-authenticator.ts";

const url = inject("directusUrl");
const mailDir = inject("mailDir");
const { call, newUser } = directusRest(url);
const db = directusKnex({ client: "sqlite3", filename: inject("directusDatabaseFile") });
afterAll(() => db.destroy());

// What the integration Directus was given as APP_URL (scripts/lib/directus-process.mjs).
const origin = new URL(DEV_APP_URL).origin;
const BROWSER = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "x-forwarded-for": "203.0.113.44",
  origin,
};

const { send, addPasskey, signIn: passkeySignIn } = passkeyRest(url, origin, BROWSER);
type Answer = PasskeyAnswer;
const code = (answer: Answer) => answer.body?.errors?.[0]?.extensions?.code;

describe("a passkey's session", () => {
  it("is the twin of a password login's: claim by claim, row by row", async () => {
    const user = await newUser("passkey-twin");
    const me = (await call("GET", "/users/me?fields=id", { token: user.token })).body.data.id as string;
    const authenticator = new SoftwareAuthenticator();
    await addPasskey(user.token, authenticator);

    let before = await lastActivityId(db);
    let startedAt = Date.now();
    const byPassword = await send("POST", "/auth/login", { body: { email: user.email, password: user.password, mode: "session" } });
    expect(byPassword.status).toBe(200);
    const password = await traceSignIn(db, me, { token: byPassword.token!, setCookie: byPassword.setCookie!, body: byPassword.body, startedAt, endedAt: Date.now() }, before);

    before = await lastActivityId(db);
    startedAt = Date.now();
    const { answer: byPasskey } = await passkeySignIn(authenticator);
    expect(byPasskey.status).toBe(200);
    const passkey = await traceSignIn(db, me, { token: byPasskey.token!, setCookie: byPasskey.setCookie!, body: byPasskey.body, startedAt, endedAt: Date.now() }, before);

    expectSameSession(password, passkey);
    // Carried from the visitor's request, as for the password login.
    expect(passkey.session["user_agent"]).toBe(BROWSER["user-agent"]);
    expect(passkey.session["ip"]).toBe(BROWSER["x-forwarded-for"]);
    expect(passkey.session["origin"]).toBe(origin);
  });

  it("works as Directus's own: /users/me, renewal, and logout revoking it", async () => {
    const user = await newUser("passkey-works");
    const authenticator = new SoftwareAuthenticator();
    await addPasskey(user.token, authenticator);
    const { answer } = await passkeySignIn(authenticator);
    const token = answer.token!;
    const me = await call("GET", "/users/me?fields=email", { token });
    expect(me.status).toBe(200);
    expect(me.body.data.email).toBe(user.email);

    const renewed = await send("POST", "/auth/refresh", { cookie: token, body: { mode: "session" } });
    expect(renewed.status).toBe(200);
    expect(renewed.token).not.toBe(token);
    expect((await call("GET", "/users/me?fields=id", { token: renewed.token! })).status).toBe(200);

    const out = await send("POST", "/auth/logout", { cookie: renewed.token!, body: { mode: "session" } });
    expect(out.status).toBe(204);
    expect((await call("GET", "/users/me?fields=id", { token: renewed.token! })).status).toBe(401);

    // A session never renewed, logged out: its token (a copied cookie) opens nothing any more.
    const again = (await passkeySignIn(authenticator)).answer.token!;
    expect((await call("GET", "/users/me?fields=id", { token: again })).status).toBe(200);
    expect((await send("POST", "/auth/logout", { cookie: again, body: { mode: "session" } })).status).toBe(204);
    expect((await call("GET", "/users/me?fields=id", { token: again })).status).toBe(401);
  });

  it("ends, as a password login's does, when an administrator suspends the account through Directus", async () => {
    const user = await newUser("passkey-suspended");
    const authenticator = new SoftwareAuthenticator();
    await addPasskey(user.token, authenticator);
    const byPasskey = (await passkeySignIn(authenticator)).answer.token!;
    const byPassword = (await send("POST", "/auth/login", { body: { email: user.email, password: user.password, mode: "session" } })).token!;
    const id = (await call("GET", "/users/me?fields=id", { token: byPasskey })).body.data.id as string;
    const admin = await directusRest(url).call("POST", "/auth/login", { body: { email: inject("adminEmail"), password: inject("adminPassword") } });
    const suspended = await call("PATCH", `/users/${id}`, { token: admin.body.data.access_token as string, body: { status: "suspended" } });
    expect(suspended.status).toBe(200);
    // Directus's UsersService deleted every session of the account: both tokens open nothing at once.
    for (const token of [byPasskey, byPassword]) expect((await call("GET", "/users/me?fields=id", { token })).status).toBe(401);
    expect(await db("directus_sessions").where({ user: id }).count({ n: "*" }).first()).toEqual({ n: 0 });
  });

  it("opens a session for an account with two-factor on: the passkey replaces password and code", async () => {
    const user = await newUser("passkey-tfa");
    await directusRest(url).enableTwoFactor(user.email, user.password);
    const signedIn = await send("POST", "/auth/login", { body: { email: user.email, password: user.password, mode: "session" } });
    expect(code(signedIn)).toBe("INVALID_OTP");
    // Added while signed in (a session from before two-factor was turned on still works).
    const authenticator = new SoftwareAuthenticator();
    await addPasskey(user.token, authenticator);
    const { answer } = await passkeySignIn(authenticator);
    expect(answer.status).toBe(200);
    expect((await call("GET", "/users/me?fields=id", { token: answer.token! })).status).toBe(200);
  });
});

describe("the passkey routes", () => {
  it("list, rename and remove only the caller's own passkeys; the key never leaves", async () => {
    const owner = await newUser("passkey-owner");
    const other = await newUser("passkey-other");
    const authenticator = new SoftwareAuthenticator();
    const added = await addPasskey(owner.token, authenticator);
    expect(added.name).toBe("Chrome on Linux");
    expect(Object.keys(added).sort()).toEqual(["backed_up", "created_at", "device_type", "id", "last_used_at", "name"]);
    expect(added.last_used_at).toBeNull();

    const listed = await send("GET", "/account-sign-in/passkeys", { token: owner.token });
    expect(listed.body.data).toEqual([added]);
    expect(JSON.stringify(listed.body)).not.toContain(authenticator.credentials[0]!.id);
    expect((await send("GET", "/account-sign-in/passkeys", { token: other.token })).body.data).toEqual([]);

    expect((await send("PATCH", `/account-sign-in/passkeys/${added.id}`, { token: other.token, body: { name: "Mine now" } })).status).toBe(404);
    expect((await send("DELETE", `/account-sign-in/passkeys/${added.id}`, { token: other.token })).status).toBe(404);
    const renamed = await send("PATCH", `/account-sign-in/passkeys/${added.id}`, { token: owner.token, body: { name: "Work laptop" } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data.name).toBe("Work laptop");

    await passkeySignIn(authenticator);
    const used = (await send("GET", "/account-sign-in/passkeys", { token: owner.token })).body.data[0];
    expect(used.last_used_at).not.toBeNull();

    expect((await send("DELETE", `/account-sign-in/passkeys/${added.id}`, { token: owner.token })).status).toBe(204);
    expect((await send("GET", "/account-sign-in/passkeys", { token: owner.token })).body.data).toEqual([]);
    const { answer } = await passkeySignIn(authenticator);
    expect(answer.status).toBe(401);
    expect(answer.setCookie).toBeNull();

    const mails = async (subject: string) => emailsTo(mailDir, { to: owner.email, subject });
    await expect.poll(() => mails("A passkey was added to your account").then((m) => m.length), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => mails("A passkey was removed from your account").then((m) => m.length), { timeout: 15_000 }).toBe(1);
  });

  it("refuse anonymous callers where a signed-in one is needed", async () => {
    for (const [method, path] of [
      ["GET", "/account-sign-in/passkeys"],
      ["POST", "/account-sign-in/passkeys/registration/options"],
      ["POST", "/account-sign-in/passkeys/registration"],
      ["PATCH", "/account-sign-in/passkeys/00000000-0000-4000-8000-000000000000"],
      ["DELETE", "/account-sign-in/passkeys/00000000-0000-4000-8000-000000000000"],
    ] as const) {
      const answer = await send(method, path, { body: method === "GET" || method === "DELETE" ? undefined : {} });
      expect(answer.status).toBe(401);
      expect(code(answer)).toBe("INVALID_CREDENTIALS");
    }
  });

  it("refuse alike: a replayed answer, a suspended account, a wrong origin, a counter going backwards", async () => {
    const user = await newUser("passkey-refused");
    const authenticator = new SoftwareAuthenticator();
    await addPasskey(user.token, authenticator);
    const first = await passkeySignIn(authenticator);
    expect(first.answer.status).toBe(200);

    const refusals: Answer[] = [];
    refusals.push(await send("POST", "/account-sign-in/passkeys/authentication", { body: first.body }));
    refusals.push((await passkeySignIn(authenticator, { origin: "http://evil.test" })).answer);
    refusals.push((await passkeySignIn(authenticator, { counter: 0 })).answer);
    refusals.push((await passkeySignIn(authenticator, { userVerified: false })).answer);
    refusals.push(await send("POST", "/account-sign-in/passkeys/authentication", { body: { challenge_id: "not-a-uuid", response: {} } }));
    await db("directus_users").update({ status: "suspended" }).where({ email: user.email });
    refusals.push((await passkeySignIn(authenticator)).answer);
    await db("directus_users").update({ status: "active" }).where({ email: user.email });

    for (const refused of refusals) {
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual(refusals[0]!.body);
      expect(refused.setCookie).toBeNull();
    }
    expect(code(refusals[0]!)).toBe("INVALID_CREDENTIALS");
    // And the owner still gets in.
    expect((await passkeySignIn(authenticator)).answer.status).toBe(200);
  });

  it("refuse a registration challenge used for a sign-in, and another account's passkey for confirming", async () => {
    const owner = await newUser("passkey-confirm");
    const other = await newUser("passkey-confirm-other");
    const authenticator = new SoftwareAuthenticator();
    await addPasskey(owner.token, authenticator);

    const registration = await send("POST", "/account-sign-in/passkeys/registration/options", { token: owner.token, body: {} });
    const wrongPurpose = authenticator.authenticate({ challenge: registration.body.data.options.challenge, rpId: new URL(origin).hostname }, { origin });
    const refused = await send("POST", "/account-sign-in/passkeys/authentication", { body: { challenge_id: registration.body.data.challenge_id, response: wrongPurpose } });
    expect(refused.status).toBe(401);

    // Signed in: confirms with the caller's own passkey only, and opens no new session.
    const mine = await send("POST", "/account-sign-in/passkeys/authentication/options", { token: owner.token, body: {} });
    expect(mine.body.data.options.allowCredentials.map((c: Json) => c.id)).toEqual([authenticator.credentials[0]!.id]);
    const confirmed = await send("POST", "/account-sign-in/passkeys/authentication", {
      token: owner.token,
      body: { challenge_id: mine.body.data.challenge_id, response: authenticator.authenticate(mine.body.data.options, { origin }) },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ data: { confirmed: true } });
    expect(confirmed.setCookie).toBeNull();

    const theirs = await send("POST", "/account-sign-in/passkeys/authentication/options", { token: other.token, body: {} });
    const notTheirs = await send("POST", "/account-sign-in/passkeys/authentication", {
      token: other.token,
      body: { challenge_id: theirs.body.data.challenge_id, response: authenticator.authenticate(theirs.body.data.options, { origin, credential: authenticator.credentials[0] }) },
    });
    expect(notTheirs.status).toBe(401);
    expect(code(notTheirs)).toBe("INVALID_CREDENTIALS");
  });

  it("serve their tables through neither REST nor GraphQL, not even to an administrator", async () => {
    const admin = await directusRest(url).call("POST", "/auth/login", { body: { email: inject("adminEmail"), password: inject("adminPassword") } });
    const token = admin.body.data.access_token as string;
    // The tables exist (one passkey in them), and Directus has read its database's schema since:
    // after a restart it would serve any table it finds to an administrator.
    const owner = await newUser("passkey-tables");
    await addPasskey(owner.token, new SoftwareAuthenticator());
    expect((await call("POST", "/utils/cache/clear?system", { token })).status).toBe(200);
    for (const table of ["account_sign_in_passkeys", "account_sign_in_challenges"]) {
      const read = await call("GET", `/items/${table}`, { token });
      expect(read.status).toBe(403);
      expect(JSON.stringify(read.body)).not.toContain("public_key");
      expect((await call("POST", `/items/${table}`, { token, body: { id: "00000000-0000-4000-8000-000000000000" } })).status).toBe(403);
      expect((await call("PATCH", `/items/${table}`, { token, body: { query: { limit: -1 }, data: { name: "x" } } })).status).toBeGreaterThanOrEqual(400);
      expect((await call("DELETE", `/items/${table}`, { token, body: { query: { limit: -1 } } })).status).toBe(403);
      const graphql = await call("POST", "/graphql", { token, body: { query: `{ ${table} { id } }` } });
      expect(JSON.stringify(graphql.body)).not.toMatch(/"data":\{"account_sign_in/);
      expect(graphql.body.errors?.length ?? 0).toBeGreaterThan(0);
    }
    // Still there, for the extension.
    expect(Number((await db("account_sign_in_passkeys").count({ n: "*" }).first()).n)).toBeGreaterThan(0);
  });
});
