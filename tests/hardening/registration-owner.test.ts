// Issue 23 against the production build and a Directus that verifies addresses: registering an
// address first gets a stranger nothing (the owner confirms by a POST and chooses the password;
// a GET, such as a mail scanner's prefetch, changes nothing), mail is bounded per address whatever
// the number of requests or IPs, and a GET never replaces a step the session holds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registrationPassword } from "../../app/server/account/registration-password.server.ts";
import { emailedLink, emailsTo, SUBJECTS } from "../support/mail.ts";
import { TEST_PASSWORD, uniqueEmail } from "../support/http-session.ts";
import { openSessionCookie } from "../support/session-cookie.ts";
import { directusLoginStatus, sleep, type Stack, startStack, visitors } from "./stack.ts";

const STRANGER_PASSWORD = "the stranger's own password";
const OWNER_PASSWORD = "the owner's chosen password";
// Mail goes out after Directus answered: give it time to arrive before counting.
const MAIL_SETTLE_MS = 2_500;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    verifyEmail: true,
    directusEnv: { LOGIN_STALL_TIME: "500", REGISTER_STALL_TIME: "750" },
    appEnv: { TRUST_PROXY: "true" },
  });
});
afterAll(async () => {
  await stack?.stop();
});

/** A browser at an address of its own (from 203.0.113.0/24 and up). */
const visitor = visitors(() => stack.app.url, [203, 0, 113]);

const pathOf = (link: string) => new URL(link).pathname + new URL(link).search;
const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

async function userStatus(email: string): Promise<string | undefined> {
  const reply = await stack.admin.call<Array<{ status: string }>>("GET", `/users?filter[email][_eq]=${encodeURIComponent(email)}&fields=status`);
  return reply.data[0]?.status;
}

/** Confirms the mailed link by choosing a password, as the page's form does. */
function confirm(browser: ReturnType<typeof visitor>, link: string, password: string) {
  return browser.post(pathOf(link), { intent: "confirm", token: tokenOf(link), password, confirmPassword: password }, true);
}

/** Registers an address and confirms it through the app and the mail sink: an active account. */
async function activeAccount(label: string): Promise<string> {
  const email = uniqueEmail(label);
  const since = Date.now();
  const browser = visitor();
  expect((await browser.post("/register", { email })).status).toBe(302);
  const link = await emailedLink(stack.directus.mailDir, { to: email, subject: SUBJECTS.verify, since, path: "/verify-email" });
  expect((await confirm(browser, link, TEST_PASSWORD)).path).toBe("/dashboard");
  return email;
}

const normalized = (body: string) =>
  body.replace(/nonce="[^"]*"/g, 'nonce=""').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "UUID");

describe("registering first gets the stranger nothing", () => {
  it("the owner's link, opened by a GET, changes nothing; its POST with the owner's password opens the account to that password only", async () => {
    const owner = uniqueEmail("owner");
    const since = Date.now();
    // The stranger sends a password field of their own; the owner registers later.
    expect((await visitor().post("/register", { email: owner, password: STRANGER_PASSWORD })).status).toBe(302);
    const ownerBrowser = visitor();
    expect((await ownerBrowser.post("/register", { email: owner })).status).toBe(302);
    const link = await emailedLink(stack.directus.mailDir, { to: owner, subject: SUBJECTS.verify, since, path: "/verify-email" });

    // A mail scanner's prefetch: a GET without cookies, and again with the owner's.
    await visitor().get(pathOf(link));
    const page = await ownerBrowser.get(pathOf(link));
    expect(page.status).toBe(200);
    expect(page.body).toContain("Choose your password");
    expect(await userStatus(owner)).toBe("unverified");

    const confirmed = await confirm(ownerBrowser, link, OWNER_PASSWORD);
    expect(confirmed.path).toBe("/dashboard");
    expect(confirmed.status).toBe(200);
    expect(await userStatus(owner)).toBe("active");

    const derived = registrationPassword(owner, stack.sessionSecret);
    expect(await directusLoginStatus(stack, owner, STRANGER_PASSWORD)).toBe(401);
    expect(await directusLoginStatus(stack, owner, derived)).toBe(401);
    expect(await directusLoginStatus(stack, owner, OWNER_PASSWORD)).toBe(200);
    expect((await visitor().post("/login", { email: owner, password: STRANGER_PASSWORD })).status).toBe(401);
    expect((await visitor().post("/login", { email: owner, password: OWNER_PASSWORD }, true)).path).toBe("/dashboard");
  });

  it("the verification page no longer tells anyone to register again with the same password", async () => {
    const page = await visitor().get("/verify-email");
    expect(page.body).not.toContain("same email address and password");
  });
});

describe("mail is bounded per address", () => {
  it("twelve parallel reset requests for one address, from twelve IPs: one mail, the same answer for every request", async () => {
    const email = await activeAccount("reset12");
    const since = Date.now();
    const replies = await Promise.all(Array.from({ length: 12 }, () => visitor().post("/forgot-password", { email })));
    expect(new Set(replies.map((reply) => reply.status))).toEqual(new Set([200]));
    expect(new Set(replies.map((reply) => normalized(reply.body))).size).toBe(1);
    await sleep(MAIL_SETTLE_MS);
    expect(await emailsTo(stack.directus.mailDir, { to: email, subject: SUBJECTS.reset, since })).toHaveLength(1);
  });

  it("registering a waiting address again, and re-sending, twelve times in parallel: no more mail than the first, the same answer", async () => {
    const email = uniqueEmail("waiting12");
    const since = Date.now();
    expect((await visitor().post("/register", { email })).status).toBe(302);
    await emailedLink(stack.directus.mailDir, { to: email, subject: SUBJECTS.verify, since, path: "/verify-email" });

    const browsers = Array.from({ length: 12 }, () => visitor());
    const registered = await Promise.all(browsers.map((browser) => browser.post("/register", { email })));
    expect(new Set(registered.map((reply) => `${reply.status} ${reply.headers.get("Location")}`))).toEqual(new Set(["302 /verify-email"]));
    const resent = await Promise.all(browsers.map((browser) => browser.post("/verify-email")));
    expect(new Set(resent.map((reply) => reply.status))).toEqual(new Set([200]));
    expect(new Set(resent.map((reply) => normalized(reply.body))).size).toBe(1);
    expect(resent[0]!.body).toContain(`We sent the link to ${email} again.`);
    await sleep(MAIL_SETTLE_MS);
    expect(await emailsTo(stack.directus.mailDir, { to: email, subject: SUBJECTS.verify, since })).toHaveLength(1);
  });
});

describe("a GET never replaces a step in progress", () => {
  it("a cross-site GET of /reset-password?token= or /verify-email?token= leaves the session's step as it was", async () => {
    // Someone else's links: a reset for their account, a confirmation for their waiting address.
    const theirs = await activeAccount("theirs");
    const sinceReset = Date.now();
    await visitor().post("/forgot-password", { email: theirs });
    const theirReset = await emailedLink(stack.directus.mailDir, { to: theirs, subject: SUBJECTS.reset, since: sinceReset, path: "/reset-password" });
    const theirWaiting = uniqueEmail("their-waiting");
    const sinceVerify = Date.now();
    await visitor().post("/register", { email: theirWaiting });
    const theirVerify = await emailedLink(stack.directus.mailDir, { to: theirWaiting, subject: SUBJECTS.verify, since: sinceVerify, path: "/verify-email" });

    // This browser registered and waits for its own link: a verification-sent step.
    const browser = visitor();
    await browser.post("/register", { email: uniqueEmail("mine") });
    const step = () => openSessionCookie(browser.session.sessionCookie(), stack.sessionSecret)?.step;
    const before = step();
    expect(before).toMatchObject({ name: "verification-sent" });

    const reset = await browser.session.get(pathOf(theirReset), { headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(reset.status).toBe(200);
    expect(step()).toEqual(before);
    await browser.session.get(pathOf(theirVerify), { headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(step()).toEqual(before);
    expect(await userStatus(theirWaiting)).toBe("unverified");
  });

  it("a password reset in progress stays the one it was when another reset link is opened by a GET", async () => {
    const mine = await activeAccount("mine-reset");
    const theirs = await activeAccount("theirs-reset");
    const since = Date.now();
    await visitor().post("/forgot-password", { email: mine });
    await visitor().post("/forgot-password", { email: theirs });
    const myLink = await emailedLink(stack.directus.mailDir, { to: mine, subject: SUBJECTS.reset, since, path: "/reset-password" });
    const theirLink = await emailedLink(stack.directus.mailDir, { to: theirs, subject: SUBJECTS.reset, since, path: "/reset-password" });

    const browser = visitor();
    const opened = await browser.get(pathOf(myLink));
    expect(opened.path).toBe("/reset-password");
    const step = () => openSessionCookie(browser.session.sessionCookie(), stack.sessionSecret)?.step;
    const before = step();
    expect(before).toMatchObject({ name: "password-reset", email: mine });

    await browser.get(pathOf(theirLink));
    expect(step()).toEqual(before);
    const form = await browser.get("/reset-password");
    expect(form.body).toContain(mine);
  });
});
