// "Confirm it's you" (docs/decisions/023) on the production build: what secures or hands over an
// account waits for a fresh proof of what the account really has. A provider account's session
// cannot turn two-factor on whatever a password field says (audit item 4), only after a fresh
// sign-in of the SAME account at its provider; another account's sign-in there confirms nothing and
// replaces nothing; wrong passwords are counted; a confirmation lasts CONFIRM_ITS_YOU_MAX_AGE.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackPath } from "../../app/lib/identity-providers.ts";
import { startDevIdentityProvider } from "../../scripts/lib/identity-provider/dev-provider.mjs";
import { getFreePort } from "../../scripts/lib/directus-process.mjs";
import { HttpSession, TEST_PASSWORD, uniqueEmail } from "../support/http-session.ts";
import { ProviderBrowser } from "../support/identity-provider.ts";
import { openSessionCookie } from "../support/session-cookie.ts";
import { codeAfter, currentCode, untilCodeLasts, wrongCode } from "../support/totp.ts";
import { leaksInternals, sleep, startStack, type Stack } from "./stack.ts";

// Short, so that expiry can be watched; every other test acts well within it.
const CONFIRMATION_SECONDS = 8;

let stack: Stack;
let provider: Awaited<ReturnType<typeof startDevIdentityProvider>>;
const origin = () => new URL(stack.app.url).origin;

beforeAll(async () => {
  const appPort = await getFreePort();
  provider = await startDevIdentityProvider({ redirectUris: [`http://localhost:${appPort}${callbackPath("dev")}`] });
  const env = { IDENTITY_PROVIDERS: "dev", IDENTITY_PROVIDER_DEV_ISSUER_URL: provider.url };
  stack = await startStack({
    directusEnv: { ...env, SESSION_COOKIE_TTL: "1h" },
    appEnv: { ...env, CONFIRM_ITS_YOU_MAX_AGE: String(CONFIRMATION_SECONDS) },
    appPort,
  });
});

afterAll(async () => {
  await stack?.stop();
  await provider?.stop();
});

type Opened = { user?: { id: string; email: string }; tokens?: { accessToken: string }; step?: { name: string; secret?: string } };
const sessionOf = (client: HttpSession) => openSessionCookie(client.sessionCookie(), stack.sessionSecret) as Opened | null;

async function tfaSecretOf(userId: string) {
  return ((await stack.admin.call("GET", `/users/${userId}?fields=tfa_secret`)).data as { tfa_secret: string | null }).tfa_secret;
}

/** Someone who signed up through the provider, signed in in `client`, with the provider remembering them in `browser`. */
async function providerPerson(label: string) {
  const client = new HttpSession(stack.app.url);
  const email = uniqueEmail(label);
  const browser = new ProviderBrowser();
  const started = await client.post("/auth/login/dev", {}, { follow: false });
  const back = await browser.signIn(started.headers.get("Location")!, origin(), { login: email });
  const reply = await client.get(back.pathname + back.search);
  expect([reply.status, reply.path]).toEqual([200, "/dashboard"]);
  return { client, email, browser, userId: sessionOf(client)!.user!.id };
}

async function passwordPerson(label: string) {
  const client = new HttpSession(stack.app.url);
  const { email, id } = await client.register(uniqueEmail(label));
  return { client, email, userId: id };
}

/** Presses "Set up two-factor sign-in" (with whatever password field a script adds): where the app sends the browser. */
async function pressSetUp(client: HttpSession, extra: Record<string, string> = {}) {
  const reply = await client.post("/profile/two-factor", { intent: "start", ...extra }, { follow: false });
  expect(reply.status).toBe(302);
  return reply.headers.get("Location");
}

describe("a provider account's session (audit item 4)", () => {
  it("cannot start setting up two-factor with any password field value, and is asked to sign in at its provider again", async () => {
    const { client, userId } = await providerPerson("confirm-sso");
    for (const password of ["anything", "", "x".repeat(200)]) {
      expect(await pressSetUp(client, { password })).toBe("/confirm-its-you");
      expect(sessionOf(client)?.step?.name).not.toBe("two-factor-setup");
    }
    expect(await pressSetUp(client)).toBe("/confirm-its-you");
    // Nothing to guess with: an enable with any secret-less code finds no set-up.
    const enable = await client.post("/profile/two-factor", { intent: "enable", code: "123456" });
    expect(enable.status).toBe(400);
    expect(await tfaSecretOf(userId)).toBeNull();

    // The page offers what the account has: its provider, never a password field.
    const page = await client.get("/confirm-its-you");
    expect([page.status, page.path]).toEqual([200, "/confirm-its-you"]);
    expect(page.body).toMatch(/Continue with the development provider/);
    expect(page.body).not.toMatch(/name="password"/);
    expect(leaksInternals(page.body)).toBeNull();
    // And takes no password either, whatever a script sends.
    const scripted = await client.post("/confirm-its-you", { intent: "password", password: TEST_PASSWORD });
    expect(scripted.status).toBe(400);
    expect(await pressSetUp(client)).toBe("/confirm-its-you");
  });

  it("can turn two-factor on after a fresh sign-in of the same account at the provider, keeping its session", async () => {
    const { client, email, browser, userId } = await providerPerson("confirm-sso-ok");
    expect(await pressSetUp(client)).toBe("/confirm-its-you");
    const before = sessionOf(client)!;
    const started = await client.post("/confirm-its-you", { intent: "provider" }, { follow: false });
    expect(started.status).toBe(302);
    // A fresh sign-in: the provider is asked to authenticate the person again, not to remember them.
    expect(new URL(started.headers.get("Location")!).searchParams.get("max_age")).toBe("0");
    const back = await browser.signIn(started.headers.get("Location")!, origin(), { login: email });
    const returned = await client.get(back.pathname + back.search);
    expect([returned.status, returned.path]).toEqual([200, "/profile/two-factor"]);
    expect(sessionOf(client)?.user?.id).toBe(before.user!.id);

    expect(await pressSetUp(client)).toBe("/profile/two-factor");
    const secret = sessionOf(client)?.step?.secret;
    expect(sessionOf(client)?.step?.name).toBe("two-factor-setup");
    await untilCodeLasts(10);
    const on = await client.post("/profile/two-factor", { intent: "enable", code: await currentCode(secret!) });
    // Turned on, it shows the account's new recovery codes once (docs/decisions/025).
    expect([on.status, on.path]).toEqual([200, "/profile/recovery-codes"]);
    expect(on.body).toContain("Two-factor sign-in is on");
    expect(await tfaSecretOf(userId)).not.toBeNull();
  });

  it("confirms nothing and replaces nothing when another account signs in at the provider", async () => {
    const owner = await providerPerson("confirm-sso-owner");
    const thief = await providerPerson("confirm-sso-thief");
    // The thief holds the owner's session (`stolen`) and a provider sign-in of their own.
    const stolen = owner.client;
    expect(await pressSetUp(stolen)).toBe("/confirm-its-you");
    const before = sessionOf(stolen)!;
    const started = await stolen.post("/confirm-its-you", { intent: "provider" }, { follow: false });
    const back = await thief.browser.signIn(started.headers.get("Location")!, origin(), { login: thief.email });
    const answered = await stolen.get(back.pathname + back.search);
    expect([answered.status, answered.path]).toEqual([200, "/confirm-its-you"]);
    expect(answered.body).toMatch(/another account/i);
    const after = sessionOf(stolen)!;
    expect(after.user).toEqual(before.user);
    expect(after.tokens!.accessToken).toBe(before.tokens!.accessToken);
    expect(await pressSetUp(stolen)).toBe("/confirm-its-you");
    expect(await tfaSecretOf(owner.userId)).toBeNull();
  });
});

describe("a password account", () => {
  it("is asked for its password; a wrong one is refused and counted until the session ends", async () => {
    const { client, userId } = await passwordPerson("confirm-pw");
    expect(await pressSetUp(client, { password: "not the password at all" })).toBe("/confirm-its-you");
    const page = await client.get("/confirm-its-you");
    expect(page.body).toMatch(/name="password"/);
    for (let wrong = 1; wrong < 5; wrong++) {
      const refused = await client.post("/confirm-its-you", { intent: "password", password: `wrong ${wrong}` });
      expect([refused.status, refused.path]).toEqual([401, "/confirm-its-you"]);
      expect(refused.body).toContain("That password is not right");
      expect(refused.body).not.toContain(`wrong ${wrong}`);
    }
    // The fifth wrong answer (WRONG_SECRET_LIMIT) ends the session at Directus.
    const token = sessionOf(client)!.tokens!.accessToken;
    const ended = await client.post("/confirm-its-you", { intent: "password", password: "wrong 5" });
    expect(ended.path).toBe("/login");
    expect(sessionOf(client)?.user).toBeUndefined();
    const me = await fetch(`${stack.directus.url}/users/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
    expect(await tfaSecretOf(userId)).toBeNull();
  });

  it("goes on with its password, keeps the address typed for an email change, and asks again once the confirmation expired", async () => {
    const { client } = await passwordPerson("confirm-pw-ok");
    const newEmail = uniqueEmail("confirm-new");
    const asked = await client.post("/profile/email", { email: newEmail }, { follow: false });
    expect([asked.status, asked.headers.get("Location")]).toEqual([302, "/confirm-its-you"]);
    const confirmed = await client.post("/confirm-its-you", { intent: "password", password: TEST_PASSWORD });
    expect([confirmed.status, confirmed.path]).toEqual([200, "/profile/email"]);
    expect(confirmed.body).toContain(`value="${newEmail}"`);
    expect(await pressSetUp(client)).toBe("/profile/two-factor");
    expect(sessionOf(client)?.step?.name).toBe("two-factor-setup");
    await client.post("/profile/two-factor", { intent: "cancel" });

    await sleep((CONFIRMATION_SECONDS + 1) * 1000);
    expect(await pressSetUp(client)).toBe("/confirm-its-you");
    const again = await client.post("/profile/email", { email: newEmail }, { follow: false });
    expect(again.headers.get("Location")).toBe("/confirm-its-you");
  });
});

/** Turns two-factor on for `client`'s account through the app (confirming with its password first): the secret and the code used. */
async function turnOnTwoFactor(client: HttpSession) {
  expect(await pressSetUp(client)).toBe("/confirm-its-you");
  await client.post("/confirm-its-you", { intent: "password", password: TEST_PASSWORD });
  expect(await pressSetUp(client)).toBe("/profile/two-factor");
  const secret = sessionOf(client)!.step!.secret!;
  const code = await currentCode(secret);
  const on = await client.post("/profile/two-factor", { intent: "enable", code });
  expect(on.body).toContain("Two-factor sign-in is on");
  return { secret, used: code };
}

describe("confirming with the two-factor code", () => {
  it("lets a password account with two-factor on confirm with its code, once per code; wrong codes are counted until the session ends", async () => {
    const { client, email, userId } = await passwordPerson("confirm-code");
    const { secret, used } = await turnOnTwoFactor(client);
    expect(await tfaSecretOf(userId)).not.toBeNull();
    await sleep((CONFIRMATION_SECONDS + 1) * 1000);

    const newEmail = uniqueEmail("confirm-code-new");
    const asked = await client.post("/profile/email", { email: newEmail }, { follow: false });
    expect(asked.headers.get("Location")).toBe("/confirm-its-you");
    const page = await client.get("/confirm-its-you");
    expect(page.body).toMatch(/name="password"/);
    expect(page.body).toMatch(/name="code"/);

    const wrong = await client.post("/confirm-its-you", { intent: "code", code: wrongCode(secret) });
    expect([wrong.status, wrong.path]).toEqual([400, "/confirm-its-you"]);
    expect(wrong.body).toContain("That code is not right");

    // A code already taken elsewhere (here: a sign-in in another browser), still current at Directus, confirms nothing.
    const taken = await codeAfter(secret, used, 10);
    const other = new HttpSession(stack.app.url);
    expect((await other.post("/login", { email, password: TEST_PASSWORD })).path).toBe("/login/code");
    expect((await other.post("/login/code", { intent: "verify", code: taken })).path).toBe("/dashboard");
    const again = await client.post("/confirm-its-you", { intent: "code", code: taken });
    expect([again.status, again.path]).toEqual([400, "/confirm-its-you"]);
    expect(again.body).toContain("That code is not right");

    const code = await codeAfter(secret, taken, 6);
    const confirmed = await client.post("/confirm-its-you", { intent: "code", code });
    expect([confirmed.status, confirmed.path]).toEqual([200, "/profile/email"]);
    expect(confirmed.body).toContain(`value="${newEmail}"`);

    // Once the confirmation expired, wrong codes are counted: the fifth (WRONG_SECRET_LIMIT) ends the session.
    await sleep((CONFIRMATION_SECONDS + 1) * 1000);
    for (let n = 1; n < 5; n++) {
      const refused = await client.post("/confirm-its-you", { intent: "code", code: String(n).padStart(6, "0") });
      expect([refused.status, refused.path]).toEqual([400, "/confirm-its-you"]);
    }
    const ended = await client.post("/confirm-its-you", { intent: "code", code: "000005" });
    expect(ended.path).toBe("/login");
    expect(sessionOf(client)?.user).toBeUndefined();
  });

  it("is not offered to, nor taken from, an account without two-factor", async () => {
    const { client } = await passwordPerson("confirm-code-off");
    expect(await pressSetUp(client)).toBe("/confirm-its-you");
    const page = await client.get("/confirm-its-you");
    expect(page.body).toMatch(/name="password"/);
    expect(page.body).not.toMatch(/name="code"/);
    const refused = await client.post("/confirm-its-you", { intent: "code", code: "123456" }, { follow: false });
    expect(refused.status).toBe(400);
    expect(await pressSetUp(client)).toBe("/confirm-its-you");
  });

  it("the extension checks codes for the signed-in user only", async () => {
    const anonymous = await fetch(`${stack.directus.url}/account-security/verify-code`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ otp: "123456" }),
    });
    expect(anonymous.status).toBe(401);
  });
});
