// Issue 30, items 1 and 7, against the production build and a Directus that does not verify
// addresses (REGISTRATION_VERIFY_EMAIL=false): registering never checks a password against an
// account that already existed, so a taken address gets the answer a new one gets, with no session,
// whatever password was sent; and a link page never shows what a forged token's `email` says.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PASSWORD, uniqueEmail, type Reply } from "../support/http-session.ts";
import { openSessionCookie } from "../support/session-cookie.ts";
import { directusLoginStatus, type Stack, startStack, visitors } from "./stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ appEnv: { TRUST_PROXY: "true" } });
});
afterAll(async () => {
  await stack?.stop();
});

/** A browser at an address of its own, so no per-IP limit mixes the cases. */
const visitor = visitors(() => stack.app.url, [192, 0, 2]);

/** An account that exists before the test registers its address again (at Directus, as any registration makes one). */
async function existingAccount(): Promise<string> {
  const email = uniqueEmail("taken");
  const response = await fetch(`${stack.directus.url}/users/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  expect(response.status).toBe(204);
  return email;
}

const normalized = (body: string, address: string) =>
  body
    .replaceAll(address, "ADDRESS")
    .replace(/nonce="[^"]*"/g, 'nonce=""')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "UUID");

type Answer = { status: number; location: string | null; page: string; signedIn: boolean };

/** Registers from a fresh browser and reads everything it is told: the answer, the page it is sent to, its session. */
async function register(email: string, password: string): Promise<Answer> {
  const browser = visitor();
  const reply: Reply = await browser.post("/register", { email, password });
  const location = reply.headers.get("Location");
  const session = openSessionCookie(browser.session.sessionCookie(), stack.sessionSecret);
  // A redirect's page, or the form answered in place.
  const page = location ? (await browser.get(location)).body : reply.body;
  return { status: reply.status, location, page: normalized(page, email), signedIn: Boolean(session?.user || session?.tokens) };
}

describe("registration without verification is no password oracle", () => {
  it("a taken address, with its right password or a wrong one, gets the answer a new address gets: same status, redirect, page, no session", async () => {
    const taken = await existingAccount();
    const answers = {
      fresh: await register(uniqueEmail("fresh"), TEST_PASSWORD),
      right: await register(taken, TEST_PASSWORD),
      wrong: await register(taken, "a wrong guess at the password"),
    };
    expect(answers.fresh.signedIn).toBe(false);
    expect(answers.right).toEqual(answers.fresh);
    expect(answers.wrong).toEqual(answers.fresh);
    expect(answers.fresh.status).toBe(302);
    // The taken account kept its password.
    expect(await directusLoginStatus(stack, taken, TEST_PASSWORD)).toBe(200);
    expect(await directusLoginStatus(stack, taken, "a wrong guess at the password")).toBe(401);
  });

  it("a new account signs in through the login form next, which starts with its address", async () => {
    const email = uniqueEmail("newcomer");
    const browser = visitor();
    const registered = await browser.post("/register", { email, password: TEST_PASSWORD }, true);
    expect(registered.path).toBe("/login");
    expect(registered.body).toContain(`value="${email}"`);
    const login = await browser.post("/login", { email, password: TEST_PASSWORD }, true);
    expect(login.path).toBe("/dashboard");
    expect(login.status).toBe(200);
  });
});

describe("Directus's password policy answers every address alike", () => {
  // Directus checks auth_password_policy only when it creates an account: a taken address used to
  // pass a password the policy refuses for a new one.
  const POLICY = "/^.{20,}$/";
  const SHORT = "fifteen chars!!";
  beforeAll(async () => {
    expect((await stack.admin.call("PATCH", "/settings", { auth_password_policy: POLICY })).status).toBe(200);
  });
  afterAll(async () => {
    await stack.admin.call("PATCH", "/settings", { auth_password_policy: null });
  });

  it("a password the policy refuses: the same refusal for a taken address as for a new one, at the app and at Directus", async () => {
    const taken = await existingAccount();
    const fresh = await register(uniqueEmail("fresh-short"), SHORT);
    expect(await register(taken, SHORT)).toEqual(fresh);
    expect(fresh.status).toBe(400);
    expect(fresh.page).toContain("password policy");

    const atDirectus = async (email: string) => {
      const response = await fetch(`${stack.directus.url}/users/register`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email, password: SHORT }),
      });
      const text = await response.text();
      const body = (text ? JSON.parse(text) : {}) as { errors?: Array<{ extensions?: { code?: string; field?: string } }> };
      return { status: response.status, problems: body.errors?.map((error) => [error.extensions?.code, error.extensions?.field]) };
    };
    expect(await atDirectus(taken)).toEqual(await atDirectus(uniqueEmail("fresh-short")));
    // Directus's GraphQL registration would skip the check: it is refused for every address.
    const graphql = await fetch(`${stack.directus.url}/graphql/system`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: "mutation Register($email: String!, $password: String!) { users_register(email: $email, password: $password) }", variables: { email: taken, password: SHORT } }),
    });
    await graphql.text();
    expect(graphql.status).toBe(403);
  });
});

describe("link pages never show what an unsigned token says", () => {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  // Shaped as Directus signs them, with a signature nobody checked: anyone can write one.
  const forged = (email: string, scope: string, extra: Record<string, unknown> = {}) =>
    `${part({ alg: "HS256", typ: "JWT" })}.${part({ email, scope, exp: Math.floor(Date.now() / 1000) + 3600, iss: "directus", ...extra })}.c2lnbmF0dXJl`;
  const claims = ["Your account is locked. Call +1 555 0100 to unlock it", "<b>Security alert</b>@example.com"];
  const pages = [
    { path: "/verify-email", scope: "pending-registration", extra: {} },
    { path: "/reset-password", scope: "password-reset", extra: { hash: "x" } },
    { path: "/confirm-email", scope: "email-change", extra: { id: "00000000-0000-4000-8000-000000000000" } },
  ];
  for (const { path, scope, extra } of pages) {
    it(`${path}: a forged token's email claim, a sentence or markup, appears nowhere on the page`, async () => {
      for (const claim of claims) {
        const page = await visitor().get(`${path}?token=${forged(claim, scope, extra)}`);
        expect(page.body).not.toContain("Call +1 555 0100");
        expect(page.body).not.toContain("Security alert");
        expect(page.status).toBe(400);
      }
    });
  }
});
