// Passkeys (issue 31) over HTTP, against the account-sign-in extension and the production build on
// two app processes, with a software authenticator (tests/support/software-authenticator.ts) playing
// the browser. Every refusal of a sign-in is the same 401 as an unknown credential, so an answer
// tells a script nothing about the account behind a credential; every input is bounded before any
// work (a challenge sent with an oversized field is still there afterwards); no answer carries a
// token, a public key or, from the app, a challenge id; wrong passkeys are counted per credential and
// per IP by the app, and the owner's right passkey signs in whatever a stranger sends.
import { dirname, join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, TEST_PASSWORD, uniqueEmail, uuidsIn, type Reply } from "../support/http-session.ts";
import { cookieOptions, DIRECTUS_SESSION_COOKIE, passwordSession, PasskeyRoutes, sessionTokenSet, type Answer, type AuthenticateSettings } from "../support/passkey-routes.ts";
import { directusSessionOf, openSessionCookie } from "../support/session-cookie.ts";
import { SoftwareAuthenticator } from "../support/software-authenticator.ts";
import type { TestApp } from "../support/services.ts";
import { leaksInternals, startStack, type Stack } from "./stack.ts";

let stack: Stack;
const origin = () => new URL(stack.app.url).origin;
let ipSeq = 0;
/** A fresh documentation-range address per call: each test's calls count apart from the others'. */
const newIp = () => `192.0.2.${++ipSeq}`;
let stranger = 0;
/** Another range for a stranger's many addresses (a flood from everywhere). */
const strangerIp = () => `203.0.${113 + Math.floor(++stranger / 250)}.${(stranger % 250) + 1}`;

/** Every extension client of this file, for the final scan of all their answers. */
const routeClients: PasskeyRoutes[] = [];
/** Every app reply of this file, with what it answered. */
const appReplies: Array<[string, Reply]> = [];
/** What no answer may show: session tokens and Directus session ids, public keys, and (from the app) challenge and credential ids. */
const secrets = { tokens: new Set<string>(), publicKeys: new Set<string>(), appChallengeIds: new Set<string>(), credentialIds: new Set<string>() };

beforeAll(async () => {
  // Two app processes sharing SESSION_SECRET, as behind a load balancer: a sign-in begun on one is
  // finished on the other. TRUST_PROXY: each test acts from addresses of its own (X-Forwarded-For).
  // LOGIN_FAILURES_PER_IP: the per-IP count of wrong passkeys trips after 20 here (100 by default).
  stack = await startStack({ appCount: 2, directusEnv: { SESSION_COOKIE_TTL: "1h" }, appEnv: { TRUST_PROXY: "loopback", LOGIN_FAILURES_PER_IP: "20" } });
});
afterAll(async () => {
  await stack?.stop();
});

function routes(ip = newIp()) {
  const client = new PasskeyRoutes(stack.directus.url, origin(), ip);
  routeClients.push(client);
  return client;
}

function remember(token: string) {
  secrets.tokens.add(token);
  secrets.tokens.add(directusSessionOf(token));
}

/** A registered account with a passkey (added through the extension with its Directus session), its authenticator and the password session's token. */
async function personWithPasskey(label: string, settings: Parameters<PasskeyRoutes["addPasskey"]>[2] = {}) {
  const client = new HttpSession(stack.app.url);
  const { email, id } = await client.register(uniqueEmail(label));
  const { token } = await passwordSession(stack.directus.url, email, TEST_PASSWORD);
  remember(token);
  const authenticator = new SoftwareAuthenticator();
  const api = routes();
  const registration = await api.registrationOptions(token);
  const response = authenticator.register(registration.options, { origin: origin(), ...settings });
  if (response.response.publicKey) secrets.publicKeys.add(response.response.publicKey);
  const added = await api.call("POST", "/passkeys/registration", { token, body: { challenge_id: registration.challenge_id, response } });
  expect(added.status, added.text).toBe(201);
  secrets.credentialIds.add(authenticator.credentials[0]!.id);
  return { client, email, userId: id as string, token, authenticator, credential: authenticator.credentials[0]!, passkey: added.json.data as { id: string } };
}

/** A credential no server ever stored: made for real registration options, never sent back. */
async function unsavedCredential() {
  const { token } = await personWithPasskey("unsaved");
  const authenticator = new SoftwareAuthenticator();
  authenticator.register((await routes().registrationOptions(token)).options, { origin: origin() });
  return authenticator;
}

let unknownAnswer: Answer | null = null;
/** The answer to a sign-in with a credential the extension never saw: what every refusal must equal. */
async function unknownCredentialAnswer(): Promise<Answer> {
  if (!unknownAnswer) {
    const { answer } = await routes().signIn(await unsavedCredential());
    expect(answer.status, answer.text).toBe(401);
    expect(answer.json.errors[0].extensions.code).toBe("INVALID_CREDENTIALS");
    unknownAnswer = answer;
  }
  return unknownAnswer;
}

/** Refused as an unknown credential is: same status, same body, and no session cookie. */
async function expectRefusedAsUnknown(answer: Answer, what: string) {
  const unknown = await unknownCredentialAnswer();
  expect([answer.status, answer.json], what).toEqual([unknown.status, unknown.json]);
  expect(sessionTokenSet(answer), what).toBeNull();
}

function expectSignedIn(answer: Answer, what = "sign-in"): string {
  expect(answer.status, `${what}: ${answer.text}`).toBe(200);
  const token = sessionTokenSet(answer);
  expect(token, what).toBeTruthy();
  remember(token!);
  return token!;
}

async function userMe(token: string) {
  return fetch(`${stack.directus.url}/users/me?fields=id`, { headers: { Authorization: `Bearer ${token}` } });
}

describe("the extension: a passkey alone opens a Directus session", () => {
  it("answers like Directus's own session login: the same cookie options, { data: { expires } }, a token Directus takes", async () => {
    const person = await personWithPasskey("passkey-ok");
    const { answer } = await routes().signIn(person.authenticator);
    const token = expectSignedIn(answer);
    expect(Object.keys(answer.json.data)).toEqual(["expires"]);
    const password = await passwordSession(stack.directus.url, person.email, TEST_PASSWORD);
    remember(password.token);
    expect(Object.keys(answer.json.data)).toEqual(Object.keys(password.answer.json.data));
    const ownCookie = (a: Answer) => cookieOptions(a.headers.getSetCookie().find((line) => line.startsWith(`${DIRECTUS_SESSION_COOKIE}=`))!);
    expect(ownCookie(answer)).toEqual(ownCookie(password.answer));
    const me = await userMe(token);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { data: { id: string } }).data.id).toBe(person.userId);
  });
});

describe("the extension refuses each with the answer an unknown credential gets", () => {
  it("a suspended or unverified account (and signs it in again once active); a deleted one", async () => {
    const person = await personWithPasskey("passkey-status");
    for (const status of ["suspended", "unverified"]) {
      expect((await stack.admin.call("PATCH", `/users/${person.userId}`, { status })).status).toBe(200);
      await expectRefusedAsUnknown((await routes().signIn(person.authenticator)).answer, status);
      expect((await stack.admin.call("PATCH", `/users/${person.userId}`, { status: "active" })).status).toBe(200);
      expectSignedIn((await routes().signIn(person.authenticator)).answer, `${status}, then active again`);
    }
    expect((await stack.admin.call("DELETE", `/users/${person.userId}`)).status).toBe(204);
    await expectRefusedAsUnknown((await routes().signIn(person.authenticator)).answer, "deleted");
  });

  it("another account's credential, when a signed-in user confirms it's them; no session is opened either way", async () => {
    const owner = await personWithPasskey("passkey-confirm-owner");
    const other = await personWithPasskey("passkey-confirm-other");
    const api = routes();
    const { answer: foreign } = await api.signIn(owner.authenticator, { credential: other.credential }, owner.token);
    await expectRefusedAsUnknown(foreign, "another account's credential");
    const { answer: own } = await api.signIn(owner.authenticator, {}, owner.token);
    expect([own.status, own.json]).toEqual([200, { data: { confirmed: true } }]);
    expect(sessionTokenSet(own)).toBeNull();
    // Confirmation options name the caller's credentials only.
    const { options } = await api.authenticationOptions(owner.token);
    expect(options.allowCredentials?.map((descriptor) => descriptor.id)).toEqual([owner.credential.id]);
  });

  it("a replayed assertion, on its own challenge or on a fresh one", async () => {
    // A synced passkey counts nothing (always 0): only the used-up challenge stands in a replay's way.
    const person = await personWithPasskey("passkey-replay", { counts: false });
    const api = routes();
    const { challenge_id, response, answer } = await api.signIn(person.authenticator);
    expectSignedIn(answer);
    await expectRefusedAsUnknown(await api.authenticate(challenge_id, response), "replayed on its challenge");
    const fresh = await api.authenticationOptions();
    await expectRefusedAsUnknown(await api.authenticate(fresh.challenge_id, response), "replayed on a fresh challenge");
  });

  it("an expired challenge", async () => {
    const person = await personWithPasskey("passkey-expired");
    const api = routes();
    const { challenge_id, options } = await api.authenticationOptions();
    expireChallenge(challenge_id);
    const response = person.authenticator.authenticate(options, { origin: origin() });
    await expectRefusedAsUnknown(await api.authenticate(challenge_id, response), "expired challenge");
  });

  it("a reused challenge: used up by a refused attempt, it opens nothing after", async () => {
    const person = await personWithPasskey("passkey-reused");
    const api = routes();
    const { challenge_id, options } = await api.authenticationOptions();
    const unverified = person.authenticator.authenticate(options, { origin: origin(), userVerified: false });
    await expectRefusedAsUnknown(await api.authenticate(challenge_id, unverified), "user not verified");
    const right = person.authenticator.authenticate(options, { origin: origin() });
    await expectRefusedAsUnknown(await api.authenticate(challenge_id, right), "the right assertion on a used challenge");
  });

  it("a foreign challenge: a registration challenge, or another user's confirmation challenge, used to sign in", async () => {
    const person = await personWithPasskey("passkey-foreign");
    const other = await personWithPasskey("passkey-foreign-other");
    const api = routes();
    const registration = await api.registrationOptions(person.token);
    const overRegistration = person.authenticator.authenticate({ challenge: registration.options.challenge, rpId: registration.options.rp.id }, { origin: origin() });
    await expectRefusedAsUnknown(await api.authenticate(registration.challenge_id, overRegistration), "registration challenge");
    const confirmation = await api.authenticationOptions(other.token);
    const overConfirmation = person.authenticator.authenticate(confirmation.options, { origin: origin(), credential: person.credential });
    await expectRefusedAsUnknown(await api.authenticate(confirmation.challenge_id, overConfirmation), "another user's confirmation challenge");
    // The other user's own credential, anonymously on their confirmation challenge, opens no session either.
    const theirs = await api.authenticationOptions(other.token);
    const signed = other.authenticator.authenticate(theirs.options, { origin: origin() });
    await expectRefusedAsUnknown(await api.authenticate(theirs.challenge_id, signed), "a confirmation challenge used anonymously");
  });

  it("a wrong origin, a wrong relying party id, user verification missing", async () => {
    const person = await personWithPasskey("passkey-switches");
    const api = routes();
    const cases: Array<[string, AuthenticateSettings]> = [
      ["wrong origin", { origin: "https://evil.example" }],
      ["an origin on another port", { origin: origin().replace(/:(\d+)$/, (_, port) => `:${Number(port) + 1}`) }],
      ["wrong RP id", { rpId: "evil.example" }],
      ["user not verified", { userVerified: false }],
    ];
    for (const [what, settings] of cases) await expectRefusedAsUnknown((await api.signIn(person.authenticator, settings)).answer, what);
    // The same authenticator, honest, signs in: each refusal above was its switch's doing.
    expectSignedIn((await api.signIn(person.authenticator)).answer);
  });

  it("a counter going backwards where the authenticator counts; one that never counts signs in each time", async () => {
    const counting = await personWithPasskey("passkey-counter");
    const api = routes();
    expectSignedIn((await api.signIn(counting.authenticator)).answer, "counter 1");
    expectSignedIn((await api.signIn(counting.authenticator)).answer, "counter 2");
    await expectRefusedAsUnknown((await api.signIn(counting.authenticator, { counter: 1 })).answer, "counter back to 1");
    await expectRefusedAsUnknown((await api.signIn(counting.authenticator, { counter: 2 })).answer, "counter standing still");

    const synced = await personWithPasskey("passkey-no-counter", { counts: false });
    for (let i = 0; i < 3; i++) expectSignedIn((await api.signIn(synced.authenticator)).answer, `uncounted sign-in ${i + 1}`);
  });
});

/** Sets a challenge's expiry in the past in the test Directus's SQLite database, as five minutes would. */
function expireChallenge(challengeId: string) {
  const db = new DatabaseSync(join(dirname(stack.directus.mailDir), "data.db"));
  try {
    const row = db.prepare("SELECT expires_at FROM account_sign_in_challenges WHERE id = ?").get(challengeId) as { expires_at: unknown } | undefined;
    expect(row, "the challenge row").toBeDefined();
    const past = new Date(Date.now() - 10 * 60_000);
    const stored = row!.expires_at;
    const value = typeof stored === "number" ? past.getTime() : String(stored).includes("T") ? past.toISOString() : past.toISOString().replace("T", " ").replace("Z", "");
    expect(db.prepare("UPDATE account_sign_in_challenges SET expires_at = ? WHERE id = ?").run(value, challengeId).changes).toBe(1);
  } finally {
    db.close();
  }
}

describe("the extension bounds every input before any work", () => {
  /** `bytes` bytes, base64url-encoded as WebAuthn's fields are: each bound is on the bytes. */
  const BIG = (bytes: number) => Buffer.alloc(bytes, 7).toString("base64url");

  /** Sends `response` changed by `change` on a fresh challenge: refused 4xx, and the challenge is still there for the right assertion. */
  async function refusedBeforeWork(what: string, change: (response: any) => unknown) { // eslint-disable-line @typescript-eslint/no-explicit-any
    const person = await personWithPasskey(`passkey-bound`);
    const api = routes();
    const { challenge_id, options } = await api.authenticationOptions();
    const response = person.authenticator.authenticate(options, { origin: origin() });
    const oversized = await api.authenticate(challenge_id, change(structuredClone(response)));
    expect(oversized.status, `${what}: ${oversized.text}`).toBeGreaterThanOrEqual(400);
    expect(oversized.status, what).toBeLessThan(500);
    expect(sessionTokenSet(oversized), what).toBeNull();
    // Not looked up, not used up: the challenge still takes the right assertion.
    expectSignedIn(await api.authenticate(challenge_id, response), `${what}, then the right assertion`);
  }

  it("a credential id over 1,023 bytes", async () => {
    await refusedBeforeWork("credential id", (response) => ({ ...response, id: BIG(1024), rawId: BIG(1024) }));
  });
  it("clientDataJSON over 4 KiB", async () => {
    await refusedBeforeWork("clientDataJSON", (response) => ({ ...response, response: { ...response.response, clientDataJSON: BIG(4097) } }));
  });
  it("authenticatorData over 4 KiB", async () => {
    await refusedBeforeWork("authenticatorData", (response) => ({ ...response, response: { ...response.response, authenticatorData: BIG(4097) } }));
  });
  it("a signature over 1 KiB", async () => {
    await refusedBeforeWork("signature", (response) => ({ ...response, response: { ...response.response, signature: BIG(1025) } }));
  });
  it("a body over 32 KiB", async () => {
    await refusedBeforeWork("body", (response) => ({ ...response, padding: "A".repeat(32 * 1024) }));
  });

  it("a challenge id that is not a uuid; an oversized or malformed registration", async () => {
    const person = await personWithPasskey("passkey-bound-registration");
    const api = routes();
    for (const challengeId of ["x".repeat(5000), "not-a-uuid", 42]) {
      const answer = await api.call("POST", "/passkeys/authentication", { body: { challenge_id: challengeId, response: {} } });
      expect(answer.status, String(challengeId).slice(0, 20)).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    const oversizedRegistration: Array<[string, (response: any) => unknown, string?]> = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      ["attestationObject", (response) => ({ ...response, response: { ...response.response, attestationObject: BIG(16 * 1024 + 1) } })],
      ["clientDataJSON", (response) => ({ ...response, response: { ...response.response, clientDataJSON: BIG(4097) } })],
      ["credential id", (response) => ({ ...response, id: BIG(1024), rawId: BIG(1024) })],
      ["name", (response) => response, "n".repeat(65)],
    ];
    for (const [what, change, name] of oversizedRegistration) {
      const authenticator = new SoftwareAuthenticator();
      const { challenge_id, options } = await api.registrationOptions(person.token);
      const response = authenticator.register(options, { origin: origin() });
      const refused = await api.call("POST", "/passkeys/registration", { token: person.token, body: { challenge_id, response: change(structuredClone(response)), ...(name ? { name } : {}) } });
      expect(refused.status, `${what}: ${refused.text}`).toBeGreaterThanOrEqual(400);
      expect(refused.status, what).toBeLessThan(500);
      // The challenge was not used up: the same registration, as sent by a browser, is taken.
      const added = await api.call("POST", "/passkeys/registration", { token: person.token, body: { challenge_id, response } });
      expect(added.status, `${what}, then the right registration: ${added.text}`).toBe(201);
    }
    const list = await api.call("GET", "/passkeys", { token: person.token });
    expect(list.json.data).toHaveLength(1 + oversizedRegistration.length);
  });
});

describe("the extension's tables", () => {
  it("are not readable or writable through REST or GraphQL by a signed-in user", async () => {
    const person = await personWithPasskey("passkey-tables");
    const headers = { Authorization: `Bearer ${person.token}`, "Content-Type": "application/json" };
    for (const collection of ["account_sign_in_passkeys", "account_sign_in_challenges"]) {
      const read = await fetch(`${stack.directus.url}/items/${collection}`, { headers });
      expect(read.status, collection).toBeGreaterThanOrEqual(400);
      const write = await fetch(`${stack.directus.url}/items/${collection}`, { method: "POST", headers, body: JSON.stringify({ name: "x" }) });
      expect(write.status, collection).toBeGreaterThanOrEqual(400);
      const graphql = await fetch(`${stack.directus.url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query: `{ ${collection} { id } }` }) });
      const answer = (await graphql.json()) as { data?: unknown; errors?: unknown[] };
      expect(answer.errors?.length ?? 0, collection).toBeGreaterThan(0);
    }
  });
});

/** The app's passkey sign-in as a browser's page calls it: options, then the response. */
function appBrowser(app: TestApp = stack.apps[0]!, ip = newIp()) {
  const session = new HttpSession(app.url);
  // The page's own origin (React Router refuses another's); the passkey's origin is APP_URL's, the first process's.
  const headersFor = (on: TestApp) => ({ "X-Forwarded-For": ip, Origin: new URL(on.url).origin });
  const keep = (label: string, reply: Reply) => {
    appReplies.push([label, reply]);
    return reply;
  };
  return {
    session,
    async options(on = app) {
      const reply = keep("POST /login/passkey options", await session.post(`${on.url}/login/passkey`, { intent: "options" }, { follow: false, headers: headersFor(on) }));
      expect(reply.status, reply.body).toBe(200);
      const step = JSON.stringify(openSessionCookie(session.sessionCookie(), stack.sessionSecret)?.step ?? {});
      for (const id of uuidsIn(step)) secrets.appChallengeIds.add(id);
      return (JSON.parse(reply.body) as { options: Parameters<SoftwareAuthenticator["authenticate"]>[0] }).options;
    },
    async signIn(response: unknown, on = app, redirectTo = "/dashboard") {
      const fields = { intent: "sign-in", response: JSON.stringify(response), redirectTo };
      return keep("POST /login/passkey sign-in", await session.post(`${on.url}/login/passkey`, fields, { follow: false, headers: headersFor(on) }));
    },
  };
}

describe("the app: a passkey sign-in", () => {
  it("begun on one app process and finished on the other, signs in exactly as a password login does (sealed cookie, tokens never in a page)", async () => {
    const person = await personWithPasskey("app-passkey");
    const [app1, app2] = stack.apps;
    const browser = appBrowser(app1);
    const options = await browser.options(app1);
    const response = person.authenticator.authenticate(options, { origin: origin() });
    const signedIn = await browser.signIn(response, app2, "/profile");
    expect([signedIn.status, signedIn.headers.get("Location")], signedIn.body).toEqual([302, "/profile"]);
    const opened = openSessionCookie(browser.session.sessionCookie(), stack.sessionSecret)!;
    expect(opened.user?.id).toBe(person.userId);
    remember(opened.tokens!.accessToken);
    const page = await browser.session.get(`${app1!.url}/profile`);
    appReplies.push(["GET /profile after a passkey", page]);
    expect([page.status, page.path]).toEqual([200, `${app1!.url}/profile`]);

    // A password login of the same account, in another browser: the same cookies, set alike, holding the same kind of session.
    const password = new HttpSession(app1!.url);
    const login = await password.post("/login", { email: person.email, password: TEST_PASSWORD }, { follow: false });
    expect(login.status).toBe(302);
    const setBy = (reply: Reply) => Object.fromEntries(reply.headers.getSetCookie().map((line) => [line.split("=")[0], cookieOptions(line)]));
    expect(setBy(signedIn)).toEqual(setBy(login));
    const byPassword = openSessionCookie(password.sessionCookie(), stack.sessionSecret)!;
    remember(byPassword.tokens!.accessToken);
    expect(Object.keys(opened).sort()).toEqual(Object.keys(byPassword).sort());
    expect(Object.keys(opened.tokens!).sort()).toEqual(Object.keys(byPassword.tokens!).sort());
    expect(opened.user).toEqual(byPassword.user);
    // Its own Directus session, not the password login's.
    expect(directusSessionOf(opened.tokens!.accessToken)).not.toBe(directusSessionOf(byPassword.tokens!.accessToken));

    // Logging out ends it at Directus: the copied cookie is refused by both processes.
    const copied = browser.session.cookieHeader();
    await browser.session.post(`${app2!.url}/logout`, {}, { headers: { Origin: new URL(app2!.url).origin } });
    for (const app of stack.apps) {
      const stale = await new HttpSession(app.url).get("/dashboard", { follow: false, cookie: copied });
      expect([stale.status, stale.headers.get("Location")?.startsWith("/login")]).toEqual([302, true]);
    }
  });

  it("refuses another browser's challenge, and a response without a challenge, with one message; the owner's browser goes on", async () => {
    const person = await personWithPasskey("app-passkey-foreign");
    const owner = appBrowser();
    const thief = appBrowser(stack.apps[1]!);
    const ownerOptions = await owner.options();
    await thief.options();
    const response = person.authenticator.authenticate(ownerOptions, { origin: origin() });
    const refused = await thief.signIn(response);
    expect(refused.status).toBe(401);
    const formError = (JSON.parse(refused.body) as { formError: string }).formError;
    expect(formError).toBeTruthy();
    expect(openSessionCookie(thief.session.sessionCookie(), stack.sessionSecret)?.user).toBeUndefined();
    // A browser that asked for no options has no challenge at all.
    const noStep = await appBrowser().signIn(response);
    expect([noStep.status, JSON.parse(noStep.body)]).toEqual([401, { formError }]);
    // Suspended: the same answer.
    const suspended = await personWithPasskey("app-passkey-suspended");
    await stack.admin.call("PATCH", `/users/${suspended.userId}`, { status: "suspended" });
    const other = appBrowser();
    const answer = await other.signIn(suspended.authenticator.authenticate(await other.options(), { origin: origin() }));
    expect([answer.status, JSON.parse(answer.body)]).toEqual([401, { formError }]);

    const done = await owner.signIn(response);
    expect([done.status, done.headers.get("Location")]).toEqual([302, "/dashboard"]);
  });

  it("lists passkeys on /profile/passkeys, as a document and as data, by name and handle, never by credential id or key", async () => {
    const person = await personWithPasskey("app-passkey-page");
    for (const path of ["/profile/passkeys", "/profile/passkeys.data"]) {
      const reply = await person.client.get(path, { follow: false });
      appReplies.push([`GET ${path}`, reply]);
      expect(reply.status, path).toBe(200);
      expect(reply.body, path).toContain(person.passkey.id);
    }
  });

  it("refuses an oversized response before asking Directus, and keeps the challenge", async () => {
    const person = await personWithPasskey("app-passkey-bound");
    const browser = appBrowser();
    const options = await browser.options();
    const response = person.authenticator.authenticate(options, { origin: origin() });
    const oversized = await browser.signIn({ ...response, padding: "A".repeat(17 * 1024) });
    expect(oversized.status).toBeGreaterThanOrEqual(400);
    expect(oversized.status).toBeLessThan(500);
    expect(leaksInternals(oversized.body)).toBeNull();
    const done = await browser.signIn(response);
    expect([done.status, done.headers.get("Location")]).toEqual([302, "/dashboard"]);
  });
});

/** Every reply a refusal, some of them 429s with Retry-After and a "try again" message. */
function expectThrottled(replies: Reply[]) {
  const statuses = replies.map((reply) => reply.status);
  expect(statuses.every((status) => status === 401 || status === 429), statuses.join(",")).toBe(true);
  const throttled = replies.filter((reply) => reply.status === 429);
  expect(throttled.length, statuses.join(",")).toBeGreaterThan(0);
  for (const reply of throttled) {
    expect(Number(reply.headers.get("Retry-After")), `Retry-After: ${reply.headers.get("Retry-After")}`).toBeGreaterThan(0);
    expect((JSON.parse(reply.body) as { formError: string }).formError).toMatch(/try again/i);
  }
}

describe("the app counts wrong passkeys; a stranger locks no owner out", () => {
  /** A stranger's wrong assertion presenting `credentialId` (signed with a key of their own), from `ip`. */
  async function wrongAttempt(credentialId: string, ip: string) {
    // One app process: without Redis (as here) each process counts in its own memory.
    const browser = appBrowser(stack.apps[0], ip);
    const forger = await forgerAuthenticator();
    return browser.signIn(forger.authenticate(await browser.options(), { origin: origin(), credentialId }));
  }

  let forger: SoftwareAuthenticator | null = null;
  async function forgerAuthenticator() {
    forger ??= await unsavedCredential();
    return forger;
  }



  it("per credential: a flood from many addresses is throttled, and the owner's right passkey signs in meanwhile", async () => {
    const owner = await personWithPasskey("app-passkey-flooded");
    const replies: Reply[] = [];
    for (let i = 0; i < 30; i++) replies.push(await wrongAttempt(owner.credential.id, strangerIp()));
    expectThrottled(replies);
    // Still flooded (the last answers were 429s): the owner, from their own address, is in at once.
    expect(replies.at(-1)!.status).toBe(429);
    const browser = appBrowser();
    const done = await browser.signIn(owner.authenticator.authenticate(await browser.options(), { origin: origin() }));
    expect([done.status, done.headers.get("Location")], done.body).toEqual([302, "/dashboard"]);
  });

  it("per IP: wrong passkeys of ever new credentials from one address are throttled; the owner elsewhere signs in", async () => {
    const owner = await personWithPasskey("app-passkey-ip");
    const ip = newIp();
    const replies: Reply[] = [];
    for (let i = 0; i < 30 && replies.at(-1)?.status !== 429; i++) {
      replies.push(await wrongAttempt(Buffer.from(`made-up-${i}-${ip}`).toString("base64url"), ip));
    }
    expectThrottled(replies);
    const browser = appBrowser();
    const done = await browser.signIn(owner.authenticator.authenticate(await browser.options(), { origin: origin() }));
    expect([done.status, done.headers.get("Location")], done.body).toEqual([302, "/dashboard"]);
  });
});

describe("the extension's own bound, reached through the app", () => {
  it("is a 429 with Retry-After like the app's own, not a bare refusal", async () => {
    const owner = await personWithPasskey("app-passkey-extension-bound");
    const ip = newIp();
    const replies: Reply[] = [];
    // The extension counts every check per IP (CHECKS_PER_IP, 30), right ones too; the app forgives right ones.
    for (let i = 0; i < 31; i++) {
      const browser = appBrowser(stack.apps[0], ip);
      replies.push(await browser.signIn(owner.authenticator.authenticate(await browser.options(), { origin: origin() })));
    }
    expect(replies.slice(0, 30).map((reply) => reply.status)).toEqual(Array(30).fill(302));
    expectThrottled(replies.slice(30));
  });
});

describe("no token or secret in any answer", () => {
  it("of the extension or the app (Set-Cookie aside): no session token, Directus session id, public key, or app challenge id", () => {
    // The scan must be able to find something: each kind was collected above.
    expect(secrets.tokens.size).toBeGreaterThan(4);
    expect(secrets.publicKeys.size).toBeGreaterThan(4);
    expect(secrets.appChallengeIds.size).toBeGreaterThan(2);
    const answers: Array<[string, Headers, string]> = [
      ...routeClients.flatMap((client) => client.answers.map((answer): [string, Headers, string] => [answer.path, answer.headers, answer.text])),
      ...appReplies.map(([label, reply]): [string, Headers, string] => [label, reply.headers, reply.body]),
    ];
    expect(answers.length).toBeGreaterThan(100);
    for (const [label, headers, body] of answers) {
      const visible = [...[...headers].filter(([name]) => name !== "set-cookie").map(([name, value]) => `${name}: ${value}`), body].join("\n");
      for (const token of secrets.tokens) expect(visible.includes(token), `${label} shows a session token`).toBe(false);
      for (const key of secrets.publicKeys) expect(visible.includes(key), `${label} shows a public key`).toBe(false);
      expect(leaksInternals(body), label).toBeNull();
    }
    for (const [label, reply] of appReplies) {
      const visible = [...[...reply.headers].filter(([name]) => name !== "set-cookie").map(([name, value]) => `${name}: ${value}`), reply.body].join("\n");
      for (const id of secrets.appChallengeIds) expect(visible.includes(id), `${label} shows a challenge id`).toBe(false);
      for (const id of secrets.credentialIds) expect(visible.includes(id), `${label} shows a credential id`).toBe(false);
      // Set-Cookie from the app: its own sealed cookies only, never Directus's.
      expect(reply.headers.getSetCookie().some((line) => line.startsWith(`${DIRECTUS_SESSION_COOKIE}=`)), label).toBe(false);
    }
    // A listed passkey shows its handle and what a person reads, never its key.
    for (const client of routeClients) {
      for (const answer of client.answers.filter((a) => a.path === "POST /passkeys/registration" && a.status === 201)) {
        expect(Object.keys(answer.json.data).sort()).toEqual(["backed_up", "created_at", "device_type", "id", "last_used_at", "name"]);
      }
    }
  });
});
