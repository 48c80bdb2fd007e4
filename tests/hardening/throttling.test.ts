// Guessing a password or a code is slowed and bounded by the app, never answered by suspending the
// account (issue 23): failed logins are throttled per account+IP, per account and per IP; every
// password or code check in a session or a half-finished login counts its failures per account on
// the server; an accepted two-factor code is not accepted twice. The app trusts X-Forwarded-For from
// loopback here, so one test acts from several IPs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, TEST_PASSWORD, uniqueEmail, type Reply } from "../support/http-session.ts";
import { openSessionCookie } from "../support/session-cookie.ts";
import { currentCode, untilCodeLasts, wrongCode } from "../support/totp.ts";
import { sleep, startStack, type Stack } from "./stack.ts";

let stack: Stack;
let ipSeq = 0;
/** A fresh documentation-range address per call: each test acts from IPs nobody else used. */
const newIp = () => `198.51.100.${++ipSeq}`;
const from = (ip: string) => ({ headers: { "X-Forwarded-For": ip } });

beforeAll(async () => {
  // Hour-long Directus sessions: a session that ends is the app's doing. The account-wide block is
  // 3 s here (15 minutes by default), so a new browser's wait stays short (known browsers never wait
  // for it: known-devices.test.ts).
  stack = await startStack({
    directusEnv: { SESSION_COOKIE_TTL: "1h" },
    appEnv: { TRUST_PROXY: "loopback", LOGIN_ACCOUNT_BLOCK_SECONDS: "3" },
  });
});
afterAll(async () => {
  await stack?.stop();
});

async function statusOf(id: string): Promise<string> {
  return ((await stack.admin.call("GET", `/users/${id}?fields=status`)).data as { status: string }).status;
}

async function tfaSecretOf(id: string): Promise<string | null> {
  return ((await stack.admin.call("GET", `/users/${id}?fields=tfa_secret`)).data as { tfa_secret: string | null }).tfa_secret;
}

/** Whether Directus takes this session-mode token (the session is alive). */
async function tokenAlive(token: string): Promise<boolean> {
  return (await fetch(`${stack.directus.url}/users/me?fields=id`, { headers: { Authorization: `Bearer ${token}` } })).status === 200;
}

const tokenOf = (client: HttpSession) => openSessionCookie(client.sessionCookie(), stack.sessionSecret)?.tokens?.accessToken;

/** Registers a user (signed in) and returns the client. */
async function member(label: string) {
  const client = new HttpSession(stack.app.url);
  const registered = await client.register(uniqueEmail(label));
  return { client, ...registered };
}

/** Turns two-factor on through the app's own set-up page ("confirm it's you" first); returns the secret. */
async function enableTwoFactor(client: HttpSession): Promise<string> {
  expect((await client.post("/profile/two-factor", { intent: "start" })).path).toBe("/confirm-its-you");
  expect((await client.confirmItsYou()).path).toBe("/profile/two-factor");
  const started = await client.post("/profile/two-factor", { intent: "start" });
  expect(started.status).toBe(200);
  const { secret } = openSessionCookie(client.sessionCookie(), stack.sessionSecret)!.step as { secret: string };
  const enabled = await client.post("/profile/two-factor", { intent: "enable", code: await currentCode(secret) });
  expect(enabled.body).toContain("Two-factor sign-in is on");
  return secret;
}

/** N wrong-password logins for `email`, each from `ipFor(i)`; the replies in order. */
async function wrongLogins(email: string, count: number, ipFor: (i: number) => string): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (let i = 0; i < count; i++) {
    replies.push(await new HttpSession(stack.app.url).post("/login", { email, password: `wrong-${i}` }, from(ipFor(i))));
  }
  return replies;
}

/** 401s, then nothing but 429s: throttled, and once throttled, staying so. */
function expectThrottledAfterSomeFailures(replies: Reply[]) {
  const statuses = replies.map((reply) => reply.status);
  expect(statuses[0]).toBe(401);
  const first429 = statuses.indexOf(429);
  expect(first429, statuses.join(",")).toBeGreaterThan(0);
  expect(statuses.slice(0, first429).every((s) => s === 401), statuses.join(",")).toBe(true);
  expect(statuses.slice(first429).every((s) => s === 429), statuses.join(",")).toBe(true);
}

function retryAfterOf(reply: Reply): number {
  const value = Number(reply.headers.get("Retry-After"));
  expect(Number.isInteger(value) && value > 0, `Retry-After: ${reply.headers.get("Retry-After")}`).toBe(true);
  return value;
}

describe("failed logins are throttled, never a suspended account", () => {
  it("30 wrong passwords from one IP: the account stays active, later attempts get 429 + Retry-After, the owner logs in from elsewhere", async () => {
    const { email, id, client: owner } = await member("throttle-pair");
    owner.clearCookies();
    const attacker = newIp();
    const replies = await wrongLogins(email, 30, () => attacker);
    expect(await statusOf(id)).toBe("active");
    expectThrottledAfterSomeFailures(replies);
    const last = replies.at(-1)!;
    expect(retryAfterOf(last)).toBeGreaterThan(0);
    expect(last.body).toMatch(/Too many failed attempts\. Try again in \d+ (seconds?|minutes?)\./);
    // The email stays in the form.
    expect(last.body).toContain(`value="${email}"`);

    // Even the right password from the attacker's IP is refused while the pair is blocked.
    const right = await new HttpSession(stack.app.url).post("/login", { email, password: TEST_PASSWORD }, from(attacker));
    expect(right.status).toBe(429);

    // The owner, elsewhere, gets in at once or after the account-wide wait (3 s in this stack).
    let reply = await owner.post("/login", { email, password: TEST_PASSWORD }, from(newIp()));
    if (reply.status === 429) {
      expect(retryAfterOf(reply)).toBeLessThanOrEqual(60);
      await sleep(retryAfterOf(reply) * 1000 + 200);
      reply = await owner.post("/login", { email, password: TEST_PASSWORD }, from(newIp()));
    }
    expect([reply.status, reply.path]).toEqual([200, "/dashboard"]);
  });

  it("failures from many IPs block the account for LOGIN_ACCOUNT_BLOCK_SECONDS, then the owner logs in", async () => {
    const { email, id, client: owner } = await member("throttle-account");
    owner.clearCookies();
    const replies = await wrongLogins(email, 30, () => newIp());
    expect(await statusOf(id)).toBe("active");
    // Each from a new IP: only the account-wide counter can refuse them, and its wait is short (3 s in
    // this stack, LOGIN_ACCOUNT_BLOCK_SECONDS). A slow machine may see a block end and
    // a new one begin within the 30, so only the waits are asserted, not where the 429s fall.
    const throttled = replies.filter((reply) => reply.status === 429);
    expect(throttled.length, replies.map((r) => r.status).join(",")).toBeGreaterThan(0);
    expect(replies.every((reply) => reply.status === 401 || reply.status === 429)).toBe(true);
    for (const reply of throttled) expect(retryAfterOf(reply)).toBeLessThanOrEqual(3);
    // The owner gets in once the wait, if any is left, is over.
    let reply = await owner.post("/login", { email, password: TEST_PASSWORD }, from(newIp()));
    if (reply.status === 429) {
      await sleep(retryAfterOf(reply) * 1000 + 200);
      reply = await owner.post("/login", { email, password: TEST_PASSWORD }, from(newIp()));
    }
    expect([reply.status, reply.path]).toEqual([200, "/dashboard"]);
  });

  it("an unknown address is throttled exactly like a known one (no enumeration)", async () => {
    const { email, client } = await member("throttle-known");
    client.clearCookies();
    const knownIp = newIp();
    const unknownIp = newIp();
    const known = await wrongLogins(email, 15, () => knownIp);
    const unknown = await wrongLogins(uniqueEmail("nobody"), 15, () => unknownIp);
    expect(unknown.map((r) => r.status)).toEqual(known.map((r) => r.status));
    expectThrottledAfterSomeFailures(unknown);
    expect(unknown.at(-1)!.body.replace(/\d+ (seconds?|minutes?)/, "N")).toContain("Too many failed attempts. Try again in N.");
  });

  it("keys by the lowercased address: changing its case does not start a new count", async () => {
    const { email, client } = await member("throttle-case");
    client.clearCookies();
    const ip = newIp();
    const replies: Reply[] = [];
    for (let i = 0; i < 30; i++) {
      const address = i % 2 ? email.toUpperCase() : email;
      replies.push(await new HttpSession(stack.app.url).post("/login", { email: address, password: `wrong-${i}` }, from(ip)));
    }
    expectThrottledAfterSomeFailures(replies);
  });
});

describe("password and code checks in a signed-in session are bounded", () => {
  it("40 wrong passwords at two-factor set-up's \"confirm it's you\", then the right one: the set-up never opens, the session has ended", async () => {
    const { client, id, email } = await member("bounded-start");
    const token = tokenOf(client)!;
    // The owner, signed in elsewhere before the guessing began.
    const owner = new HttpSession(stack.app.url);
    await owner.login(email);
    expect((await client.post("/profile/two-factor", { intent: "start", password: "wrong" })).path).toBe("/confirm-its-you");
    const replies: Reply[] = [];
    for (let i = 0; i < 40; i++) replies.push(await client.confirmItsYou(`wrong-${i}`));
    const right = await client.confirmItsYou(TEST_PASSWORD);
    expect(right.path).toMatch(/^\/login/);
    const start = await client.post("/profile/two-factor", { intent: "start" });
    expect(start.path).toMatch(/^\/login/);
    expect(start.body).not.toContain("Scan this QR code");
    expect(await tfaSecretOf(id)).toBeNull();
    expect(await tokenAlive(token)).toBe(false);
    // The login page said why, once the session ended.
    expect(replies.some((reply) => reply.path === "/login" && reply.body.includes("Too many wrong attempts"))).toBe(true);
    expect(await statusOf(id)).toBe("active");
    // The owner's other session is kept, but checks nothing until the account's window ends.
    expect((await owner.post("/profile/two-factor", { intent: "start" })).path).toBe("/confirm-its-you");
    const refused = await owner.confirmItsYou(TEST_PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatch(/Too many wrong attempts\. Try again in \d+ minutes?\./);
    expect((await owner.get("/dashboard", { follow: false })).status).toBe(200);
  });

  it("40 wrong current passwords at the password change, then the right one: nothing changes, the session has ended", async () => {
    const { client, id, email } = await member("bounded-password");
    const token = tokenOf(client)!;
    const newPassword = "a brand new password 42";
    const replies: Reply[] = [];
    for (let i = 0; i < 40; i++) {
      replies.push(await client.post("/profile/password", { currentPassword: `wrong-${i}`, password: newPassword, confirmPassword: newPassword }));
    }
    const right = await client.post("/profile/password", { currentPassword: TEST_PASSWORD, password: newPassword, confirmPassword: newPassword });
    expect(right.path).toMatch(/^\/login/);
    expect(await tokenAlive(token)).toBe(false);
    expect(replies.some((reply) => reply.path === "/login" && reply.body.includes("Too many wrong attempts"))).toBe(true);
    expect(await statusOf(id)).toBe("active");
    // The old password still opens the account; another session checks no password for now.
    const owner = new HttpSession(stack.app.url);
    await owner.login(email);
    const refused = await owner.post("/profile/password", { currentPassword: TEST_PASSWORD, password: newPassword, confirmPassword: newPassword });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatch(/Too many wrong attempts\. Try again in \d+ minutes?\./);
    expect((await owner.get("/dashboard", { follow: false })).status).toBe(200);
  });

  it("40 wrong codes when turning two-factor off, then the right one: it stays on, the session has ended", async () => {
    const { client, id } = await member("bounded-disable");
    const secret = await enableTwoFactor(client);
    const token = tokenOf(client)!;
    const replies: Reply[] = [];
    for (let i = 0; i < 40; i++) replies.push(await client.post("/profile/two-factor", { intent: "disable", code: wrongCode(secret) }));
    await client.post("/profile/two-factor", { intent: "disable", code: await currentCode(secret) });
    expect(await tfaSecretOf(id)).not.toBeNull();
    expect(await tokenAlive(token)).toBe(false);
    expect(replies.some((reply) => reply.path === "/login" && reply.body.includes("Too many wrong attempts"))).toBe(true);
  });
});

describe("the login code step", () => {
  /** A user with two-factor on, signed out. */
  async function twoFactorMember(label: string) {
    const { client, email, id } = await member(label);
    const secret = await enableTwoFactor(client);
    await client.logout();
    return { email, id, secret };
  }

  async function atCodeStep(email: string): Promise<HttpSession> {
    const client = new HttpSession(stack.app.url);
    const reply = await client.post("/login", { email, password: TEST_PASSWORD }, from(newIp()));
    expect([reply.status, reply.path]).toEqual([200, "/login/code"]);
    return client;
  }

  it("counts wrong codes per account on the server: replaying the step's cookie resets nothing", async () => {
    const { email, secret } = await twoFactorMember("code-replay");
    const client = await atCodeStep(email);
    const stepCookie = client.cookieHeader();
    const replies: Reply[] = [];
    for (let i = 0; i < 8; i++) {
      replies.push(await client.post("/login/code", { intent: "verify", code: wrongCode(secret) }, { cookie: stepCookie }));
    }
    // The login started over after five, however often the step's cookie came back.
    expect(replies.slice(0, 4).map((r) => r.path)).toEqual(Array(4).fill("/login/code"));
    expect(replies.slice(4).every((r) => r.path === "/login"), replies.map((r) => r.path).join(",")).toBe(true);
    expect(replies[4]!.body).toContain("Too many wrong codes");
    // Even the right code, with the replayed cookie, does not sign in now.
    const right = await client.post("/login/code", { intent: "verify", code: await currentCode(secret) }, { cookie: stepCookie });
    expect(right.path).toBe("/login");
    // Nor does a new login: the count is the account's, not the login's.
    const again = await atCodeStep(email);
    const refused = await again.post("/login/code", { intent: "verify", code: await currentCode(secret) });
    expect(refused.path).toBe("/login");
  });

  it("an accepted code is not accepted again, at the code step or to turn two-factor off", async () => {
    const { email, id, secret } = await twoFactorMember("code-once");
    await untilCodeLasts(15);
    const code = await currentCode(secret);
    const first = await atCodeStep(email);
    const signedIn = await first.post("/login/code", { intent: "verify", code });
    expect(signedIn.path).toBe("/dashboard");

    const second = await atCodeStep(email);
    const replayed = await second.post("/login/code", { intent: "verify", code });
    expect(replayed.path).toBe("/login/code");
    expect(replayed.status).toBe(401);

    const off = await first.post("/profile/two-factor", { intent: "disable", code });
    expect(off.status).toBe(400);
    expect(await tfaSecretOf(id)).not.toBeNull();
  });

  it("two parallel submissions of one code: only one signs in", async () => {
    const { email, secret } = await twoFactorMember("code-parallel");
    await untilCodeLasts(15);
    const [a, b] = [await atCodeStep(email), await atCodeStep(email)];
    const code = await currentCode(secret);
    const replies = await Promise.all([a, b].map((client) => client.post("/login/code", { intent: "verify", code })));
    expect(replies.map((r) => r.path).sort()).toEqual(["/dashboard", "/login/code"]);
  });
});
