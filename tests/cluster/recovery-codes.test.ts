// Recovery codes across the cluster (issue 32): the extension keeps the codes, the provider proofs
// and the wrong-code counts in the shared PostgreSQL, and uses a code up in the same statement that
// checks it, so a code used through one Directus instance is refused through the other, also when
// both are asked at once, and the same through the two app instances (the code step of a login begun
// on one finished on the other); and on PostgreSQL too the session a code opens is the twin of a password
// login's, claim by claim and row by row (tests/support/session-equivalence.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, TEST_PASSWORD, uniqueEmail } from "../support/http-session.ts";
import { ProviderBrowser } from "../support/identity-provider.ts";
import { PasskeyRoutes, sessionTokenSet, type Answer } from "../support/passkey-routes.ts";
import { enableTwoFactorAs, passwordAccountWithCodes, providerProof, recoveryCodeRoutes, relayProviderSignIn } from "../support/recovery-codes.ts";
import { currentCode, untilCodeLasts } from "../support/totp.ts";
import { openSessionCookie } from "../support/session-cookie.ts";
import { browserPoster, directusKnex, expectSameSession, lastActivityId, traceSignIn } from "../support/session-equivalence.ts";
import { admin, settings } from "./cluster";

const [directus1, directus2] = settings.directus.instances;
const [app1, app2] = settings.app.instances;
// What the extension expects (its APP_URL): the public URL, the app proxy's.
const origin = new URL(settings.app.url).origin;
const through = (instance: { url: string }) => recoveryCodeRoutes(new PasskeyRoutes(instance.url, origin));
const pg = settings.postgres;
const db = directusKnex({ client: "pg", connection: { host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: pg.password } });

const made: string[] = [];

/** A person as the app makes one (registered, the address verified through the mailed link), two-factor on, with codes made through `instance`. */
async function passwordPerson(label: string, instance = directus1!) {
  const { email, id } = await new HttpSession(settings.app.url, { mailDir: settings.mail.dir }).register(uniqueEmail(label));
  made.push(id);
  return { email, userId: id, ...(await passwordAccountWithCodes(through(instance), email, TEST_PASSWORD)) };
}

async function meStatus(url: string, token: string) {
  return (await fetch(`${url}/users/me?fields=id`, { headers: { Authorization: `Bearer ${token}` } })).status;
}

async function expectSignedIn(answer: Answer, remaining: number, what: string) {
  expect(answer.status, `${what}: ${answer.text}`).toBe(200);
  expect(answer.json.data.remaining, what).toBe(remaining);
  const token = sessionTokenSet(answer)!;
  expect(token, what).toBeTruthy();
  // A session of the cluster: both instances take it.
  for (const instance of [directus1!, directus2!]) expect(await meStatus(instance.url, token), `${what} on ${instance.name}`).toBe(200);
  return token;
}

const expectRefused = (answer: Answer, what: string) => {
  expect([answer.status, answer.json?.errors?.[0]?.extensions?.code], `${what}: ${answer.text}`).toEqual([401, "INVALID_CREDENTIALS"]);
  expect(sessionTokenSet(answer), what).toBeNull();
};

/**
 * The one answer of several at once that signed in; the others refused as a used code is. At most
 * five at once: each check takes one of the account's five points before the code is checked.
 */
function oneSignedIn(answers: Answer[]): Answer {
  expect(answers.length).toBeLessThanOrEqual(5);
  const statuses = answers.map((answer) => answer.status);
  expect(statuses.filter((status) => status === 200), `${statuses.join(",")}: ${answers[0]!.text}`).toHaveLength(1);
  for (const answer of answers.filter((a) => a.status !== 200)) expectRefused(answer, `a twin of ${statuses.join(",")}`);
  return answers.find((answer) => answer.status === 200)!;
}

afterAll(async () => {
  for (const id of made) await admin.call("DELETE", `/users/${id}`);
  await db.destroy();
});

describe("recovery codes across Directus instances (PostgreSQL)", () => {
  it("a code used through one instance is refused through the other; a batch made through one is renewed through the other", async () => {
    const person = await passwordPerson("cluster-rc");
    const signIn = (instance: { url: string }, code: string) => through(instance).signIn({ email: person.email, password: TEST_PASSWORD, code });
    await expectSignedIn(await signIn(directus1!, person.codes[0]!), 9, "through directus1");
    expectRefused(await signIn(directus2!, person.codes[0]!), "the same code through directus2");
    // The latest session, for what follows (the cluster's tests run with 12-second sessions).
    const token = await expectSignedIn(await signIn(directus2!, person.codes[1]!), 8, "another code through directus2");
    expectRefused(await signIn(directus1!, person.codes[1]!), "that code through directus1");
    for (const instance of [directus1!, directus2!]) {
      const status = await through(instance).status(token);
      expect([status.status, status.json.data.remaining, status.json.data.total], instance.name).toEqual([200, 8, 10]);
    }
    // Renewed through the other instance: the first batch is void on both.
    const renewed = await through(directus2!).batch(token);
    for (const instance of [directus1!, directus2!]) expectRefused(await signIn(instance, person.codes[2]!), `an old code through ${instance.name}`);
    await expectSignedIn(await signIn(directus1!, renewed[0]!), 9, "a renewed code through directus1");
  });

  it("one code sent through both instances at once (twice each) signs in once", async () => {
    const person = await passwordPerson("cluster-rc-race");
    const body = { email: person.email, password: TEST_PASSWORD, code: person.codes[3]! };
    const answers = await Promise.all([directus1!, directus2!, directus1!, directus2!].map((instance) => through(instance).signIn(body)));
    await expectSignedIn(oneSignedIn(answers), 9, "the one that won");
    const used = await db("account_sign_in_recovery_codes").where({ user_id: person.userId }).whereNotNull("used_at").count({ n: "*" }).first();
    expect(Number(used?.n)).toBe(1);
  });

  it("a provider's proof made through one instance signs in through the other, once", async () => {
    const email = uniqueEmail("cluster-rc-provider");
    const browser = new ProviderBrowser();
    // The wait for a lasting code before the session is opened (12-second sessions here).
    await untilCodeLasts(20);
    const where = (instance: { url: string }) => ({ directusUrl: instance.url, appUrl: settings.app.url });
    const first = await relayProviderSignIn(where(directus1!), email, browser);
    expect(first.token, `a new account through the provider: ${first.reason}`).toBeTruthy();
    const userId = (await admin.call<Array<{ id: string }>>("GET", `/users?filter[email][_eq]=${encodeURIComponent(email)}&fields=id`)).data[0]!.id;
    made.push(userId);
    await enableTwoFactorAs(directus1!.url, first.token!);
    const codes = await through(directus2!).batch(first.token!);
    const proof = await providerProof(where(directus1!), email, browser);
    const answers = await Promise.all([directus2!, directus1!, directus2!, directus1!].map((instance) => through(instance).signIn({ provider_proof: proof, code: codes[0]! })));
    await expectSignedIn(oneSignedIn(answers), 9, "the proof's one sign-in");
    for (const instance of [directus1!, directus2!]) expectRefused(await through(instance).signIn({ provider_proof: proof, code: codes[1]! }), `the used proof through ${instance.name}`);
  });

  it("wrong codes counted through one instance hold the account back through the other", async () => {
    const person = await passwordPerson("cluster-rc-points");
    for (let i = 0; i < 5; i++) {
      const instance = i % 2 ? directus2! : directus1!;
      expectRefused(await through(instance).signIn({ email: person.email, password: TEST_PASSWORD, code: `zzzzz-zzzz${i}` }), `wrong code ${i + 1} through ${instance.name}`);
    }
    for (const instance of [directus1!, directus2!]) {
      const waiting = await through(instance).signIn({ email: person.email, password: TEST_PASSWORD, code: person.codes[0]! });
      expect(waiting.status, `${instance.name}: ${waiting.text}`).toBe(429);
    }
  });
});

describe("recovery codes across app instances", () => {
  /** A browser of `app` that gave the right password and is asked for the code. */
  async function atCodeStep(app: { url: string }, email: string) {
    const browser = new HttpSession(app.url);
    const reply = await browser.post("/login", { email, password: TEST_PASSWORD });
    expect([reply.status, reply.path]).toEqual([200, "/login/code"]);
    return browser;
  }
  const useCode = (browser: HttpSession, recoveryCode: string, cookie?: string) => browser.post("/login/code", { intent: "recovery-code", recoveryCode }, { cookie });

  it("a code used through one app instance is refused through the other; a step begun on one is finished on the other", async () => {
    const person = await passwordPerson("cluster-rc-apps");
    const first = await atCodeStep(app1!, person.email);
    expect((await useCode(first, person.codes[0]!)).path).toBe("/dashboard");
    const second = await atCodeStep(app2!, person.email);
    const refused = await useCode(second, person.codes[0]!);
    expect([refused.status, refused.path]).toEqual([401, "/login/code"]);
    expect(refused.body).toContain("That recovery code is not right, or it has been used already.");
    // The step from app1, the code through app2.
    const begun = await atCodeStep(app1!, person.email);
    const finished = new HttpSession(app2!.url);
    const done = await useCode(finished, person.codes[1]!, begun.cookieHeader());
    expect([done.status, done.path]).toEqual([200, "/dashboard"]);
    expect(done.body).toContain("You signed in with a recovery code. 8 left.");
    expect(openSessionCookie(finished.sessionCookie(), settings.app.sessionSecret)?.user?.id).toBe(person.userId);
  });
});

describe("a recovery code's session on PostgreSQL", () => {
  // As the app calls Directus for a visitor: their browser's User-Agent, IP and origin forwarded.
  const { headers: BROWSER, post } = browserPoster(origin, "203.0.113.46");

  it("is the twin of a password login's through the same instance: claim by claim, row by row", async () => {
    const person = await passwordPerson("cluster-rc-twin", directus2!);
    // Two-factor is on: Directus's own login takes the password and the authenticator's code; the recovery code stands in for that code.
    let before = await lastActivityId(db);
    let startedAt = Date.now();
    const withCode = await post(`${directus2!.url}/auth/login`, { email: person.email, password: TEST_PASSWORD, otp: await currentCode(person.secret), mode: "session" });
    expect(withCode.status, JSON.stringify(withCode.body)).toBe(200);
    const passwordTrace = await traceSignIn(db, person.userId, { ...withCode, startedAt, endedAt: Date.now() }, before);

    before = await lastActivityId(db);
    startedAt = Date.now();
    const byCode = await post(`${directus2!.url}/account-sign-in/recovery-codes/sign-in`, { email: person.email, password: TEST_PASSWORD, code: person.codes[0]! });
    expect(byCode.status, JSON.stringify(byCode.body)).toBe(200);
    // The answer says how many codes remain; the rest of it is Directus's own.
    const { remaining, ...data } = byCode.body.data as { remaining: number };
    expect(remaining).toBe(9);
    const codeTrace = await traceSignIn(db, person.userId, { ...byCode, body: { data }, startedAt, endedAt: Date.now() }, before);

    expectSameSession(passwordTrace, codeTrace);
    expect(codeTrace.session["user_agent"]).toBe(BROWSER["User-Agent"]);
    expect(codeTrace.session["ip"]).toBe(BROWSER["X-Forwarded-For"]);
    expect(codeTrace.session["origin"]).toBe(origin);
  });
});
