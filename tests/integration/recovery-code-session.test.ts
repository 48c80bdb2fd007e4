// The account-sign-in extension's recovery codes (directus-extensions/account-sign-in) in the real
// Directus 11.17.4 the integration run starts: a code signs in to a session that is the twin of a
// password login's (tests/support/session-equivalence.ts), works as one (/users/me, logout revoking
// it), once; one code sent twice at once opens one session; the provider-proof path; and Directus's
// own two-factor off and account deletion void what the extension keeps.
//
// The integration Directus has no identity provider, so the provider path here starts from a proof
// row written as the extension's auth.login filter writes it (the filter itself, fed Directus's
// OAuth2/OpenID login payload, is proven in directus-extensions/account-sign-in/tests/
// recovery-routes.test.js; the whole flow through the local development provider in tests/hardening).
import { createHash, randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DEV_APP_URL } from "../../app/lib/account-links.ts";
import { directusRest } from "../support/directus-rest.ts";
import { emailsTo } from "../support/mail.ts";
import { passkeyRest, type PasskeyAnswer } from "../support/passkey-rest.ts";
import { directusKnex, expectSameSession, lastActivityId, traceSignIn } from "../support/session-equivalence.ts";
import { currentCode } from "../support/totp.ts";

const url = inject("directusUrl");
const mailDir = inject("mailDir");
const { call, newUser, enableTwoFactor } = directusRest(url);
const db = directusKnex({ client: "sqlite3", filename: inject("directusDatabaseFile") });
afterAll(() => db.destroy());

const origin = new URL(DEV_APP_URL).origin;
const BROWSER = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "x-forwarded-for": "203.0.113.45",
  origin,
};
const { send } = passkeyRest(url, origin, BROWSER);
const code = (answer: PasskeyAnswer) => answer.body?.errors?.[0]?.extensions?.code;

/** An account with two-factor on and a batch of recovery codes; its token is a session from before two-factor. */
async function accountWithCodes(label: string) {
  const user = await newUser(label);
  const secret = await enableTwoFactor(user.email, user.password);
  const batch = await send("POST", "/account-sign-in/recovery-codes", { token: user.token, body: {} });
  expect(batch.status).toBe(201);
  const codes = batch.body.data.codes as string[];
  expect(codes).toHaveLength(10);
  const id = (await call("GET", "/users/me?fields=id", { token: user.token })).body.data.id as string;
  return { ...user, id, secret, codes };
}

const recoverySignIn = (body: Record<string, unknown>) => send("POST", "/account-sign-in/recovery-codes/sign-in", { body });

describe("a recovery code's session", () => {
  it("is the twin of a password login's (with its two-factor code): claim by claim, row by row", async () => {
    const user = await accountWithCodes("recovery-twin");

    let before = await lastActivityId(db);
    let startedAt = Date.now();
    const byPassword = await send("POST", "/auth/login", { body: { email: user.email, password: user.password, otp: await currentCode(user.secret), mode: "session" } });
    expect(byPassword.status).toBe(200);
    const password = await traceSignIn(db, user.id, { token: byPassword.token!, setCookie: byPassword.setCookie!, body: byPassword.body, startedAt, endedAt: Date.now() }, before);

    before = await lastActivityId(db);
    startedAt = Date.now();
    const byCode = await recoverySignIn({ email: user.email, password: user.password, code: user.codes[0] });
    expect(byCode.status).toBe(200);
    // The answer is the login's plus how many codes remain.
    const { remaining, ...body } = byCode.body.data;
    expect(remaining).toBe(9);
    const recovery = await traceSignIn(db, user.id, { token: byCode.token!, setCookie: byCode.setCookie!, body: { data: body }, startedAt, endedAt: Date.now() }, before);

    expectSameSession(password, recovery);
    expect(recovery.session["user_agent"]).toBe(BROWSER["user-agent"]);
    expect(recovery.session["ip"]).toBe(BROWSER["x-forwarded-for"]);
    expect(recovery.session["origin"]).toBe(origin);
    await expect.poll(async () => (await emailsTo(mailDir, { to: user.email, subject: "A recovery code was used to sign in to your account" })).map((m) => m.subject), { timeout: 15_000 }).toEqual([
      "A recovery code was used to sign in to your account",
    ]);
  });

  it("works as Directus's own: /users/me, and logout revoking it; its code is refused a second time", async () => {
    const user = await accountWithCodes("recovery-works");
    const answer = await recoverySignIn({ email: user.email, password: user.password, code: user.codes[1] });
    expect(answer.status).toBe(200);
    const token = answer.token!;
    const me = await call("GET", "/users/me?fields=email", { token });
    expect([me.status, me.body.data.email]).toEqual([200, user.email]);

    const out = await send("POST", "/auth/logout", { cookie: token, body: { mode: "session" } });
    expect(out.status).toBe(204);
    expect((await call("GET", "/users/me?fields=id", { token })).status).toBe(401);

    const again = await recoverySignIn({ email: user.email, password: user.password, code: user.codes[1] });
    expect([again.status, code(again), again.setCookie]).toEqual([401, "INVALID_CREDENTIALS", null]);
    expect((await send("GET", "/account-sign-in/recovery-codes", { token: user.token })).body.data).toMatchObject({ remaining: 9, total: 10 });
  });

  it("opens one session for one code sent twice at once", async () => {
    const user = await accountWithCodes("recovery-race");
    const sessionsBefore = Number((await db("directus_sessions").where({ user: user.id }).count({ n: "*" }).first()).n);
    const answers = await Promise.all([0, 1].map(() => recoverySignIn({ email: user.email, password: user.password, code: user.codes[2] })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
    expect(Number((await db("directus_sessions").where({ user: user.id }).count({ n: "*" }).first()).n)).toBe(sessionsBefore + 1);
  });

  it("starts from a provider's proof: once, for the proof's account, and a wrong code leaves the proof", async () => {
    const user = await accountWithCodes("recovery-provider");
    // The account signs in through a provider from now on (as Directus keeps such an account).
    await db("directus_users").update({ provider: "dev", external_identifier: user.email, password: null }).where({ id: user.id });
    const verifier = randomUUID() + randomUUID();
    const now = Date.now();
    await db("account_sign_in_provider_proofs").insert({
      id: randomUUID(),
      user_id: user.id,
      provider: "dev",
      proof_hash: createHash("sha256").update(verifier).digest("hex"),
      created_at: now,
      expires_at: now + 5 * 60 * 1000,
      used_at: null,
    });
    // The password path no longer opens this account.
    expect((await recoverySignIn({ email: user.email, password: user.password, code: user.codes[3] })).status).toBe(401);
    expect((await recoverySignIn({ provider_proof: verifier, code: "00000-00000" })).status).toBe(401);
    const answer = await recoverySignIn({ provider_proof: verifier, code: user.codes[3] });
    expect(answer.status).toBe(200);
    expect((await call("GET", "/users/me?fields=id", { token: answer.token! })).body.data.id).toBe(user.id);
    const again = await recoverySignIn({ provider_proof: verifier, code: user.codes[4] });
    expect([again.status, again.setCookie]).toEqual([401, null]);
  });
});

describe("Directus's own changes", () => {
  it("turning two-factor off through Directus voids the codes", async () => {
    const user = await accountWithCodes("recovery-hooks");
    const token = (await call("POST", "/auth/login", { body: { email: user.email, password: user.password, otp: await currentCode(user.secret) } })).body.data.access_token as string;
    expect((await call("POST", "/users/me/tfa/disable", { token, body: { otp: await currentCode(user.secret) } })).status).toBe(204);
    const codesOf = async () => Number((await db("account_sign_in_recovery_codes").where({ user_id: user.id }).count({ n: "*" }).first()).n);
    await expect.poll(codesOf, { timeout: 10_000 }).toBe(0);
  });

  it("deleting the account through Directus deletes its rows", async () => {
    const user = await accountWithCodes("recovery-deleted");
    await recoverySignIn({ email: user.email, password: user.password, code: "00000-00000" });
    const rowsOf = async () => {
      let n = 0;
      for (const table of ["account_sign_in_recovery_codes", "account_sign_in_code_points"]) n += Number((await db(table).where({ user_id: user.id }).count({ n: "*" }).first()).n);
      return n;
    };
    expect(await rowsOf()).toBe(11);
    const admin = (await call("POST", "/auth/login", { body: { email: inject("adminEmail"), password: inject("adminPassword") } })).body.data.access_token as string;
    expect((await call("DELETE", `/users/${user.id}`, { token: admin })).status).toBe(204);
    await expect.poll(rowsOf, { timeout: 10_000 }).toBe(0);
  });

  it("turning two-factor off with a code goes through Directus: the account signs in with its password alone", async () => {
    const user = await accountWithCodes("recovery-off");
    const off = await send("POST", "/account-sign-in/recovery-codes/two-factor-off", { token: user.token, body: { code: user.codes[5] } });
    expect(off.status).toBe(204);
    expect((await send("POST", "/auth/login", { body: { email: user.email, password: user.password, mode: "session" } })).status).toBe(200);
    expect((await send("GET", "/account-sign-in/recovery-codes", { token: user.token })).body.data).toEqual({ remaining: 0, total: 0, created_at: null });
  });

  it("serves the recovery tables through neither REST nor GraphQL, not even to an administrator", async () => {
    const user = await accountWithCodes("recovery-tables");
    await recoverySignIn({ email: user.email, password: user.password, code: "00000-00000" });
    // After the slow part: the test Directus's access tokens last five seconds.
    const admin = (await call("POST", "/auth/login", { body: { email: inject("adminEmail"), password: inject("adminPassword") } })).body.data.access_token as string;
    expect((await call("POST", "/utils/cache/clear?system", { token: admin })).status).toBe(200);
    for (const table of ["account_sign_in_recovery_codes", "account_sign_in_provider_proofs", "account_sign_in_code_points"]) {
      const read = await call("GET", `/items/${table}`, { token: admin });
      expect([table, read.status]).toEqual([table, 403]);
      expect(JSON.stringify(read.body)).not.toMatch(/"hash"|"salt"|"proof_hash"/);
      expect((await call("DELETE", `/items/${table}`, { token: admin, body: { query: { limit: -1 } } })).status).toBe(403);
      const graphql = await call("POST", "/graphql", { token: admin, body: { query: `{ ${table} { user_id } }` } });
      expect(JSON.stringify(graphql.body)).not.toMatch(/"data":\{"account_sign_in/);
    }
    expect(Number((await db("account_sign_in_recovery_codes").where({ user_id: user.id }).count({ n: "*" }).first()).n)).toBe(10);
  });
});
