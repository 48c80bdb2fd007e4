// The recovery-code routes and hooks over a real (in-memory SQLite) database, with fakes of the rest
// of Directus (harness.js): batches, the sign-in by password or by provider proof, the atomic use, the
// per-account points, the bounds, two-factor off, and the hooks that keep the tables true.
import jwt from "jsonwebtoken";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CODE_CHECKS_PER_ACCOUNT, CODE_WINDOW_MS } from "../code-points.js";
import { BATCHES_PER_ACCOUNT, RECOVERY_SIGN_INS_PER_IP } from "../limits.js";
import { LIVE_PROOFS_PER_ACCOUNT, PROOF_TTL_MS, proofHashOf } from "../provider-proofs.js";
import { hashOf } from "../recovery-codes.js";
import { RECOVERY_REFUSED } from "../recovery-routes.js";
import { CODE_POINTS, PROVIDER_PROOFS, RECOVERY_CODES, recoveryTables } from "../recovery-store.js";
import { PASSKEYS, passkeyStore } from "../store.js";
import { addUser, call, directusDatabase, recoveryRoutesOver, SECRET, USERS } from "./harness.js";

const CAROL = "2d7c3c5a-0f3e-4c0a-9c5e-4d3b5c6e7f80";
const VERIFIER = "k".repeat(43);

/** @type {any} */
let db;
/** @type {ReturnType<typeof recoveryRoutesOver>} */
let h;
beforeEach(async () => {
  db = await directusDatabase();
  await addUser(db, USERS.ada, { email: "ada@example.com", password: "ada-password", tfa_secret: "ADASECRET" });
  await addUser(db, USERS.bob, { email: "bob@example.com", password: "bob-password" });
  await addUser(db, CAROL, { email: "carol@example.com", provider: "idp", tfa_secret: "CAROLSECRET" });
  h = recoveryRoutesOver(db);
});
afterEach(() => db.destroy());

/** A new batch for `user`. @param {string} user @returns {Promise<string[]>} */
async function batchOf(user) {
  const answer = await call(h.routes, "POST /recovery-codes", { user, body: {} });
  expect(answer.status).toBe(201);
  return answer.body.data.codes;
}

/** @param {Record<string, unknown>} body @param {{ ip?: string }} [options] */
const signIn = (body, { ip } = {}) => call(h.routes, "POST /recovery-codes/sign-in", { body, ip });
/** @param {string} code @param {{ ip?: string, password?: string }} [options] */
const signInAsAda = (code, { ip, password = "ada-password" } = {}) => signIn({ email: "ada@example.com", password, code }, { ip });
/** @param {any} answer */
const errorCode = (answer) => answer.body?.errors?.[0]?.extensions?.code;

/** Directus's auth.login filter for a provider sign-in, as its OAuth2/OpenID callback calls it. @param {string} user @param {string} [verifier] @param {string} [provider] */
const providerLogin = (user, verifier = VERIFIER, provider = "idp") =>
  h.hooks["filter auth.login"]?.({ code: "c", codeVerifier: verifier, state: "s", callbackUrl: "http://localhost:8055/auth/login/idp/callback" }, { status: "pending", user, provider }, {});

describe("a batch", () => {
  it("is ten codes shown once, kept only as one-salt scrypt hashes; GET says how many remain", async () => {
    expect((await call(h.routes, "GET /recovery-codes", { user: USERS.ada })).body).toEqual({ data: { remaining: 0, total: 0, created_at: null } });
    const answer = await call(h.routes, "POST /recovery-codes", { user: USERS.ada, body: {} });
    expect(answer.status).toBe(201);
    expect(answer.headers["Cache-Control"]).toBe("no-store");
    const codes = answer.body.data.codes;
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);

    const rows = await db(RECOVERY_CODES).where({ user_id: USERS.ada });
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((/** @type {any} */ row) => row.salt)).size).toBe(1);
    const stored = JSON.stringify(rows);
    for (const code of codes) expect(stored).not.toContain(code.replace("-", ""));
    expect(rows.map((/** @type {any} */ row) => row.hash).sort()).toEqual((await Promise.all(codes.map((/** @type {string} */ c) => hashOf(c.replace("-", ""), rows[0].salt)))).sort());

    expect((await call(h.routes, "GET /recovery-codes", { user: USERS.ada })).body).toEqual({ data: { remaining: 10, total: 10, created_at: new Date(h.clock.now).toISOString() } });
    // The first batch is no renewal: nothing is mailed.
    expect(h.outbox).toEqual([]);
  });

  it("replaces the old batch: its codes stop working, a different salt, and the owner is told", async () => {
    const old = await batchOf(USERS.ada);
    const salt = (await db(RECOVERY_CODES).where({ user_id: USERS.ada }).first()).salt;
    const fresh = await batchOf(USERS.ada);
    expect(fresh.filter((code) => old.includes(code))).toEqual([]);
    expect(await db(RECOVERY_CODES).where({ user_id: USERS.ada }).count({ n: "*" }).first()).toEqual({ n: 10 });
    expect((await db(RECOVERY_CODES).where({ user_id: USERS.ada }).first()).salt).not.toBe(salt);
    expect((await signInAsAda(/** @type {string} */ (old[0]))).status).toBe(401);
    expect((await signInAsAda(/** @type {string} */ (fresh[0]))).status).toBe(200);
    expect(h.outbox[0]).toMatchObject({ to: "ada@example.com", subject: "Your recovery codes were renewed" });
    expect(h.outbox[0]?.text).toContain("Your old recovery codes no longer work");
  });

  it("needs two-factor on (409 TWO_FACTOR_OFF), a signed-in caller (401), and at most BATCHES_PER_ACCOUNT an hour (429)", async () => {
    const off = await call(h.routes, "POST /recovery-codes", { user: USERS.bob, body: {} });
    expect([off.status, errorCode(off)]).toEqual([409, "TWO_FACTOR_OFF"]);
    for (const route of ["GET /recovery-codes", "POST /recovery-codes", "POST /recovery-codes/two-factor-off"]) {
      const anonymous = await call(h.routes, route, { body: {} });
      expect([route, anonymous.status, errorCode(anonymous)]).toEqual([route, 401, "INVALID_CREDENTIALS"]);
    }
    for (let i = 0; i < BATCHES_PER_ACCOUNT; i++) await batchOf(USERS.ada);
    const over = await call(h.routes, "POST /recovery-codes", { user: USERS.ada, body: {} });
    expect([over.status, errorCode(over)]).toEqual([429, "REQUESTS_EXCEEDED"]);
    h.clock.now += 60 * 60 * 1000;
    await batchOf(USERS.ada);
    // Each batch is ten scrypt hashes: a slow machine needs more than the default five seconds for twelve.
  }, 60_000);
});

describe("signing in with the password and a code", () => {
  it("starts a Directus session (provider default) as the passkey sign-in does, says how many remain, and mails the owner", async () => {
    const codes = await batchOf(USERS.ada);
    const answer = await signInAsAda(` ${/** @type {string} */ (codes[3]).toUpperCase()} `);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { expires: 86_400_000, remaining: 9 } });
    const [[name, token, options]] = /** @type {any} */ (answer.cookies);
    expect(name).toBe("directus_session_token");
    expect(options).toMatchObject({ httpOnly: true, sameSite: "strict" });
    expect(jwt.verify(token, SECRET, { issuer: "directus" })).toMatchObject({ id: USERS.ada, role: "role-user" });
    expect(answer.headers["Cache-Control"]).toBe("no-cache");
    expect(h.events.map(([kind, event, , meta]) => [kind, event, (meta ?? {}).provider])).toEqual([
      ["filter", "auth.jwt", "default"],
      ["action", "auth.login", undefined],
    ]);
    expect(h.events[1]?.[2]).toMatchObject({ status: "success", user: USERS.ada, provider: "default" });
    expect(h.outbox.map((m) => m.subject)).toEqual(["A recovery code was used to sign in to your account"]);
    expect(h.outbox[0]?.text).toContain("9 recovery codes remain.");
    expect(h.outbox[0]?.text).not.toContain("Renew them");
    expect(JSON.stringify(h.outbox)).not.toContain(/** @type {string} */ (codes[3]));
  });

  it("takes each code once, and tells the owner to renew when two or fewer remain", async () => {
    const codes = await batchOf(USERS.ada);
    for (const [i, code] of codes.slice(0, 8).entries()) expect((await signInAsAda(code, { ip: `198.51.100.${i}` })).body.data.remaining).toBe(9 - i);
    expect(h.outbox.at(-1)?.text).toContain("2 recovery codes remain.");
    expect(h.outbox.at(-1)?.text).toContain("Renew them from your profile.");
    const again = await signInAsAda(/** @type {string} */ (codes[0]));
    expect(again.status).toBe(401);
    expect(again.cookies).toEqual([]);
    expect((await call(h.routes, "GET /recovery-codes", { user: USERS.ada })).body.data).toMatchObject({ remaining: 2, total: 10 });
  });

  it("gives one session for one code sent twice at once", async () => {
    const [code] = await batchOf(USERS.ada);
    const answers = await Promise.all([signInAsAda(/** @type {string} */ (code)), signInAsAda(/** @type {string} */ (code))]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
    expect(await db("directus_sessions").count({ n: "*" }).first()).toEqual({ n: 1 });
  });

  it("refuses alike: unknown email, wrong password, wrong or malformed code, an account not active, two-factor off, a provider account", async () => {
    const codes = await batchOf(USERS.ada);
    const right = /** @type {string} */ (codes[0]);
    await batchOf(CAROL);
    const refusals = [
      await signIn({ email: "nobody@example.com", password: "ada-password", code: right }),
      await signInAsAda(right, { password: "wrong" }),
      await signInAsAda(/** @type {string} */ (codes[1]).replace(/.$/, (c) => (c === "0" ? "1" : "0"))),
      await signInAsAda("not-a-code"),
      await signIn({ email: "carol@example.com", password: "anything", code: right }),
      await signIn({ email: "bob@example.com", password: "bob-password", code: right }),
    ];
    await db("directus_users").update({ status: "suspended" }).where({ id: USERS.ada });
    refusals.push(await signInAsAda(right));
    await db("directus_users").update({ status: "active", tfa_secret: null }).where({ id: USERS.ada });
    refusals.push(await signInAsAda(right));
    for (const refused of refusals) {
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ errors: [{ message: RECOVERY_REFUSED, extensions: { code: "INVALID_CREDENTIALS" } }] });
      expect(refused.cookies).toEqual([]);
    }
    // The right code is still unused, and works once two-factor is back.
    await db("directus_users").update({ tfa_secret: "ADASECRET" }).where({ id: USERS.ada });
    expect((await signInAsAda(right)).status).toBe(200);
  });
});

describe("wrong codes and bounds", () => {
  it(`refuses an account's ${CODE_CHECKS_PER_ACCOUNT + 1}th try in the window unchecked (429), from any IP, until the window ends; a right code clears the count`, async () => {
    const codes = await batchOf(USERS.ada);
    for (let i = 0; i < CODE_CHECKS_PER_ACCOUNT; i++) expect((await signInAsAda("0000000000", { ip: `198.51.100.${i}` })).status).toBe(401);
    const blocked = await signInAsAda(/** @type {string} */ (codes[0]), { ip: "192.0.2.9" });
    expect([blocked.status, errorCode(blocked)]).toEqual([429, "TOO_MANY_WRONG_CODES"]);
    // Unchecked: the code is still unused.
    expect((await call(h.routes, "GET /recovery-codes", { user: USERS.ada })).body.data.remaining).toBe(10);
    h.clock.now += CODE_WINDOW_MS;
    expect((await signInAsAda(/** @type {string} */ (codes[0]))).status).toBe(200);
    for (let i = 0; i < CODE_CHECKS_PER_ACCOUNT - 1; i++) await signInAsAda("0000000000");
    expect((await signInAsAda(/** @type {string} */ (codes[1]))).status).toBe(200);
    expect(await db(CODE_POINTS).where({ user_id: USERS.ada }).first()).toBeUndefined();
  });

  it("lets no stranger take the owner's points: without the password nothing is counted for the account", async () => {
    const codes = await batchOf(USERS.ada);
    for (let i = 0; i < 60; i++) await signInAsAda("0000000000", { ip: `198.51.100.${i}`, password: `guess-${i}` });
    expect(await db(CODE_POINTS).count({ n: "*" }).first()).toEqual({ n: 0 });
    expect((await signInAsAda(/** @type {string} */ (codes[0]))).status).toBe(200);
  });

  it(`answers 429 beyond ${RECOVERY_SIGN_INS_PER_IP} sign-ins from one IP in the window`, async () => {
    const codes = await batchOf(USERS.ada);
    for (let i = 0; i < RECOVERY_SIGN_INS_PER_IP; i++) expect((await signIn({ email: `x${i}@example.com`, password: "p", code: "0000000000" })).status).toBe(401);
    const over = await signInAsAda(/** @type {string} */ (codes[0]));
    expect([over.status, errorCode(over)]).toEqual([429, "REQUESTS_EXCEEDED"]);
    expect((await signInAsAda(/** @type {string} */ (codes[0]), { ip: "192.0.2.1" })).status).toBe(200);
  });

  it("refuses every oversized or mixed input before any work: no point taken, no proof spent", async () => {
    const codes = await batchOf(USERS.ada);
    await batchOf(CAROL);
    await providerLogin(CAROL);
    const right = /** @type {string} */ (codes[0]);
    const bodies = [
      { email: `${"a".repeat(243)}@example.com`, password: "ada-password", code: right },
      { email: "ada@example.com", password: "p".repeat(1025), code: right },
      { email: "ada@example.com", password: "ada-password", code: `${right}${" ".repeat(55)}` },
      { provider_proof: "k".repeat(257), code: right },
      { provider_proof: VERIFIER, email: "ada@example.com", password: "ada-password", code: right },
      { email: "ada@example.com", password: "ada-password" },
      { email: "ada@example.com", password: "ada-password", code: 1234567890 },
      { email: "ada@example.com", password: "ada-password", code: right, padding: "x".repeat(4096) },
    ];
    for (const body of bodies) {
      const refused = await signIn(body);
      expect(refused.status).toBe(401);
      expect(refused.body.errors[0].message).toBe(RECOVERY_REFUSED);
    }
    const declared = await call(h.routes, "POST /recovery-codes/sign-in", { body: { email: "ada@example.com", password: "ada-password", code: right }, headers: { "content-length": "4097" } });
    expect(declared.status).toBe(401);
    expect(await db(CODE_POINTS).count({ n: "*" }).first()).toEqual({ n: 0 });
    expect(await db(PROVIDER_PROOFS).whereNotNull("used_at").count({ n: "*" }).first()).toEqual({ n: 0 });
    expect((await signInAsAda(right)).status).toBe(200);
  });
});

describe("provider proofs", () => {
  it("are recorded by the auth.login filter only for a provider sign-in of an active account with two-factor on", async () => {
    await recoveryTables(db)();
    await addUser(db, "3e8d4d6b-1a4f-4d1b-8d6f-5e4c6d7f8091", { email: "dan@example.com", provider: "idp" });
    await providerLogin("3e8d4d6b-1a4f-4d1b-8d6f-5e4c6d7f8091");
    await h.hooks["filter auth.login"]?.({ email: "ada@example.com", password: "ada-password" }, { status: "pending", user: USERS.ada, provider: "default" }, {});
    await providerLogin(CAROL, VERIFIER, "other-provider");
    await db("directus_users").update({ status: "suspended" }).where({ id: CAROL });
    await providerLogin(CAROL);
    await db("directus_users").update({ status: "active" }).where({ id: CAROL });
    await providerLogin(CAROL, "k".repeat(257));
    await providerLogin(CAROL, /** @type {any} */ (null));
    expect(await db(PROVIDER_PROOFS).count({ n: "*" }).first()).toEqual({ n: 0 });
    const payload = { code: "c", codeVerifier: VERIFIER, state: "s" };
    expect(await h.hooks["filter auth.login"]?.(payload, { status: "pending", user: CAROL, provider: "idp" }, {})).toBe(payload);
    const rows = await db(PROVIDER_PROOFS).select("*");
    expect(rows).toEqual([{ id: expect.any(String), user_id: CAROL, provider: "idp", proof_hash: proofHashOf(VERIFIER), created_at: h.clock.now, expires_at: h.clock.now + PROOF_TTL_MS, used_at: null }]);
    expect(JSON.stringify(rows)).not.toContain(VERIFIER);
  });

  it("with a right code start a session at the proof's provider, once; a wrong code leaves the proof for the next try", async () => {
    const codes = await batchOf(CAROL);
    await providerLogin(CAROL);
    const wrong = await signIn({ provider_proof: VERIFIER, code: "0000000000" });
    expect(wrong.status).toBe(401);
    const answer = await signIn({ provider_proof: VERIFIER, code: codes[0] });
    expect(answer.status).toBe(200);
    expect(answer.body.data.remaining).toBe(9);
    expect(jwt.decode(answer.cookies[0]?.[1] ?? "")).toMatchObject({ id: CAROL });
    expect(h.events.find(([, event]) => event === "auth.login")?.[2]).toMatchObject({ status: "success", user: CAROL, provider: "idp" });
    // The proof is spent: another right code cannot ride on it.
    const again = await signIn({ provider_proof: VERIFIER, code: codes[1] });
    expect(again.status).toBe(401);
    expect((await call(h.routes, "GET /recovery-codes", { user: CAROL })).body.data.remaining).toBe(9);
  });

  it("two parallel uses of one proof and one code give one session", async () => {
    const codes = await batchOf(CAROL);
    await providerLogin(CAROL);
    const answers = await Promise.all([signIn({ provider_proof: VERIFIER, code: codes[0] }), signIn({ provider_proof: VERIFIER, code: codes[0] })]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
  });

  it("are refused when unknown or expired, and are bounded: expired ones go, at most five live per account", async () => {
    const codes = await batchOf(CAROL);
    expect((await signIn({ provider_proof: VERIFIER, code: codes[0] })).status).toBe(401);
    await providerLogin(CAROL);
    h.clock.now += PROOF_TTL_MS;
    expect((await signIn({ provider_proof: VERIFIER, code: codes[0] })).status).toBe(401);
    for (let i = 0; i < LIVE_PROOFS_PER_ACCOUNT + 3; i++) {
      h.clock.now += 1;
      await providerLogin(CAROL, `verifier-${i}-${"v".repeat(40)}`);
    }
    const left = await db(PROVIDER_PROOFS).select("proof_hash").orderBy("created_at");
    expect(left.map((/** @type {any} */ row) => row.proof_hash)).toEqual(Array.from({ length: LIVE_PROOFS_PER_ACCOUNT }, (_, i) => proofHashOf(`verifier-${i + 3}-${"v".repeat(40)}`)));
    expect((await signIn({ provider_proof: `verifier-7-${"v".repeat(40)}`, code: codes[0] })).status).toBe(200);
  });

  it("are forgotten when the provider sign-in went through with its two-factor code", async () => {
    const codes = await batchOf(CAROL);
    await providerLogin(CAROL);
    h.hooks["action auth.login"]?.({ payload: { codeVerifier: VERIFIER }, status: "success", user: CAROL, provider: "idp" });
    await expect.poll(async () => (await db(PROVIDER_PROOFS).count({ n: "*" }).first()).n).toBe(0);
    expect((await signIn({ provider_proof: VERIFIER, code: codes[0] })).status).toBe(401);
  });
});

describe("turning two-factor off with a code", () => {
  it("uses the code, turns two-factor off through Directus's TFAService, deletes the codes and mails the owner", async () => {
    const codes = await batchOf(USERS.ada);
    const wrong = await call(h.routes, "POST /recovery-codes/two-factor-off", { user: USERS.ada, body: { code: "0000000000" } });
    expect([wrong.status, errorCode(wrong)]).toEqual([401, "INVALID_OTP"]);
    expect((await db("directus_users").where({ id: USERS.ada }).first()).tfa_secret).toBe("ADASECRET");
    const off = await call(h.routes, "POST /recovery-codes/two-factor-off", { user: USERS.ada, body: { code: codes[2] } });
    expect(off.status).toBe(204);
    expect((await db("directus_users").where({ id: USERS.ada }).first()).tfa_secret).toBeNull();
    expect(await db(RECOVERY_CODES).where({ user_id: USERS.ada }).count({ n: "*" }).first()).toEqual({ n: 0 });
    expect(h.outbox.map((m) => m.subject)).toEqual(["A recovery code was used to turn two-factor sign-in off"]);
    const again = await call(h.routes, "POST /recovery-codes/two-factor-off", { user: USERS.ada, body: { code: codes[3] } });
    expect([again.status, errorCode(again)]).toEqual([409, "TWO_FACTOR_OFF"]);
  });

  it("counts wrong codes per account, oversized ones included", async () => {
    const codes = await batchOf(USERS.ada);
    for (let i = 0; i < CODE_CHECKS_PER_ACCOUNT; i++) await call(h.routes, "POST /recovery-codes/two-factor-off", { user: USERS.ada, body: { code: "x".repeat(65) } });
    const blocked = await call(h.routes, "POST /recovery-codes/two-factor-off", { user: USERS.ada, body: { code: codes[0] } });
    expect([blocked.status, errorCode(blocked)]).toEqual([429, "TOO_MANY_WRONG_CODES"]);
    expect((await db("directus_users").where({ id: USERS.ada }).first()).tfa_secret).toBe("ADASECRET");
  });
});

describe("the hooks", () => {
  it("void an account's codes when its two-factor is turned off anywhere, and only then", async () => {
    await batchOf(USERS.ada);
    await batchOf(CAROL);
    await h.hooks["action users.update"]?.({ payload: { first_name: "Ada" }, keys: [USERS.ada], collection: "directus_users" });
    expect(await db(RECOVERY_CODES).where({ user_id: USERS.ada }).count({ n: "*" }).first()).toEqual({ n: 10 });
    await h.hooks["action users.update"]?.({ payload: { tfa_secret: null }, keys: [USERS.ada], collection: "directus_users" });
    expect(await db(RECOVERY_CODES).where({ user_id: USERS.ada }).count({ n: "*" }).first()).toEqual({ n: 0 });
    expect(await db(RECOVERY_CODES).where({ user_id: CAROL }).count({ n: "*" }).first()).toEqual({ n: 10 });
  });

  it("delete what deleted accounts held: passkeys, codes, proofs, points", async () => {
    await batchOf(CAROL);
    await batchOf(USERS.ada);
    await providerLogin(CAROL);
    await signInAsAda("0000000000");
    await passkeyStore(db).ensure();
    await db(PASSKEYS).insert({ id: "00000000-0000-4000-8000-000000000001", user_id: CAROL, credential_id: "c", public_key: "AA", counter: 0, transports: "[]", name: "Key", device_type: "singleDevice", backed_up: false, created_at: 0, last_used_at: null });
    await h.hooks["action users.delete"]?.({ keys: [CAROL, USERS.ada], payload: [CAROL, USERS.ada], collection: "directus_users" });
    for (const table of [PASSKEYS, RECOVERY_CODES, PROVIDER_PROOFS, CODE_POINTS]) expect([table, await db(table).count({ n: "*" }).first()]).toEqual([table, { n: 0 }]);
  });
});
