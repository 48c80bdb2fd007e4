// Signing in through an identity provider (the local development provider, a real OpenID Connect
// implementation), relayed by the production build: the callback refused without this browser's
// step, with another sign-in's state, a second time, or with a tampered step cookie (login CSRF);
// the provider unreachable; two-factor through the provider. Every ending is a page in our words.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackPath } from "../../app/lib/identity-providers.ts";
import { startDevIdentityProvider } from "../../scripts/lib/identity-provider/dev-provider.mjs";
import { getFreePort } from "../../scripts/lib/directus-process.mjs";
import { HttpSession, uniqueEmail, type Reply } from "../support/http-session.ts";
import { ProviderBrowser } from "../support/identity-provider.ts";
import { openSessionCookie } from "../support/session-cookie.ts";
import { currentCode, untilCodeLasts, wrongCode } from "../support/totp.ts";
import { leaksInternals, startStack, type Stack } from "./stack.ts";

let stack: Stack;
let provider: Awaited<ReturnType<typeof startDevIdentityProvider>>;

beforeAll(async () => {
  const appPort = await getFreePort();
  provider = await startDevIdentityProvider({ redirectUris: [`http://localhost:${appPort}${callbackPath("dev")}`] });
  // "down": a provider nobody answers for.
  const closedPort = await getFreePort();
  const env = {
    IDENTITY_PROVIDERS: "dev,down",
    IDENTITY_PROVIDER_DEV_ISSUER_URL: provider.url,
    IDENTITY_PROVIDER_DOWN_ISSUER_URL: `http://127.0.0.1:${closedPort}`,
    IDENTITY_PROVIDER_DOWN_CLIENT_ID: "nobody",
    IDENTITY_PROVIDER_DOWN_CLIENT_SECRET: "nothing",
    IDENTITY_PROVIDER_DOWN_LABEL: "Nowhere",
  };
  stack = await startStack({ directusEnv: env, appEnv: env, appPort });
});

afterAll(async () => {
  await stack?.stop();
  await provider?.stop();
});

/** Starts the flow as `client`: the app's answer is a redirect to the provider. */
async function start(client: HttpSession, redirectTo = "") {
  const reply = await client.post("/auth/login/dev", { redirectTo }, { follow: false });
  expect(reply.status).toBe(302);
  const location = reply.headers.get("Location")!;
  expect(new URL(location).origin).toBe(provider.url);
  return location;
}

/** Starts and signs in at the provider as `login`: the callback address the provider sends back. */
async function callbackFor(client: HttpSession, login: string, options: { cancel?: boolean } = {}) {
  const url = await new ProviderBrowser().signIn(await start(client), new URL(stack.app.url).origin, { login, ...options });
  return url.pathname + url.search;
}

function expectPlainPage(reply: Reply, path: string, words: string | RegExp) {
  expect([reply.status, reply.path]).toEqual([200, path]);
  expect(reply.body).toMatch(words);
  expect(leaksInternals(reply.body)).toBeNull();
  expect(reply.body).not.toMatch(/INVALID_|SERVICE_UNAVAILABLE|directus_session_token|openid\.dev/);
}

describe("the relay", () => {
  it("signs a new person in with a session Directus knows, and keeps Directus's cookies from the browser", async () => {
    const client = new HttpSession(stack.app.url);
    const email = uniqueEmail("sso");
    const reply = await client.get(await callbackFor(client, email));
    expect([reply.status, reply.path]).toEqual([200, "/dashboard"]);
    expect(reply.body).toContain(email);
    expect(client.cookie("openid.dev")).toBeUndefined();
    expect(client.cookie("directus_session_token")).toBeUndefined();
    const session = openSessionCookie(client.sessionCookie(), stack.sessionSecret);
    expect(session?.user?.email).toBe(email);
    expect(session?.step).toBeUndefined();
    // Logout ends the Directus session at once.
    const token = session!.tokens!.accessToken;
    await client.logout();
    const me = await fetch(`${stack.directus.url}/users/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
  });

  it("refuses a callback without this browser's step: no sign-in into someone else's account", async () => {
    // The attacker signs in at the provider and keeps the callback address, unused.
    const attacker = new HttpSession(stack.app.url);
    const stolen = await callbackFor(attacker, uniqueEmail("attacker"));
    // A visitor who started nothing opens it.
    const visitor = new HttpSession(stack.app.url);
    expectPlainPage(await visitor.get(stolen), "/login", /was not started in this browser/);
    expect(openSessionCookie(visitor.sessionCookie(), stack.sessionSecret)?.user).toBeUndefined();
    // A visitor who started a sign-in of their own: the state is not theirs.
    const started = new HttpSession(stack.app.url);
    await start(started);
    expectPlainPage(await started.get(stolen), "/login", /does not belong to the sign-in this browser started/);
    expect(openSessionCookie(started.sessionCookie(), stack.sessionSecret)?.user).toBeUndefined();
  });

  it("leaves a sign-in in progress alone when a stray answer arrives (another state, or none): the real answer still signs in", async () => {
    const client = new HttpSession(stack.app.url);
    const email = uniqueEmail("sso-stray");
    const atProvider = await start(client);
    // A link or an image on another page opens the callback meanwhile.
    for (const stray of ["?code=forged&state=forged", "?error=access_denied", ""]) {
      expectPlainPage(await client.get(`${callbackPath("dev")}${stray}`), "/login", /does not belong to the sign-in this browser started/);
      expect(openSessionCookie(client.sessionCookie(), stack.sessionSecret)?.step).toMatchObject({ name: "identity-provider" });
    }
    const back = await new ProviderBrowser().signIn(atProvider, new URL(stack.app.url).origin, { login: email });
    const reply = await client.get(back.pathname + back.search);
    expect([reply.status, reply.path]).toEqual([200, "/dashboard"]);
    expect(reply.body).toContain(email);
  });

  it("takes a callback once, and not with a tampered step cookie", async () => {
    const client = new HttpSession(stack.app.url);
    const callback = await callbackFor(client, uniqueEmail("replay"));
    const cookie = client.sessionCookie()!;
    const tampered = cookie.slice(0, 20) + (cookie[20] === "A" ? "B" : "A") + cookie.slice(21);
    const name = client.cookie("__Host-session") ? "__Host-session" : "session";
    expectPlainPage(await client.get(callback, { cookie: `${name}=${tampered}` }), "/login", /was not started in this browser/);

    const again = new HttpSession(stack.app.url);
    const first = await callbackFor(again, uniqueEmail("replay"));
    const before = again.sessionCookie()!;
    expect((await again.get(first)).path).toBe("/dashboard");
    await again.logout();
    // The same answer again: the step is gone.
    expectPlainPage(await again.get(first), "/login", /was not started in this browser, or it has already finished/);
    // Even with a copy of the cookie the step was in: the provider's code works once.
    expectPlainPage(await again.get(first, { cookie: `${name}=${before}` }), "/login", /did not sign you in/);
    expect(openSessionCookie(again.sessionCookie(), stack.sessionSecret)?.user).toBeUndefined();
  });

  it("says so when the person cancels at the provider", async () => {
    const client = new HttpSession(stack.app.url);
    const callback = await callbackFor(client, "", { cancel: true });
    expectPlainPage(await client.get(callback), "/login", /You cancelled signing in with the development provider/);
  });

  it("says the provider cannot be reached, without hanging, when it is down", async () => {
    const client = new HttpSession(stack.app.url);
    expectPlainPage(await client.post("/auth/login/down", {}), "/login", /We could not reach Nowhere just now/);
  });

  it("answers 404 for a provider it does not offer, and starts nothing on a GET", async () => {
    const client = new HttpSession(stack.app.url);
    expect((await client.post("/auth/login/elsewhere", {}, { follow: false })).status).toBe(404);
    const reply = await client.get("/auth/login/dev", { follow: false });
    expect([reply.status, reply.headers.get("Location")]).toEqual([302, "/login"]);
  });
});

describe("two-factor through the provider", () => {
  const origin = () => new URL(stack.app.url).origin;

  /** A person who signed up through the provider and turned two-factor on, signed out again. */
  async function personWithTwoFactor(label: string) {
    const client = new HttpSession(stack.app.url);
    const email = uniqueEmail(label);
    const browser = new ProviderBrowser();
    const first = await browser.signIn(await start(client), origin(), { login: email });
    expect((await client.get(first.pathname + first.search)).path).toBe("/dashboard");
    // Two-factor on, as the user (a provider's user needs no password for it).
    const token = openSessionCookie(client.sessionCookie(), stack.sessionSecret)!.tokens!.accessToken;
    const call = async (path: string, body: unknown) => {
      const response = await fetch(`${stack.directus.url}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text).data : null;
    };
    const { secret } = await call("/users/me/tfa/generate", {});
    await untilCodeLasts(12);
    await call("/users/me/tfa/enable", { secret, otp: await currentCode(secret) });
    await client.logout();
    return { client, email, browser, secret: secret as string };
  }

  /** Back through the provider (it remembers the person): the answer of the app's callback. */
  async function throughProvider(person: Awaited<ReturnType<typeof personWithTwoFactor>>, startAt?: string) {
    const back = await person.browser.signIn(startAt ?? (await start(person.client)), origin(), { login: person.email });
    return person.client.get(back.pathname + back.search);
  }

  /** Sends `code` on the code page; the provider's address to go through next. */
  async function sendCode(person: Awaited<ReturnType<typeof personWithTwoFactor>>, code: string) {
    const reply = await person.client.post("/login/provider-code", { intent: "verify", code }, { follow: false });
    expect(reply.status).toBe(302);
    return reply.headers.get("Location")!;
  }

  it("asks for the code, asks the provider again with it, and signs in", async () => {
    const person = await personWithTwoFactor("sso-2fa");
    const asked = await throughProvider(person);
    expectPlainPage(asked, "/login/provider-code", /Enter your sign-in code/);
    await untilCodeLasts(12);
    const done = await throughProvider(person, await sendCode(person, await currentCode(person.secret)));
    expect([done.status, done.path]).toEqual([200, "/dashboard"]);
    expect(done.body).toContain(person.email);
  });

  it("takes a code once, as the password login does: the same code again, within its life, signs nobody in", async () => {
    const person = await personWithTwoFactor("sso-2fa-replay");
    expectPlainPage(await throughProvider(person), "/login/provider-code", /Enter your sign-in code/);
    // Long enough for two trips through the provider before the code changes.
    await untilCodeLasts(24);
    const code = await currentCode(person.secret);
    const first = await throughProvider(person, await sendCode(person, code));
    expect([first.status, first.path]).toEqual([200, "/dashboard"]);
    await person.client.logout();
    expectPlainPage(await throughProvider(person), "/login/provider-code", /Enter your sign-in code/);
    const replayed = await throughProvider(person, await sendCode(person, code));
    expectPlainPage(replayed, "/login/provider-code", /That code is not right/);
    expect(openSessionCookie(person.client.sessionCookie(), stack.sessionSecret)?.user).toBeUndefined();
    // The code had not changed yet: it was refused for having been used, not for being late.
    expect(await currentCode(person.secret, 0)).toBe(code);
  });

  it("counts wrong codes per account: after five, even the right code waits", async () => {
    const person = await personWithTwoFactor("sso-2fa-guess");
    expectPlainPage(await throughProvider(person), "/login/provider-code", /Enter your sign-in code/);
    for (let guess = 0; guess < 5; guess++) {
      const again = await throughProvider(person, await sendCode(person, wrongCode(person.secret)));
      expectPlainPage(again, "/login/provider-code", /That code is not right/);
    }
    await untilCodeLasts(12);
    const refused = await throughProvider(person, await sendCode(person, await currentCode(person.secret)));
    expectPlainPage(refused, "/login", /Too many wrong codes for this account/);
    expect(openSessionCookie(person.client.sessionCookie(), stack.sessionSecret)?.user).toBeUndefined();
  });
});
