// Issue 30, item 6, against the production build and a Directus that verifies addresses: a
// verification link confirms only the registration it was mailed for. Directus's token names only
// the address, and the app's derived password is the address's, so without more a used link opened
// the NEXT registration of the same address (after its first account moved to another address):
// through the app, at Directus's own REST and GraphQL endpoints, and through the app's way of
// finishing a confirmation cut short before the password was set.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registrationPassword } from "../../app/server/account/registration-password.server.ts";
import { emailedLink, SUBJECTS } from "../support/mail.ts";
import { TEST_PASSWORD, uniqueEmail } from "../support/http-session.ts";
import { openSessionCookie } from "../support/session-cookie.ts";
import { directusLoginStatus, type Stack, startStack, visitors } from "./stack.ts";

const HOLDER_PASSWORD = "the old link holder's password";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ verifyEmail: true, appEnv: { TRUST_PROXY: "true" } });
});
afterAll(async () => {
  await stack?.stop();
});

const visitor = visitors(() => stack.app.url, [198, 18, 0]);
const pathOf = (link: string) => new URL(link).pathname + new URL(link).search;
const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

async function account(email: string): Promise<{ id: string; status: string } | undefined> {
  const reply = await stack.admin.call<Array<{ id: string; status: string }>>("GET", `/users?filter[email][_eq]=${encodeURIComponent(email)}&fields=id,status`);
  return reply.data[0];
}

/** Confirms a mailed link by choosing a password, as the link page's form does, from a fresh browser. */
async function confirmThroughApp(link: string, password: string) {
  const browser = visitor();
  const reply = await browser.post(pathOf(link), { intent: "confirm", token: tokenOf(link), password, confirmPassword: password }, true);
  const session = openSessionCookie(browser.session.sessionCookie(), stack.sessionSecret);
  return { reply, signedIn: Boolean(session?.user || session?.tokens) };
}

/**
 * Registers the address again at Directus itself, with the password the app would send, and returns
 * the link mailed for it. (The app sends at most one verification mail per address in five minutes;
 * a script waits that out, or asks Directus's public endpoint directly, as here.)
 */
async function registerAtDirectus(email: string): Promise<string> {
  const since = Date.now();
  const response = await fetch(`${stack.directus.url}/users/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: registrationPassword(email, stack.sessionSecret), verification_url: `${stack.app.url}/verify-email` }),
  });
  expect(response.status).toBe(204);
  return emailedLink(stack.directus.mailDir, { to: email, subject: SUBJECTS.verify, since, path: "/verify-email" });
}

/**
 * Waits until the second after the one a link's token was issued in. Directus's registration token is
 * a JWT of the address, a scope and times in whole seconds (services/users.js): two registrations of
 * one address in the same second are mailed the very same link, which is then not an earlier one.
 */
async function untilSecondAfter(link: string) {
  const { iat } = JSON.parse(Buffer.from(tokenOf(link).split(".")[1]!, "base64url").toString("utf8")) as { iat: number };
  const wait = (iat + 1) * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/**
 * A registers and confirms by its link L1; the account moves to another address (an administrator's
 * update, as the email-change flow ends); A registers again, at least a second later. Returns L1, the
 * new registration's link and the new account's id.
 */
async function addressRegisteredAgain(label: string) {
  const email = uniqueEmail(label);
  const since = Date.now();
  expect((await visitor().post("/register", { email })).status).toBe(302);
  const first = await emailedLink(stack.directus.mailDir, { to: email, subject: SUBJECTS.verify, since, path: "/verify-email" });
  const confirmed = await confirmThroughApp(first, TEST_PASSWORD);
  expect(confirmed.reply.path).toBe("/dashboard");
  const moved = (await account(email))!.id;
  expect((await stack.admin.call("PATCH", `/users/${moved}`, { email: uniqueEmail(`${label}-moved`) })).status).toBe(200);

  await untilSecondAfter(first);
  const current = await registerAtDirectus(email);
  expect(current).not.toBe(first);
  const again = (await account(email))!;
  expect(again.id).not.toBe(moved);
  expect(again.status).toBe("unverified");
  return { email, first, current, id: again.id };
}

describe("a verification link confirms only the registration it was mailed for", () => {
  it("the used link of an earlier registration neither confirms the next one nor signs anyone in through the app", async () => {
    const { email, first, id } = await addressRegisteredAgain("again");
    const holder = await confirmThroughApp(first, HOLDER_PASSWORD);
    expect(holder.reply.path).not.toBe("/dashboard");
    expect(holder.signedIn).toBe(false);
    expect(holder.reply.body).toContain("This link has already been used");
    expect(await account(email)).toEqual({ id, status: "unverified" });
    expect(await directusLoginStatus(stack, email, HOLDER_PASSWORD)).toBe(401);
  });

  // Directus's own endpoints, which the app does not use but anyone can call.
  it("nor at Directus's REST endpoint", async () => {
    const { email, first, id } = await addressRegisteredAgain("rest");
    const rest = await fetch(`${stack.directus.url}/users/register/verify-email?token=${tokenOf(first)}`, { redirect: "manual" });
    const refusal = await rest.text();
    expect(await account(email)).toEqual({ id, status: "unverified" });
    expect(rest.status).toBe(409);
    expect(refusal).toContain("LINK_SUPERSEDED");
  });

  it("nor at Directus's GraphQL endpoint", async () => {
    const { email, first, id } = await addressRegisteredAgain("graphql");
    const graphql = await fetch(`${stack.directus.url}/graphql/system`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: "mutation Verify($token: String!) { users_register_verify(token: $token) }", variables: { token: tokenOf(first) } }),
    });
    await graphql.text();
    expect(await account(email)).toEqual({ id, status: "unverified" });
    expect(graphql.status).toBe(403);
  });

  it("the new registration's links, the first and one sent again, still confirm it", async () => {
    const { email, id } = await addressRegisteredAgain("resent");
    // Registering a waiting address again is how Directus sends its link again.
    const resent = await registerAtDirectus(email);
    const owner = await confirmThroughApp(resent, "the new owner's password");
    expect(owner.reply.path).toBe("/dashboard");
    expect(owner.signedIn).toBe(true);
    expect(await account(email)).toEqual({ id, status: "active" });
    expect(await directusLoginStatus(stack, email, "the new owner's password")).toBe(200);
  });

  it("an earlier registration's link cannot finish a confirmation cut short before its password was set; the registration's own link can", async () => {
    const { email, first, current, id } = await addressRegisteredAgain("cut-short");
    // The owner's confirmation got as far as Directus (the account is active) but no further: it still has the derived password.
    const verified = await fetch(`${stack.directus.url}/users/register/verify-email?token=${tokenOf(current)}`, { redirect: "manual" });
    await verified.text();
    expect(verified.status).toBe(302);
    expect(await account(email)).toEqual({ id, status: "active" });

    const holder = await confirmThroughApp(first, HOLDER_PASSWORD);
    expect(holder.reply.path).not.toBe("/dashboard");
    expect(holder.signedIn).toBe(false);
    expect(await directusLoginStatus(stack, email, HOLDER_PASSWORD)).toBe(401);
    expect(await directusLoginStatus(stack, email, registrationPassword(email, stack.sessionSecret))).toBe(200);

    const owner = await confirmThroughApp(current, "the new owner's password");
    expect(owner.reply.path).toBe("/dashboard");
    expect(await directusLoginStatus(stack, email, "the new owner's password")).toBe(200);
  });
});
