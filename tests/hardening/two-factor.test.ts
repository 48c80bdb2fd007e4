// Two-factor sign-in on the production build: the code step and the settings page fed what no
// browser form sends, and the step between password and code kept sealed, bounded and out of pages.
// Wrong codes are counted per account on the server (tests/hardening/throttling.test.ts has the rest).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, TEST_PASSWORD, uniqueEmail } from "../support/http-session.ts";
import { openSessionCookie } from "../support/session-cookie.ts";
import { directusRest } from "../support/directus-rest.ts";
import { currentCode, wrongCode } from "../support/totp.ts";
import { NUL, postPayload, problem, urlencoded, variants } from "./bad-payloads.ts";
import { startStack, type Stack } from "./stack.ts";

let stack: Stack;
let email: string;
let userId: string;
let secret: string;

/** Turns two-factor on as the user, through Directus's REST API; returns the secret. */
const enableAsUser = (address: string) => directusRest(stack.directus.url).enableTwoFactor(address, TEST_PASSWORD);

/** A visitor who gave the right password and is now asked for the code. */
async function atCodeStep(address = email): Promise<HttpSession> {
  const client = new HttpSession(stack.app.url);
  const reply = await client.post("/login", { email: address, password: TEST_PASSWORD });
  expect([reply.status, reply.path]).toEqual([200, "/login/code"]);
  return client;
}

const stepIn = (client: HttpSession) => openSessionCookie(client.sessionCookie(), stack.sessionSecret)?.step as
  | { name: string; email: string; password: string; expiresAt: number }
  | undefined;

async function directusUser() {
  return (await stack.admin.call("GET", `/users/${userId}?fields=status,tfa_secret`)).data as { status: string; tfa_secret: string | null };
}

beforeAll(async () => {
  // Hour-long sessions: whether a session ended must be the app's doing, never idle expiry.
  stack = await startStack({ directusEnv: { SESSION_COOKIE_TTL: "1h" } });
  ({ email, id: userId } = await new HttpSession(stack.app.url).register(uniqueEmail("tfa-hardening")));
  secret = await enableAsUser(email);
});
afterAll(async () => {
  await stack?.stop();
});

describe("the code step", () => {
  it("refuses malformed submissions with a message, keeps the step, and counts none as a wrong code", async () => {
    const client = await atCodeStep();
    const payloads = [
      ...variants([["intent", "verify"], ["code", "123456"]], ["code", "intent"]),
      urlencoded("an unknown intent", [["intent", "sudo"], ["code", "123456"]]),
      urlencoded("letters", [["intent", "verify"], ["code", "abcdef"]]),
      urlencoded("seven digits", [["intent", "verify"], ["code", "1234567"]]),
      urlencoded("Arabic-Indic digits", [["intent", "verify"], ["code", "١٢٣٤٥٦"]]),
      urlencoded("digits around a NUL", [["intent", "verify"], ["code", `123${NUL}456`]]),
    ];
    const problems: string[] = [];
    for (const payload of payloads) {
      const found = problem(await postPayload(client, "/login/code", payload), `/login/code ← ${payload.label}`);
      if (found) problems.push(found);
    }
    expect(problems).toEqual([]);
    expect(stepIn(client)).toMatchObject({ name: "login-code" });
    expect(await directusUser()).toMatchObject({ status: "active", tfa_secret: "**********" });

    const signedIn = await client.post("/login/code", { intent: "verify", code: await currentCode(secret) });
    expect([signedIn.status, signedIn.path]).toEqual([200, "/dashboard"]);
    expect(stepIn(client)).toBeUndefined();
  });

  it("sends a visitor without a step to /login, and a signed-in one to the dashboard, never a 5xx", async () => {
    const stranger = new HttpSession(stack.app.url);
    for (const reply of [
      await stranger.get("/login/code", { follow: false }),
      await stranger.post("/login/code", { intent: "verify", code: "123456" }, { follow: false }),
    ]) {
      expect(reply.status).toBe(302);
      expect(reply.headers.get("Location")).toBe("/login");
    }
    const member = new HttpSession(stack.app.url);
    await member.register(uniqueEmail("tfa-member"));
    const reply = await member.get("/login/code", { follow: false });
    expect([reply.status, reply.headers.get("Location")]).toEqual([302, "/dashboard"]);
  });

  it("holds email and password sealed, for five minutes at most, in a cookie that expires with it and in no page", async () => {
    const before = Date.now();
    const client = new HttpSession(stack.app.url);
    const first = await client.post("/login", { email, password: TEST_PASSWORD }, { follow: false });
    expect([first.status, first.headers.get("Location")]).toEqual([302, "/login/code"]);
    const setCookie = first.headers.getSetCookie()[0] ?? "";
    const expires = Date.parse(setCookie.match(/Expires=([^;]+)/i)?.[1] ?? "");
    expect(expires).toBeGreaterThan(before);
    expect(expires).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    // Browsers let Max-Age win over Expires.
    const maxAge = Number(setCookie.match(/Max-Age=(\d+)/i)?.[1]);
    expect(maxAge).toBeGreaterThan(4 * 60);
    expect(maxAge).toBeLessThanOrEqual(5 * 60);

    const step = stepIn(client)!;
    expect(step).toMatchObject({ name: "login-code", email, password: TEST_PASSWORD });
    // No count of wrong codes in the cookie: a replayed cookie would reset it.
    expect(step).not.toHaveProperty("wrongCodes");
    expect(step.expiresAt).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    expect(step.expiresAt).toBeGreaterThan(before + 4 * 60_000);

    const pages = [
      await client.get("/login/code"),
      await client.get("/login/code.data"),
      await client.post("/login/code", { intent: "verify", code: wrongCode(secret) }),
      await client.post("/login/code.data", { intent: "verify", code: wrongCode(secret) }),
    ];
    for (const page of pages) {
      expect(page.status).toBeLessThan(500);
      expect(page.body).not.toContain(TEST_PASSWORD);
      expect(page.body).not.toContain(email);
    }
    expect(stepIn(client)).toMatchObject({ name: "login-code" });
  });

  it("starts over after five wrong codes; the account's count outlives the login, and the account stays active", async () => {
    const { email: address, id } = await new HttpSession(stack.app.url).register(uniqueEmail("tfa-five"));
    const generated = await enableAsUser(address);
    const client = await atCodeStep(address);
    for (let wrong = 1; wrong < 5; wrong++) {
      const reply = await client.post("/login/code", { intent: "verify", code: wrongCode(generated) });
      expect([reply.status, reply.path]).toEqual([401, "/login/code"]);
      expect(reply.body).toContain("That code is not right.");
    }
    const last = await client.post("/login/code", { intent: "verify", code: wrongCode(generated) });
    expect([last.status, last.path]).toEqual([200, "/login"]);
    expect(last.body).toContain("Too many wrong codes. Please log in again.");
    expect(stepIn(client)).toBeUndefined();

    // A new login reaches the code step (the password is right) but no code is checked for a while.
    const again = await atCodeStep(address);
    const refused = await again.post("/login/code", { intent: "verify", code: await currentCode(generated) });
    expect(refused.path).toBe("/login");
    expect(refused.body).toMatch(/Too many wrong codes\. Try again in \d+ minutes?\./);
    const user = (await stack.admin.call("GET", `/users/${id}?fields=status`)).data as { status: string };
    expect(user.status).toBe("active");
  });
});

describe("the two-factor settings page", () => {
  it("refuses malformed submissions for every intent with a message, keeps the session and changes nothing at Directus", async () => {
    const client = new HttpSession(stack.app.url);
    const { id } = await client.register(uniqueEmail("tfa-settings"));
    const payloads = [
      ...variants([["intent", "start"]], ["intent"]),
      ...variants([["intent", "enable"], ["code", "123456"]], ["code"]),
      ...variants([["intent", "disable"], ["code", "123456"]], ["code"]),
      urlencoded("enable with no set-up begun", [["intent", "enable"], ["code", "123456"]]),
      urlencoded("disable while it is off", [["intent", "disable"], ["code", "123456"]]),
      urlencoded("an unknown intent", [["intent", "sudo"]]),
    ];
    const problems: string[] = [];
    for (const payload of payloads) {
      const found = problem(await postPayload(client, "/profile/two-factor", payload), `/profile/two-factor ← ${payload.label}`);
      if (found) problems.push(found);
    }
    expect(problems).toEqual([]);
    expect((await client.get("/dashboard", { follow: false })).status).toBe(200);
    expect((await stack.admin.call("GET", `/users/${id}?fields=tfa_secret`)).data).toEqual({ tfa_secret: null });
  });

  it("a wrong password at set-up is an answer under the field, not the end of the session", async () => {
    const client = new HttpSession(stack.app.url);
    await client.register(uniqueEmail("tfa-wrong-password"));
    // Setting up asks "confirm it's you" first (docs/decisions/023); the password is checked there.
    const asked = await client.post("/profile/two-factor", { intent: "start", password: "not the password" });
    expect([asked.status, asked.path]).toEqual([200, "/confirm-its-you"]);
    const reply = await client.confirmItsYou("not the password");
    expect([reply.status, reply.path]).toEqual([401, "/confirm-its-you"]);
    expect(reply.body).toContain("That password is not right.");
    expect((await client.get("/dashboard", { follow: false })).status).toBe(200);
  });
});

describe("turning two-factor sign-in on", () => {
  const tokenOf = (client: HttpSession) => openSessionCookie(client.sessionCookie(), stack.sessionSecret)!.tokens!.accessToken;
  const statusAsUser = async (token: string) =>
    (await fetch(`${stack.directus.url}/users/me?fields=id`, { headers: { Authorization: `Bearer ${token}` } })).status;

  it("ends the user's other Directus sessions and keeps this one", async () => {
    const owner = new HttpSession(stack.app.url);
    const { email: address, id } = await owner.register(uniqueEmail("tfa-turn-on"));
    const other = new HttpSession(stack.app.url);
    await other.login(address);
    const otherToken = tokenOf(other);
    expect(await statusAsUser(otherToken)).toBe(200);

    expect((await owner.post("/profile/two-factor", { intent: "start" })).path).toBe("/confirm-its-you");
    expect((await owner.confirmItsYou()).path).toBe("/profile/two-factor");
    const started = await owner.post("/profile/two-factor", { intent: "start" });
    expect([started.status, started.path]).toEqual([200, "/profile/two-factor"]);
    const { secret: generated } = stepIn(owner) as unknown as { secret: string };
    // The page shows the key (grouped in fours for reading), and nothing of the password.
    expect(started.body).toContain(generated.slice(0, 4));
    expect(started.body).not.toContain(TEST_PASSWORD);

    const enabled = await owner.post("/profile/two-factor", { intent: "enable", code: await currentCode(generated) });
    expect(enabled.body).toContain("Your other sessions have been signed out.");
    expect((await stack.admin.call("GET", `/users/${id}?fields=tfa_secret`)).data).toEqual({ tfa_secret: "**********" });
    expect(await statusAsUser(otherToken)).toBe(401);
    expect(await statusAsUser(tokenOf(owner))).toBe(200);
    expect((await other.get("/dashboard", { follow: false })).headers.get("Location")).toMatch(/^\/login/);
    expect((await owner.get("/dashboard", { follow: false })).status).toBe(200);
  });
});
