// Passkeys across the cluster (issue 31): the extension keeps its challenges and credentials in the
// shared PostgreSQL, so a registration or a sign-in begun on one Directus instance is finished on the
// other, and the session a passkey opens is a Directus session like any other: listed and ended from
// the sessions page (the account-sessions extension, the app's /profile/sessions), after which its
// cookie is refused by both app instances. And on PostgreSQL too, a passkey's session is the twin of
// a password login's, claim by claim and row by row (tests/support/session-equivalence.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, TEST_PASSWORD, uniqueEmail } from "../support/http-session.ts";
import { passwordSession, PasskeyRoutes, sessionTokenSet } from "../support/passkey-routes.ts";
import { directusSessionOf, openSessionCookie } from "../support/session-cookie.ts";
import { browserPoster, directusKnex, expectSameSession, lastActivityId, traceSignIn } from "../support/session-equivalence.ts";
import { SoftwareAuthenticator } from "../support/software-authenticator.ts";
import { admin, settings } from "./cluster";

const [directus1, directus2] = settings.directus.instances;
const [app1, app2] = settings.app.instances;
// What the extension expects (its APP_URL): the public URL, the app proxy's.
const origin = new URL(settings.app.url).origin;
const through = (instance: { url: string }) => new PasskeyRoutes(instance.url, origin);

let email = "";
let userId = "";
let passwordToken = "";
const authenticator = new SoftwareAuthenticator();
// The cluster's PostgreSQL, read as Directus keeps it (the session rows, the login activity).
const pg = settings.postgres;
const db = directusKnex({ client: "pg", connection: { host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: pg.password } });

type Listed = { id: string; current: boolean };

async function sessionsSeenBy(url: string, token: string): Promise<{ status: number; data: Listed[] }> {
  const response = await fetch(`${url}/account-sessions`, { headers: { Authorization: `Bearer ${token}` } });
  const body = (await response.json().catch(() => null)) as { data: Listed[] } | null;
  return { status: response.status, data: body?.data ?? [] };
}

/** The account-sessions handle of the session `token` belongs to. */
async function handleOf(token: string): Promise<string> {
  const seen = await sessionsSeenBy(directus1!.url, token);
  expect(seen.status).toBe(200);
  return seen.data.find((session) => session.current)!.id;
}

async function meStatus(url: string, token: string) {
  return (await fetch(`${url}/users/me?fields=id`, { headers: { Authorization: `Bearer ${token}` } })).status;
}

beforeAll(async () => {
  // A person as the app makes one: registered, the address verified through the mailed link.
  const registered = await new HttpSession(settings.app.url, { mailDir: settings.mail.dir }).register(uniqueEmail("cluster-passkey"));
  ({ email, id: userId } = registered);
  passwordToken = (await passwordSession(directus1!.url, email, TEST_PASSWORD)).token;
});

afterAll(async () => {
  if (userId) await admin.call("DELETE", `/users/${userId}`);
  await db.destroy();
});


describe("passkeys across Directus instances (PostgreSQL)", () => {
  it("registers through the other instance than the one that issued the challenge, and signs in the same way", async () => {
    const { challenge_id, options } = await through(directus1!).registrationOptions(passwordToken);
    const response = authenticator.register(options, { origin });
    const added = await through(directus2!).call("POST", "/passkeys/registration", { token: passwordToken, body: { challenge_id, response } });
    expect(added.status, added.text).toBe(201);
    // Listed by both.
    for (const instance of [directus1!, directus2!]) {
      const listed = await through(instance).call("GET", "/passkeys", { token: passwordToken });
      expect(listed.json.data.map((passkey: { id: string }) => passkey.id)).toEqual([added.json.data.id]);
    }

    // A sign-in challenge from the second, answered to the first; and the other way round.
    for (const [begin, finish] of [
      [directus2!, directus1!],
      [directus1!, directus2!],
    ] as const) {
      const started = await through(begin).authenticationOptions();
      const assertion = authenticator.authenticate(started.options, { origin });
      const answer = await through(finish).authenticate(started.challenge_id, assertion);
      expect(answer.status, `${begin.name} → ${finish.name}: ${answer.text}`).toBe(200);
      const token = sessionTokenSet(answer)!;
      for (const instance of [directus1!, directus2!]) expect(await meStatus(instance.url, token)).toBe(200);
      // Used up for both instances: the same answer again opens nothing on either.
      for (const instance of [begin, finish]) {
        expect((await through(instance).authenticate(started.challenge_id, assertion)).status, `replayed on ${instance.name}`).toBe(401);
      }
    }
  });

  it("a passkey session is listed and ended through the account-sessions routes of the other instance", async () => {
    const started = await through(directus1!).authenticationOptions();
    const answer = await through(directus1!).authenticate(started.challenge_id, authenticator.authenticate(started.options, { origin }));
    const token = sessionTokenSet(answer)!;
    expect(token).toBeTruthy();
    const handle = await handleOf(token);
    const listed = await sessionsSeenBy(directus2!.url, passwordToken);
    expect(listed.data.map((session) => session.id)).toContain(handle);
    const ended = await fetch(`${directus2!.url}/account-sessions/${handle}`, { method: "DELETE", headers: { Authorization: `Bearer ${passwordToken}` } });
    expect(ended.status).toBe(200);
    for (const instance of [directus1!, directus2!]) expect(await meStatus(instance.url, token), instance.name).toBe(401);
  });

  it("through the apps: a passkey sign-in begun on one app instance and finished on the other, ended from /profile/sessions, is refused by both", async () => {
    const passkeyBrowser = new HttpSession(app1!.url);
    const post = (app: { url: string }, fields: Record<string, string>) =>
      passkeyBrowser.post(`${app.url}/login/passkey`, fields, { follow: false, headers: { Origin: new URL(app.url).origin } });
    const options = await post(app1!, { intent: "options" });
    expect(options.status, options.body).toBe(200);
    const assertion = authenticator.authenticate((JSON.parse(options.body) as { options: Parameters<SoftwareAuthenticator["authenticate"]>[0] }).options, { origin });
    const signedIn = await post(app2!, { intent: "sign-in", response: JSON.stringify(assertion), redirectTo: "/dashboard" });
    expect([signedIn.status, signedIn.headers.get("Location")], signedIn.body).toEqual([302, "/dashboard"]);
    const opened = openSessionCookie(passkeyBrowser.sessionCookie(), settings.app.sessionSecret)!;
    const passkeyCookie = passkeyBrowser.cookieHeader();
    for (const app of [app1!, app2!]) {
      const page = await new HttpSession(app.url).get("/dashboard", { follow: false, cookie: passkeyCookie });
      expect(page.status, `${app.name} before`).toBe(200);
    }

    // The owner, signed in by password through the proxy, sees it on the sessions page and ends it there.
    const owner = new HttpSession(settings.app.url);
    await owner.login(email);
    const handle = await handleOf(opened.tokens!.accessToken);
    const page = await owner.get("/profile/sessions");
    expect(page.body).toContain(`value="${handle}"`);
    const ended = await owner.post("/profile/sessions", { intent: "end", session: handle });
    expect(ended.status).toBeLessThan(400);
    expect((await owner.get("/profile/sessions")).body).not.toContain(`value="${handle}"`);

    for (const app of [app1!, app2!]) {
      const stale = await new HttpSession(app.url).get("/dashboard", { follow: false, cookie: passkeyCookie });
      expect([stale.status, stale.headers.get("Location")?.startsWith("/login")], `${app.name} after`).toEqual([302, true]);
    }
    for (const instance of [directus1!, directus2!]) expect(await meStatus(instance.url, opened.tokens!.accessToken)).toBe(401);
    expect(directusSessionOf(opened.tokens!.accessToken)).toBeTruthy();
  });
});

describe("a passkey's session on PostgreSQL", () => {
  // As the app calls Directus for a visitor: their browser's User-Agent, IP and origin forwarded.
  const { headers: BROWSER, post } = browserPoster(origin, "203.0.113.45");

  it("is the twin of a password login's through the same instance: claim by claim, row by row", async () => {
    let before = await lastActivityId(db);
    let startedAt = Date.now();
    const byPassword = await post(`${directus2!.url}/auth/login`, { email, password: TEST_PASSWORD, mode: "session" });
    expect(byPassword.status).toBe(200);
    const passwordTrace = await traceSignIn(db, userId, { ...byPassword, startedAt, endedAt: Date.now() }, before);

    const started = await post(`${directus2!.url}/account-sign-in/passkeys/authentication/options`, {});
    expect(started.status).toBe(200);
    const response = authenticator.authenticate(started.body.data.options, { origin });
    before = await lastActivityId(db);
    startedAt = Date.now();
    const byPasskey = await post(`${directus2!.url}/account-sign-in/passkeys/authentication`, { challenge_id: started.body.data.challenge_id, response });
    expect(byPasskey.status, JSON.stringify(byPasskey.body)).toBe(200);
    const passkeyTrace = await traceSignIn(db, userId, { ...byPasskey, startedAt, endedAt: Date.now() }, before);

    expectSameSession(passwordTrace, passkeyTrace);
    expect(passkeyTrace.session["user_agent"]).toBe(BROWSER["User-Agent"]);
    expect(passkeyTrace.session["ip"]).toBe(BROWSER["X-Forwarded-For"]);
    expect(passkeyTrace.session["origin"]).toBe(origin);
  });
});
