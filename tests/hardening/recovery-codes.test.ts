// Recovery codes (issue 32) over HTTP, against the account-sign-in extension and the production build
// on two app processes, with the local development provider for provider accounts. A code signs in
// once, also when it is sent twice at once; every refusal of a sign-in is the same 401, whatever was
// wrong; wrong codes are counted per account (reaching them takes the account's first factor, so a
// stranger's flood locks no owner out) and checks per IP; every input is bounded before any work; no
// answer carries a code (but the batch's own), a hash, a salt, a proof or a token; the extension's
// tables are nobody's through REST or GraphQL.
import { dirname, join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackPath } from "../../app/lib/identity-providers.ts";
import { getFreePort } from "../../scripts/lib/directus-process.mjs";
import { startDevIdentityProvider } from "../../scripts/lib/identity-provider/dev-provider.mjs";
import { HttpSession, TEST_PASSWORD, uniqueEmail, type Reply } from "../support/http-session.ts";
import { ProviderBrowser } from "../support/identity-provider.ts";
import { PasskeyRoutes, passwordSession, sessionTokenSet, type Answer } from "../support/passkey-routes.ts";
import {
  enableTwoFactorAs,
  errorCodeOf,
  passwordAccountWithCodes,
  providerProof,
  recoveryCodeRoutes,
  relayProviderSignIn,
  typedAs,
} from "../support/recovery-codes.ts";
import { directusSessionOf, openSessionCookie } from "../support/session-cookie.ts";
import type { TestApp } from "../support/services.ts";
import { leaksInternals, sleep, startStack, type Stack } from "./stack.ts";

let stack: Stack;
let provider: Awaited<ReturnType<typeof startDevIdentityProvider>>;
const origin = () => new URL(stack.app.url).origin;
let ipSeq = 0;
/** A fresh address per call (many hundreds: the benchmarking range): each test's checks count apart from the others'. */
const newIp = () => `198.18.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;
let stranger = 0;
/** Another range for a stranger's many addresses (a flood from everywhere). */
const strangerIp = () => `203.0.${113 + Math.floor(++stranger / 250)}.${(stranger % 250) + 1}`;

/** Every extension client of this file, for the final scan of all their answers. */
const clients: PasskeyRoutes[] = [];
/** What no answer may show (the batch's own answer aside for the codes). */
const secrets = { codes: new Set<string>(), tokens: new Set<string>(), proofs: new Set<string>() };

beforeAll(async () => {
  const appPort = await getFreePort();
  provider = await startDevIdentityProvider({ redirectUris: [`http://localhost:${appPort}${callbackPath("dev")}`] });
  const providers = { IDENTITY_PROVIDERS: "dev", IDENTITY_PROVIDER_DEV_ISSUER_URL: provider.url };
  // Two app processes sharing SESSION_SECRET, as behind a load balancer. TRUST_PROXY: each test acts
  // from addresses of its own (X-Forwarded-For), at the app as at Directus.
  stack = await startStack({
    appCount: 2,
    appPort,
    directusEnv: { SESSION_COOKIE_TTL: "1h", ...providers },
    appEnv: { TRUST_PROXY: "loopback", ...providers },
  });
});
afterAll(async () => {
  await stack?.stop();
  await provider?.stop();
});

function routes(ip = newIp()) {
  const client = new PasskeyRoutes(stack.directus.url, origin(), ip);
  clients.push(client);
  return recoveryCodeRoutes(client);
}

function remember(codes: string[]) {
  for (const code of codes) {
    secrets.codes.add(code);
    secrets.codes.add(code.replace(/-/g, ""));
  }
  return codes;
}

function rememberToken(token: string) {
  secrets.tokens.add(token);
  secrets.tokens.add(directusSessionOf(token));
}

/** A registered password account, two-factor on, with a batch of codes. */
async function passwordPerson(label: string) {
  const { email, id } = await new HttpSession(stack.app.url).register(uniqueEmail(label));
  const made = await passwordAccountWithCodes(routes(), email, TEST_PASSWORD);
  rememberToken(made.token);
  remember(made.codes);
  return { email, userId: id, ...made };
}

const where = (ip = newIp()) => ({ directusUrl: stack.directus.url, appUrl: stack.app.url, ip });

/** An account made through the provider (it has no password), two-factor on, with a batch of codes; its browser at the provider. */
async function providerPerson(label: string) {
  const email = uniqueEmail(label);
  const browser = new ProviderBrowser();
  const first = await relayProviderSignIn(where(), email, browser);
  expect(first.token, `a new account through the provider: ${first.reason}`).toBeTruthy();
  rememberToken(first.token!);
  const secret = await enableTwoFactorAs(stack.directus.url, first.token!);
  const codes = remember(await routes().batch(first.token!));
  const userId = ((await userMe(first.token!)).json as { data: { id: string } }).data.id;
  return { email, browser, token: first.token!, secret, codes, userId };
}

/** A fresh proof for a provider account (a provider sign-in Directus refused for INVALID_OTP). */
async function proofFor(person: { email: string; browser: ProviderBrowser }) {
  const proof = await providerProof(where(), person.email, person.browser);
  secrets.proofs.add(proof);
  return proof;
}

async function userMe(token: string) {
  const response = await fetch(`${stack.directus.url}/users/me?fields=id`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, json: response.status === 200 ? await response.json() : null };
}

/** The one refusal every failed sign-in gets. */
let refusal: Answer | null = null;
async function unknownEmailAnswer() {
  if (!refusal) {
    refusal = await routes().signIn({ email: uniqueEmail("nobody"), password: TEST_PASSWORD, code: "abcde-fghjk" });
    expect(refusal.status, refusal.text).toBe(401);
    expect(errorCodeOf(refusal)).toBe("INVALID_CREDENTIALS");
  }
  return refusal;
}

async function expectRefused(answer: Answer, what: string) {
  const unknown = await unknownEmailAnswer();
  expect([answer.status, answer.json], `${what}: ${answer.text}`).toEqual([unknown.status, unknown.json]);
  expect(sessionTokenSet(answer), what).toBeNull();
}

/** A sign-in's answer: a new Directus session, `remaining` codes left; returns the token. */
async function expectSignedIn(answer: Answer, userId: string, remaining: number, what = "sign-in") {
  expect(answer.status, `${what}: ${answer.text}`).toBe(200);
  expect(Object.keys(answer.json.data).sort(), what).toEqual(["expires", "remaining"]);
  expect(answer.json.data.remaining, what).toBe(remaining);
  const token = sessionTokenSet(answer);
  expect(token, what).toBeTruthy();
  rememberToken(token!);
  const me = await userMe(token!);
  expect([me.status, me.json?.data?.id], what).toEqual([200, userId]);
  return token!;
}

/**
 * The one answer of several at once that signed in; the others refused as a used code is. At most
 * five at once: each check takes one of the account's five points before the code is checked.
 */
async function oneSignedIn(answers: Answer[]): Promise<Answer> {
  expect(answers.length).toBeLessThanOrEqual(5);
  const statuses = answers.map((answer) => answer.status);
  expect(statuses.filter((status) => status === 200), `${statuses.join(",")}: ${answers[0]!.text}`).toHaveLength(1);
  for (const answer of answers.filter((a) => a.status !== 200)) await expectRefused(answer, `a twin of ${statuses.join(",")}`);
  return answers.find((answer) => answer.status === 200)!;
}

/** The test Directus's SQLite database, for what no route shows (the stored rows). */
function database<T>(use: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(join(dirname(stack.directus.mailDir), "data.db"));
  // Directus writes meanwhile (its hooks, after answering): wait for its lock rather than fail.
  db.exec("PRAGMA busy_timeout = 5000");
  try {
    return use(db);
  } finally {
    db.close();
  }
}

/** Waits (at most 10 s) until `done` holds: for what Directus's action hooks do after answering. */
async function eventually(done: () => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not within 10 s: ${what}`);
    await sleep(100);
  }
}

const storedRows = (userId: string) =>
  database((db) => db.prepare("SELECT salt, hash, used_at FROM account_sign_in_recovery_codes WHERE user_id = ?").all(userId) as Array<{ salt: string; hash: string; used_at: unknown }>);

/** Forgets an account's wrong codes, as the end of the 15-minute window would. */
const forgetWrongCodes = (userId: string) => database((db) => db.prepare("DELETE FROM account_sign_in_code_points WHERE user_id = ?").run(userId));

describe("a recovery code, with the password (the extension)", () => {
  it("signs in once with a new Directus session; the answer says how many remain; used, it is refused", async () => {
    const person = await passwordPerson("rc-once");
    const api = routes();
    const first = await api.signIn({ email: person.email, password: TEST_PASSWORD, code: person.codes[0]! });
    const token = await expectSignedIn(first, person.userId, 9);
    expect(directusSessionOf(token)).not.toBe(directusSessionOf(person.token));
    await expectRefused(await api.signIn({ email: person.email, password: TEST_PASSWORD, code: person.codes[0]! }), "the same code again");
    const status = await api.status(person.token);
    expect([status.status, status.json.data.remaining, status.json.data.total]).toEqual([200, 9, 10]);
    expect(typeof status.json.data.created_at).toBe("string");
    // The row is used, not deleted; every row holds a hash, never the code.
    const rows = storedRows(person.userId);
    expect(rows).toHaveLength(10);
    expect(rows.filter((row) => row.used_at !== null)).toHaveLength(1);
    for (const row of rows) for (const code of person.codes) expect(row.hash.includes(code.replace("-", ""))).toBe(false);
  });

  it("takes a code however it is typed: upper-case, with spaces and dashes anywhere, O for 0 and l for 1", async () => {
    const person = await passwordPerson("rc-typed");
    const api = routes();
    const typed = (code: string, how: Parameters<typeof typedAs>[1]) => api.signIn({ email: person.email, password: TEST_PASSWORD, code: typedAs(code, how) });
    await expectSignedIn(await typed(person.codes[0]!, "upper"), person.userId, 9, "upper-case");
    await expectSignedIn(await typed(person.codes[1]!, "spaced"), person.userId, 8, "spaced");
    await expectSignedIn(await typed(person.codes[2]!, "bare"), person.userId, 7, "without its dash");
    // A code with a 0 or a 1 in it (nearly every batch has one; a new batch otherwise).
    let codes = person.codes.slice(3);
    let left = 7;
    for (let batch = 0; !codes.some((code) => /[01]/.test(code)) && batch < 5; batch++) {
      codes = remember(await api.batch(person.token));
      left = 10;
    }
    const lookalike = codes.find((code) => /[01]/.test(code))!;
    expect(lookalike).toBeDefined();
    await expectSignedIn(await typed(lookalike, "lookalikes"), person.userId, left - 1, "O and l");
  });

  it("sent many times at once, signs in once", async () => {
    const person = await passwordPerson("rc-race");
    const body = { email: person.email, password: TEST_PASSWORD, code: person.codes[4]! };
    // Twice at once, as the issue says; then four at once with the next code (the first round's loser
    // may have taken its point after the winner cleared the count: 1 + 4, within the account's five).
    await expectSignedIn(await oneSignedIn(await Promise.all([routes().signIn(body), routes().signIn(body)])), person.userId, 9, "twice at once");
    const next = { ...body, code: person.codes[5]! };
    await expectSignedIn(await oneSignedIn(await Promise.all(Array.from({ length: 4 }, () => routes().signIn(next)))), person.userId, 8, "four at once");
    expect(storedRows(person.userId).filter((row) => row.used_at !== null)).toHaveLength(2);
  });

  it("refuses each with the one answer: wrong password, another account's code, a wrong code, a suspended account, two-factor off", async () => {
    const person = await passwordPerson("rc-refusals");
    const other = await passwordPerson("rc-refusals-other");
    const api = routes();
    const as = (code: string, email = person.email, password = TEST_PASSWORD) => api.signIn({ email, password, code });
    await expectRefused(await as(person.codes[0]!, person.email, "not the password"), "wrong password");
    await expectRefused(await as(other.codes[0]!), "another account's code");
    await expectRefused(await as("zzzzz-zzzzz"), "a wrong code");
    await expectRefused(await as("not a code"), "not a code at all");
    expect((await stack.admin.call("PATCH", `/users/${person.userId}`, { status: "suspended" })).status).toBe(200);
    await expectRefused(await as(person.codes[0]!), "suspended");
    expect((await stack.admin.call("PATCH", `/users/${person.userId}`, { status: "active" })).status).toBe(200);
    // None of those used the code up.
    await expectSignedIn(await as(person.codes[0]!), person.userId, 9, "active again");
    // The other account's code was not used up either.
    await expectSignedIn(await as(other.codes[0]!, other.email), other.userId, 9, "the other account's own sign-in");
  });
});

describe("a recovery code, with a provider's proof (the extension)", () => {
  it("signs a provider account in once per proof; a wrong code leaves the proof for the next try", async () => {
    const person = await providerPerson("rc-provider");
    const api = routes();
    const proof = await proofFor(person);
    await expectRefused(await api.signIn({ provider_proof: proof, code: "zzzzz-zzzzz" }), "a wrong code");
    await expectSignedIn(await api.signIn({ provider_proof: proof, code: person.codes[0]! }), person.userId, 9, "the proof, then the right code");
    // The proof is used up, and the code: neither opens another session.
    await expectRefused(await api.signIn({ provider_proof: proof, code: person.codes[1]! }), "a used proof");
    await expectRefused(await api.signIn({ provider_proof: await proofFor(person), code: person.codes[0]! }), "a used code");
    // A proof is no password: with the account's email it is nothing.
    await expectRefused(await api.signIn({ email: person.email, password: proof, code: person.codes[1]! }), "the proof as a password");
    await expectRefused(await api.signIn({ provider_proof: "x".repeat(43), code: person.codes[1]! }), "a made-up proof");
    await expectSignedIn(await api.signIn({ provider_proof: await proofFor(person), code: person.codes[1]! }), person.userId, 8, "a new proof");
  });

  it("refuses an expired proof, and a proof of another account with this one's code", async () => {
    const person = await providerPerson("rc-provider-expired");
    const other = await providerPerson("rc-provider-other");
    const api = routes();
    const proof = await proofFor(person);
    const expired = database((db) => db.prepare("UPDATE account_sign_in_provider_proofs SET expires_at = ? WHERE user_id = ? AND used_at IS NULL").run(Date.now() - 60_000, person.userId));
    expect(Number(expired.changes)).toBeGreaterThan(0);
    await expectRefused(await api.signIn({ provider_proof: proof, code: person.codes[0]! }), "an expired proof");
    await expectRefused(await api.signIn({ provider_proof: await proofFor(other), code: person.codes[0]! }), "another account's proof");
    await expectSignedIn(await api.signIn({ provider_proof: await proofFor(person), code: person.codes[0]! }), person.userId, 9);
  });

  it("one proof and one code sent many times at once sign in once", async () => {
    const person = await providerPerson("rc-provider-race");
    const body = { provider_proof: await proofFor(person), code: person.codes[2]! };
    // Twice at once, as the issue says; then four at once with the next code (the first round's loser
    // may have taken its point after the winner cleared the count: 1 + 4, within the account's five).
    await expectSignedIn(await oneSignedIn(await Promise.all([routes().signIn(body), routes().signIn(body)])), person.userId, 9, "twice at once");
    // A proof is used up with its sign-in: the next round has a new one.
    const next = { provider_proof: await proofFor(person), code: person.codes[5]! };
    await expectSignedIn(await oneSignedIn(await Promise.all(Array.from({ length: 4 }, () => routes().signIn(next)))), person.userId, 8, "four at once");
  });
});

describe("wrong codes and checks are counted; a stranger locks no owner out", () => {
  it("per account: after five wrong codes even the right one waits (429), unused; a right one clears the count", async () => {
    const person = await passwordPerson("rc-points");
    const api = routes();
    const as = (code: string) => routes().signIn({ email: person.email, password: TEST_PASSWORD, code });
    for (let i = 0; i < 4; i++) await expectRefused(await as(`zzzzz-zzzz${i}`), `wrong code ${i + 1}`);
    await expectSignedIn(await as(person.codes[0]!), person.userId, 9, "the right code after four wrong ones");
    for (let i = 0; i < 5; i++) await expectRefused(await as(`yyyyy-yyyy${i}`), `wrong code ${i + 1} after the count was cleared`);
    const waiting = await as(person.codes[1]!);
    expect(waiting.status, waiting.text).toBe(429);
    expect(sessionTokenSet(waiting)).toBeNull();
    // Another account is not this one's count.
    const other = await passwordPerson("rc-points-other");
    await expectSignedIn(await api.signIn({ email: other.email, password: TEST_PASSWORD, code: other.codes[0]! }), other.userId, 9, "another account meanwhile");
    // The window over, the code the 429 held back signs in: it was not used up.
    forgetWrongCodes(person.userId);
    await expectSignedIn(await as(person.codes[1]!), person.userId, 8, "after the window");
  });

  it("a stranger without the password, from many addresses, counts nothing against the account", async () => {
    const person = await passwordPerson("rc-stranger");
    for (let i = 0; i < 30; i++) {
      const guess = await routes(strangerIp()).signIn({ email: person.email, password: `guess-${i}`, code: `zzzzz-zzz${String(i).padStart(2, "0")}` });
      await expectRefused(guess, `stranger's guess ${i + 1}`);
    }
    await expectSignedIn(await routes().signIn({ email: person.email, password: TEST_PASSWORD, code: person.codes[0]! }), person.userId, 9, "the owner after the flood");
  });

  it("per IP: thirty checks from one address, then 429 for it; the owner elsewhere signs in", async () => {
    const person = await passwordPerson("rc-per-ip");
    const flood = routes();
    const answers: Answer[] = [];
    for (let i = 0; i < 31; i++) answers.push(await flood.signIn({ email: uniqueEmail("nobody"), password: TEST_PASSWORD, code: "zzzzz-zzzzz" }));
    expect(answers.slice(0, 30).map((answer) => answer.status)).toEqual(Array(30).fill(401));
    expect(answers[30]!.status, answers[30]!.text).toBe(429);
    // Even the owner's right code waits from that address; from their own, it signs in.
    expect((await flood.signIn({ email: person.email, password: TEST_PASSWORD, code: person.codes[0]! })).status).toBe(429);
    await expectSignedIn(await routes().signIn({ email: person.email, password: TEST_PASSWORD, code: person.codes[0]! }), person.userId, 9, "the owner from their own address");
  });
});

describe("every input bounded before any work", () => {
  it("refuses oversized and malformed sign-ins with a 4xx, without counting them against the address or using the code", async () => {
    const person = await passwordPerson("rc-bounds");
    const api = routes();
    const right = { email: person.email, password: TEST_PASSWORD, code: person.codes[0]! };
    const expectBounded = (answer: Answer, what: string) => {
      expect(answer.status, `${what}: ${answer.text}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${what}: ${answer.text}`).toBeLessThan(500);
      expect(answer.status, what).not.toBe(429);
      expect(sessionTokenSet(answer), what).toBeNull();
    };
    const oversized: Array<[string, () => Promise<Answer>]> = [
      ["a body over 4 KiB", () => api.signIn({ ...right, padding: "a".repeat(4 * 1024) })],
      ["an email over 254 characters", () => api.signIn({ ...right, email: `${"a".repeat(250)}@example.com` })],
      ["a password over 1,024 characters", () => api.signIn({ ...right, password: "p".repeat(1025) })],
      ["a proof over 256 characters", () => api.signIn({ provider_proof: "p".repeat(257), code: right.code })],
      ["not JSON", () => api.signInRaw("{ email: ")],
      ["an array", () => api.signInRaw(JSON.stringify([right]))],
    ];
    // More than the address's thirty checks: none of these is one.
    for (let round = 0; round < 6; round++) for (const [what, send] of oversized) expectBounded(await send(), what);
    // Not what any form sends: refused, never a crash.
    expectBounded(await api.signIn({ ...right, code: 1234567890 }), "a number as the code");
    expectBounded(await api.signIn({ ...right, email: { $ne: "" } }), "an object as the email");
    // A code over 64 characters is refused unhashed (it counts as one wrong code): the right one, padded.
    await expectRefused(await api.signIn({ ...right, code: `${right.code}${" ".repeat(60)}` }), "a code over 64 characters");
    // Nothing above used the code or tripped the address.
    await expectSignedIn(await api.signIn(right), person.userId, 9, "the right sign-in from the same address");
  });
});

describe("making and renewing codes (the extension)", () => {
  it("says none before any, refuses a batch while two-factor is off (409 TWO_FACTOR_OFF), and anonymously", async () => {
    const { email } = await new HttpSession(stack.app.url).register(uniqueEmail("rc-off"));
    const api = routes();
    const { token: session } = await passwordSession(stack.directus.url, email, TEST_PASSWORD);
    rememberToken(session);
    const none = await api.status(session);
    expect([none.status, none.json]).toEqual([200, { data: { remaining: 0, total: 0, created_at: null } }]);
    const refused = await api.renew(session);
    expect([refused.status, errorCodeOf(refused)]).toEqual([409, "TWO_FACTOR_OFF"]);
    for (const answer of [await api.client.call("GET", "/recovery-codes"), await api.client.call("POST", "/recovery-codes", { body: {} })]) {
      expect(answer.status, answer.text).toBeGreaterThanOrEqual(401);
      expect(answer.status).toBeLessThan(404);
    }
  });

  it("a renewal voids the old batch; ten batches an hour per account, then 429", async () => {
    const person = await passwordPerson("rc-renew");
    const api = routes();
    const renewed = remember(await api.batch(person.token));
    expect(renewed.every((code) => /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/.test(code))).toBe(true);
    expect(new Set(renewed).size).toBe(10);
    await expectRefused(await api.signIn({ email: person.email, password: TEST_PASSWORD, code: person.codes[0]! }), "an old code");
    expect(storedRows(person.userId)).toHaveLength(10);
    // One salt per batch, a new one for the new batch.
    expect(new Set(storedRows(person.userId).map((row) => row.salt)).size).toBe(1);
    await expectSignedIn(await api.signIn({ email: person.email, password: TEST_PASSWORD, code: renewed[0]! }), person.userId, 9, "a new code");
    // Two batches so far; eight more, then the eleventh in the hour is refused and changes nothing.
    for (let i = 0; i < 8; i++) remember(await api.batch(person.token));
    const before = storedRows(person.userId);
    const eleventh = await api.renew(person.token);
    expect(eleventh.status, eleventh.text).toBe(429);
    expect(storedRows(person.userId)).toEqual(before);
  });

  it("two-factor off with a code: the code used, two-factor off at Directus, the codes gone", async () => {
    const person = await passwordPerson("rc-tfa-off");
    const api = routes();
    const wrong = await api.twoFactorOff(person.token, "zzzzz-zzzzz");
    expect(wrong.status, wrong.text).toBe(401);
    expect(((await stack.admin.call("GET", `/users/${person.userId}?fields=tfa_secret`)).data as { tfa_secret: string | null }).tfa_secret).not.toBeNull();
    const off = await api.twoFactorOff(person.token, person.codes[0]!);
    expect(off.status, off.text).toBe(204);
    expect(((await stack.admin.call("GET", `/users/${person.userId}?fields=tfa_secret`)).data as { tfa_secret: string | null }).tfa_secret).toBeNull();
    expect(storedRows(person.userId)).toEqual([]);
    await expectRefused(await api.signIn({ email: person.email, password: TEST_PASSWORD, code: person.codes[1]! }), "a code after two-factor went off");
  });

  it("two-factor turned off anywhere (an administrator, in Directus) voids the codes; a deleted user leaves no rows", async () => {
    const person = await passwordPerson("rc-admin-off");
    // As the admin app does it: Directus's own "disable two-factor" for another user.
    expect((await stack.admin.call("POST", `/users/${person.userId}/tfa/disable`)).status).toBeLessThan(300);
    // Directus runs action hooks after it has answered.
    await eventually(() => storedRows(person.userId).length === 0, "the codes voided");
    const other = await providerPerson("rc-deleted");
    await proofFor(other);
    expect(storedRows(other.userId)).toHaveLength(10);
    expect((await stack.admin.call("DELETE", `/users/${other.userId}`)).status).toBe(204);
    const left = () =>
      database((db) =>
        ["account_sign_in_recovery_codes", "account_sign_in_provider_proofs"].map((table) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE user_id = ?`).get(other.userId) as { n: number }).n),
      );
    await eventually(() => left().every((n) => n === 0), "the deleted user's rows gone");
  });
});

describe("the extension's tables", () => {
  const tables = ["account_sign_in_recovery_codes", "account_sign_in_provider_proofs", "account_sign_in_code_points"];

  it("are not readable or writable through REST or GraphQL, by a signed-in user or an administrator", async () => {
    const person = await passwordPerson("rc-tables");
    const adminToken = await adminAccessToken();
    for (const [who, token] of [
      ["user", person.token],
      ["admin", adminToken],
    ] as const) {
      const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
      for (const collection of tables) {
        const what = `${who}: ${collection}`;
        const read = await fetch(`${stack.directus.url}/items/${collection}`, { headers });
        expect(read.status, what).toBeGreaterThanOrEqual(400);
        const readOne = await fetch(`${stack.directus.url}/items/${collection}?filter[user_id][_eq]=${person.userId}`, { headers });
        expect(readOne.status, what).toBeGreaterThanOrEqual(400);
        const write = await fetch(`${stack.directus.url}/items/${collection}`, { method: "POST", headers, body: JSON.stringify({ user_id: person.userId, hash: "x", salt: "x" }) });
        expect(write.status, what).toBeGreaterThanOrEqual(400);
        const remove = await fetch(`${stack.directus.url}/items/${collection}`, { method: "DELETE", headers, body: JSON.stringify({ query: { filter: { user_id: { _eq: person.userId } } } }) });
        expect(remove.status, what).toBeGreaterThanOrEqual(400);
        const graphql = await fetch(`${stack.directus.url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query: `{ ${collection} { id } }` }) });
        const answer = (await graphql.json()) as { data?: unknown; errors?: unknown[] };
        expect(answer.errors?.length ?? 0, what).toBeGreaterThan(0);
      }
    }
    // Still all there and unused.
    expect(storedRows(person.userId).filter((row) => row.used_at === null)).toHaveLength(10);
  });
});

async function adminAccessToken(): Promise<string> {
  const response = await fetch(`${stack.directus.url}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: stack.directus.adminEmail, password: stack.directus.adminPassword }),
  });
  return ((await response.json()) as { data: { access_token: string } }).data.access_token;
}

/** Every app reply of this file, with what it answered, for the final scan. */
const appReplies: Array<[string, Reply]> = [];
const EVIL = "https://evil.example";

/** A browser of the app at its own address; its posts go to `on` (another app process) when given. */
function appBrowser(ip = newIp()) {
  const session = new HttpSession(stack.app.url);
  const keep = (label: string, reply: Reply) => {
    appReplies.push([label, reply]);
    return reply;
  };
  return {
    session,
    ip,
    post: async (path: string, fields: Record<string, string>, { on = stack.app, cookie, follow = true }: { on?: TestApp; cookie?: string; follow?: boolean } = {}) =>
      keep(`POST ${path}`, await session.post(on === stack.app ? path : `${on.url}${path}`, fields, { follow, cookie, headers: { "X-Forwarded-For": ip, Origin: new URL(on.url).origin } })),
    get: async (path: string) => keep(`GET ${path}`, await session.get(path, { headers: { "X-Forwarded-For": ip } })),
  };
}

/** A browser that gave the right password and is asked for the code. */
async function atCodeStep(email: string) {
  const browser = appBrowser();
  const reply = await browser.post("/login", { email, password: TEST_PASSWORD });
  expect([reply.status, reply.path]).toEqual([200, "/login/code"]);
  return browser;
}

/** A browser back from the provider for an account with two-factor on, asked for the code. */
async function atProviderCodeStep(person: { email: string; browser: ProviderBrowser }) {
  const browser = appBrowser();
  const started = await browser.post("/auth/login/dev", { redirectTo: "" }, { follow: false });
  expect(started.status, started.body).toBe(302);
  const back = await person.browser.signIn(started.headers.get("Location")!, origin(), { login: person.email });
  const asked = await browser.get(back.pathname + back.search);
  expect([asked.status, asked.path]).toEqual([200, "/login/provider-code"]);
  return browser;
}

const signedInUser = (session: HttpSession) => openSessionCookie(session.sessionCookie(), stack.sessionSecret)?.user?.id;

/**
 * One step cookie, the code sent with it through both app processes at once (twice each): the
 * answers, and the one that signed in (a redirect with a signed-in session cookie).
 */
async function raceThroughBothApps(path: string, browser: ReturnType<typeof appBrowser>, recoveryCode: string) {
  const cookie = browser.session.cookieHeader();
  const racers = [stack.apps[0]!, stack.apps[1]!, stack.apps[0]!, stack.apps[1]!].map((on) => ({ on, racer: appBrowser() }));
  const replies = await Promise.all(racers.map(({ on, racer }) => racer.post(path, { intent: "recovery-code", recoveryCode }, { on, cookie, follow: false })));
  const statuses = replies.map((reply) => `${reply.status} ${reply.headers.get("Location") ?? ""}`);
  const winners = racers.filter(({ racer }) => signedInUser(racer.session));
  expect(winners, statuses.join(", ")).toHaveLength(1);
  for (const [i, reply] of replies.entries()) {
    if (signedInUser(racers[i]!.racer.session)) expect([reply.status, reply.headers.get("Location")]).toEqual([302, "/dashboard"]);
    else expect([401, 429], statuses.join(", ")).toContain(reply.status);
  }
  return winners[0]!.racer;
}

describe("the app: \"Use a recovery code\" on the code steps", () => {
  it("after the password: one code sent through both app processes at once signs in once, with the notice of how many remain", async () => {
    const person = await passwordPerson("app-rc-race");
    const winner = await raceThroughBothApps("/login/code", await atCodeStep(person.email), person.codes[0]!);
    expect(signedInUser(winner.session)).toBe(person.userId);
    rememberToken(openSessionCookie(winner.session.sessionCookie(), stack.sessionSecret)!.tokens!.accessToken);
    const page = await winner.get("/dashboard");
    expect([page.status, page.path]).toEqual([200, "/dashboard"]);
    expect(page.body).toContain("You signed in with a recovery code. 9 left.");
    expect((await routes().status(person.token)).json.data.remaining).toBe(9);
  });

  it("after the provider: one code sent through both app processes at once signs in once", async () => {
    const person = await providerPerson("app-rc-provider-race");
    const winner = await raceThroughBothApps("/login/provider-code", await atProviderCodeStep(person), person.codes[0]!);
    expect(signedInUser(winner.session)).toBe(person.userId);
    rememberToken(openSessionCookie(winner.session.sessionCookie(), stack.sessionSecret)!.tokens!.accessToken);
    expect((await routes().status(person.token)).json.data.remaining).toBe(9);
  });

  it("refuses a used code with a message and keeps the step; wrong codes are counted per account, then the login starts over, also for the right code", async () => {
    const person = await passwordPerson("app-rc-count");
    const first = await atCodeStep(person.email);
    expect((await first.post("/login/code", { intent: "recovery-code", recoveryCode: person.codes[0]! })).path).toBe("/dashboard");
    const browser = await atCodeStep(person.email);
    const stepCookie = browser.session.cookieHeader();
    const used = await browser.post("/login/code", { intent: "recovery-code", recoveryCode: person.codes[0]! }, { cookie: stepCookie });
    expect([used.status, used.path]).toEqual([401, "/login/code"]);
    expect(used.body).toContain("That recovery code is not right, or it has been used already.");
    const replies: Reply[] = [used];
    for (let i = 0; i < 6 && replies.at(-1)!.path === "/login/code"; i++) {
      replies.push(await browser.post("/login/code", { intent: "recovery-code", recoveryCode: `zzzzz-zzzz${i}` }, { cookie: stepCookie }));
    }
    // Five wrong ones, the used one among them, and the login started over.
    expect(replies.map((reply) => reply.path)).toEqual([...Array(4).fill("/login/code"), "/login"]);
    expect(replies.at(-1)!.body).toMatch(/Too many wrong codes/);
    // The right code, with the replayed step cookie or in a new login, does not sign in now, and is not used up.
    const right = await browser.post("/login/code", { intent: "recovery-code", recoveryCode: person.codes[1]! }, { cookie: stepCookie });
    expect(right.path).toBe("/login");
    expect(signedInUser(browser.session)).toBeUndefined();
    expect((await routes().status(person.token)).json.data.remaining).toBe(9);
  });

  it("a stranger's flood of recovery codes from many addresses locks no owner out", async () => {
    const person = await passwordPerson("app-rc-flood");
    const stranger = await passwordPerson("app-rc-stranger");
    for (let i = 0; i < 30; i++) {
      const from = appBrowser(strangerIp());
      // Without a step of their own, and with one of their own account: the owner's code either way.
      if (i % 2) await from.post("/login", { email: stranger.email, password: TEST_PASSWORD });
      const reply = await from.post("/login/code", { intent: "recovery-code", recoveryCode: person.codes[i % 10]! }, { follow: false });
      expect(reply.status, reply.body).toBeLessThan(500);
      expect(signedInUser(from.session)).toBeUndefined();
      const provider = await from.post("/login/provider-code", { intent: "recovery-code", recoveryCode: person.codes[i % 10]! }, { follow: false });
      expect(provider.status).toBeLessThan(500);
    }
    const owner = await atCodeStep(person.email);
    const done = await owner.post("/login/code", { intent: "recovery-code", recoveryCode: person.codes[0]! });
    expect([done.status, done.path]).toEqual([200, "/dashboard"]);
    expect(signedInUser(owner.session)).toBe(person.userId);
  });

  it("refuses a recovery code over 64 characters before asking the extension; the code still works", async () => {
    const person = await passwordPerson("app-rc-bound");
    const browser = await atCodeStep(person.email);
    const padded = await browser.post("/login/code", { intent: "recovery-code", recoveryCode: `${person.codes[0]!}${" ".repeat(80)}` });
    expect(padded.status).toBe(400);
    expect(padded.path).toBe("/login/code");
    expect(leaksInternals(padded.body)).toBeNull();
    expect((await routes().status(person.token)).json.data.remaining).toBe(10);
    const done = await browser.post("/login/code", { intent: "recovery-code", recoveryCode: person.codes[0]! });
    expect(done.path).toBe("/dashboard");
  });
});

describe("the app refuses a cross-origin post of a recovery code", () => {
  it("on every code step, the recovery-codes page and two-factor off: 400, no cookie, no code used", async () => {
    const person = await passwordPerson("app-rc-origin");
    const atCode = await atCodeStep(person.email);
    const provider = await providerPerson("app-rc-origin-provider");
    const atProvider = await atProviderCodeStep(provider);
    const signedIn = await atCodeStep(person.email);
    expect((await signedIn.post("/login/code", { intent: "recovery-code", recoveryCode: person.codes[9]! })).path).toBe("/dashboard");
    const batchSalt = storedRows(person.userId)[0]!.salt;
    const cases: Array<[string, Record<string, string>, string]> = [
      ["/login/code", { intent: "recovery-code", recoveryCode: person.codes[0]! }, atCode.session.cookieHeader()],
      ["/login/provider-code", { intent: "recovery-code", recoveryCode: provider.codes[0]! }, atProvider.session.cookieHeader()],
      ["/profile/recovery-codes", { intent: "renew" }, signedIn.session.cookieHeader()],
      ["/profile/two-factor", { intent: "disable-with-recovery-code", recoveryCode: person.codes[1]! }, signedIn.session.cookieHeader()],
    ];
    for (const [path, fields, cookie] of cases) {
      for (const suffix of ["", ".data"]) {
        const response = await fetch(new URL(`${path}${suffix}`, stack.app.url), {
          method: "POST",
          redirect: "manual",
          headers: { Origin: EVIL, "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
          body: new URLSearchParams(fields).toString(),
        });
        expect(response.status, `${path}${suffix}`).toBe(400);
        expect(response.headers.getSetCookie(), `${path}${suffix}`).toEqual([]);
        await response.text();
      }
    }
    expect((await routes().status(person.token)).json.data).toMatchObject({ remaining: 9, total: 10 });
    expect((await routes().status(provider.token)).json.data).toMatchObject({ remaining: 10, total: 10 });
    // Not renewed: the same batch (one salt per batch).
    expect(new Set(storedRows(person.userId).map((row) => row.salt))).toEqual(new Set([batchSalt]));
    // The same posts from the app's own origin do what they say.
    const done = await atCode.post("/login/code", { intent: "recovery-code", recoveryCode: person.codes[0]! });
    expect(done.path).toBe("/dashboard");
  });
});

describe("no code, hash, salt, proof or token in any answer", () => {
  it("of the extension (Set-Cookie aside; a batch's codes only in the batch's own answer)", () => {
    const stored = database((db) => ({
      codes: db.prepare("SELECT salt, hash FROM account_sign_in_recovery_codes").all() as Array<{ salt: string; hash: string }>,
      proofs: db.prepare("SELECT proof_hash FROM account_sign_in_provider_proofs").all() as Array<{ proof_hash: string }>,
    }));
    const hidden = new Set<string>([...secrets.tokens, ...secrets.proofs, ...stored.codes.flatMap((row) => [row.salt, row.hash]), ...stored.proofs.map((row) => row.proof_hash)]);
    // The scan must be able to find something: each kind was collected above.
    expect(secrets.codes.size).toBeGreaterThan(100);
    expect(secrets.tokens.size).toBeGreaterThan(10);
    expect(secrets.proofs.size).toBeGreaterThan(5);
    expect(stored.codes.length).toBeGreaterThan(50);
    const answers = clients.flatMap((client) => client.answers);
    expect(answers.length).toBeGreaterThan(100);
    for (const answer of answers) {
      const visible = [...[...answer.headers].filter(([name]) => name !== "set-cookie").map(([name, value]) => `${name}: ${value}`), answer.text].join("\n");
      const label = `${answer.path} ${answer.status}`;
      for (const secret of hidden) expect(visible.includes(secret), `${label} shows a token, proof, salt or hash`).toBe(false);
      const isBatch = answer.path === "POST /recovery-codes" && answer.status === 201;
      if (!isBatch) for (const code of secrets.codes) expect(visible.includes(code), `${label} shows a recovery code`).toBe(false);
      expect(leaksInternals(answer.text), label).toBeNull();
      // Directus's session cookie only where a session was opened.
      if (answer.status !== 200) expect(sessionTokenSet(answer), label).toBeNull();
    }
  });

  it("of the app (Set-Cookie aside): no recovery code, token or proof; never Directus's cookie", () => {
    expect(appReplies.length).toBeGreaterThan(40);
    const hidden = [...secrets.tokens, ...secrets.proofs, ...secrets.codes];
    for (const [label, reply] of appReplies) {
      const visible = [...[...reply.headers].filter(([name]) => name !== "set-cookie").map(([name, value]) => `${name}: ${value}`), reply.body].join("\n");
      for (const secret of hidden) expect(visible.includes(secret), `${label} shows a code, token or proof`).toBe(false);
      expect(leaksInternals(reply.body), label).toBeNull();
      expect(reply.headers.getSetCookie().some((line) => line.startsWith("directus_session_token=")), label).toBe(false);
    }
  });
});
