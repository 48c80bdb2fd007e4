// A campaign of wrong passwords from many addresses keeps an account's login blocked, but never keeps
// its owner out (issue 30, decision 013): a browser that signed in to the account before carries a
// device cookie and is counted on its own, never refused by the account-wide block. Played as a
// script would, against two app instances (sharing SESSION_SECRET), each guess from a new address
// (the apps trust X-Forwarded-For from loopback here). A new browser gets in through a link mailed to
// the account's address, which the stranger cannot read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, TEST_PASSWORD, uniqueEmail, type Reply } from "../support/http-session.ts";
import { emailedLink, emailsTo, SUBJECTS } from "../support/mail.ts";
import { sealCookieValue, unsealCookieValue } from "../../app/server/session/sealed-cookie.server.ts";
import { startStack, type Stack } from "./stack.ts";

let stack: Stack;
let ipSeq = 0;
/** A fresh documentation-range address per call: every guess of the campaign comes from elsewhere. */
const newIp = () => `203.0.${113 + Math.floor(ipSeq / 250)}.${(ipSeq++ % 250) + 1}`;

beforeAll(async () => {
  // The defaults for the login throttle: the account-wide block lasts as long as the campaign wants it to.
  stack = await startStack({ appCount: 2, appEnv: { TRUST_PROXY: "loopback" } });
});
afterAll(async () => {
  await stack?.stop();
});

// Production cookie names (the stack runs the production build).
const DEVICE_COOKIE = "__Host-device";

/** A login from `client`'s cookie jar to app instance `n`, from a new address. */
function loginAt(n: number, client: HttpSession, email: string, password: string): Promise<Reply> {
  const app = stack.apps[n]!;
  return client.post(`${app.url}/login`, { email, password }, { headers: { Origin: new URL(app.url).origin, "X-Forwarded-For": newIp() } });
}

/** `count` wrong passwords for `email`, each from a new address and a new browser, alternating between the instances. */
async function campaign(email: string, count: number): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (let i = 0; i < count; i++) replies.push(await loginAt(i % 2, new HttpSession(stack.app.url), email, `guess-${i}`));
  return replies;
}

/** Signs a browser up and out: it has signed in to the account once, so it is a known device for it. */
async function ownerWithKnownBrowser(label: string) {
  const browser = new HttpSession(stack.app.url);
  const { email } = await browser.register(uniqueEmail(label));
  await browser.logout();
  return { browser, email };
}

/** Both instances refuse a new browser with the right password: the account-wide block holds. */
async function expectBlockedForNewBrowsers(email: string) {
  for (const n of [0, 1]) {
    const reply = await loginAt(n, new HttpSession(stack.app.url), email, TEST_PASSWORD);
    expect([n, reply.status]).toEqual([n, 429]);
  }
}

describe("a campaign from many addresses keeps the account blocked, never its owner out", () => {
  it("the owner's known browser gets in at once, on either instance, however long the campaign runs", async () => {
    const { browser: owner, email } = await ownerWithKnownBrowser("campaign");
    // Logging out ended the session, not what the browser proved.
    expect(owner.cookie(DEVICE_COOKIE)).toBeDefined();

    const first = await campaign(email, 50);
    expect(first.filter((reply) => reply.status === 429).length, first.map((r) => r.status).join(",")).toBeGreaterThan(0);
    await expectBlockedForNewBrowsers(email);

    for (const n of [0, 1, 0]) {
      // The campaign renews itself between the owner's visits.
      await campaign(email, 6);
      await expectBlockedForNewBrowsers(email);
      const reply = await loginAt(n, owner, email, TEST_PASSWORD);
      expect([n, reply.status, reply.path]).toEqual([n, 200, "/dashboard"]);
      await owner.logout();
    }
  });

  it("a known browser's wrong passwords are counted against that browser: it gets its own small limit", async () => {
    const { browser: owner, email } = await ownerWithKnownBrowser("device-limit");
    await campaign(email, 50);
    await expectBlockedForNewBrowsers(email);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await loginAt(0, owner, email, `typo-${i}`)).status);
    // Wrong passwords are wrong (401), never the account's block, until the device's own limit (10).
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it("a device cookie of account A gives nothing for account B", async () => {
    const { browser: ofA } = await ownerWithKnownBrowser("device-a");
    const { email: emailB } = await ownerWithKnownBrowser("device-b");
    await campaign(emailB, 50);
    await expectBlockedForNewBrowsers(emailB);
    expect(ofA.cookie(DEVICE_COOKIE)).toBeDefined();
    const reply = await loginAt(1, ofA, emailB, TEST_PASSWORD);
    expect(reply.status).toBe(429);
  });

  it("a device cookie sealed with another secret, or tampered with, is ignored", async () => {
    const { browser: owner, email } = await ownerWithKnownBrowser("device-forged");
    await campaign(email, 50);
    await expectBlockedForNewBrowsers(email);
    const genuine = decodeURIComponent(owner.cookie(DEVICE_COOKIE)!);
    const inside = unsealCookieValue(genuine, [stack.sessionSecret]);
    expect(inside).not.toBeNull();
    // The device cookie names the account only as a keyed hash: the address is nowhere inside it.
    expect(JSON.stringify(inside)).not.toContain(email.split("@")[0]);

    const otherSecret = sealCookieValue(inside, "another secret, unknown to the app, 32+ characters");
    const tampered = `${genuine.slice(0, 20)}${genuine[20] === "A" ? "B" : "A"}${genuine.slice(21)}`;
    for (const forged of [otherSecret, tampered]) {
      const stranger = new HttpSession(stack.app.url);
      const reply = await stranger.post("/login", { email, password: TEST_PASSWORD }, {
        headers: { "X-Forwarded-For": newIp() },
        cookie: `${DEVICE_COOKIE}=${encodeURIComponent(forged)}`,
      });
      expect(reply.status).toBe(429);
    }
    // The genuine one still opens it.
    expect((await loginAt(1, owner, email, TEST_PASSWORD)).path).toBe("/dashboard");
  });
});

describe("a new browser, while the campaign lasts", () => {
  /** A form post to instance `n` from `client`, from the address `ip`. */
  function postAt(n: number, client: HttpSession, path: string, fields: Record<string, string>, ip: string): Promise<Reply> {
    const app = stack.apps[n]!;
    return client.post(`${app.url}${path}`, fields, { headers: { Origin: new URL(app.url).origin, "X-Forwarded-For": ip } });
  }

  it("is refused, is told what to do, gets a link mailed to the account's address, and then logs in", async () => {
    const { email } = await ownerWithKnownBrowser("unlock");
    await campaign(email, 50);
    const laptop = new HttpSession(stack.app.url);
    const laptopIp = newIp();
    const refused = await postAt(0, laptop, "/login", { email, password: TEST_PASSWORD }, laptopIp);
    expect(refused.status).toBe(429);
    // The page says what the owner can do, in the page itself (a plain form: with or without JavaScript).
    expect(refused.body).toContain("A browser you have logged in");
    expect(refused.body).toMatch(/<form[^>]*action="\/login\/unlock"/);
    expect(refused.body).toContain("Email me a link to unlock this browser");

    const since = Date.now();
    const asked = await postAt(1, laptop, "/login/unlock", { intent: "send", email }, laptopIp);
    expect([asked.status, new URL(asked.path, stack.app.url).pathname]).toEqual([200, "/login/unlock"]);
    expect(asked.body).toContain("Check your email");
    const link = new URL(await emailedLink(stack.directus.mailDir, { to: email, subject: SUBJECTS.unlock, since, path: "/login/unlock" }));

    // Opening the link shows a button and changes nothing yet.
    const opened = await laptop.get(link.pathname + link.search);
    expect(opened.status).toBe(200);
    expect(opened.body).toContain("Unlock this browser");
    expect((await postAt(0, laptop, "/login", { email, password: TEST_PASSWORD }, laptopIp)).status).toBe(429);

    const token = link.searchParams.get("token") ?? "";
    const unlocked = await postAt(1, laptop, "/login/unlock", { intent: "unlock", token }, laptopIp);
    expect([unlocked.status, unlocked.path]).toEqual([200, "/login"]);
    expect(unlocked.body).toContain("This browser is unlocked for your account");

    // The campaign goes on; the unlocked browser gets in, on either instance; other new browsers still do not.
    await campaign(email, 6);
    await expectBlockedForNewBrowsers(email);
    for (const n of [0, 1]) {
      const reply = await loginAt(n, laptop, email, TEST_PASSWORD);
      expect([n, reply.status, reply.path]).toEqual([n, 200, "/dashboard"]);
      await laptop.logout();
    }

    // The link works once: another browser holding it (the mail read over a shoulder, a replay) gets nothing.
    const thief = new HttpSession(stack.app.url);
    const replayed = await postAt(0, thief, "/login/unlock", { intent: "unlock", token }, newIp());
    expect(replayed.status).toBe(409);
    expect((await loginAt(0, thief, email, TEST_PASSWORD)).status).toBe(429);
  });

  it("asking for a link answers every address alike, mails only an existing account, and is bounded per address", async () => {
    const { email } = await ownerWithKnownBrowser("unlock-bounds");
    const nobody = uniqueEmail("unlock-nobody");
    await campaign(email, 50);
    await campaign(nobody, 50);
    const since = Date.now();
    const answers: string[] = [];
    for (const address of [email, nobody, email, email]) {
      const reply = await postAt(0, new HttpSession(stack.app.url), "/login/unlock", { intent: "send", email: address }, newIp());
      answers.push(`${reply.status} ${reply.body.includes("Check your email")}`);
    }
    expect(answers).toEqual(Array(4).fill("200 true"));
    await emailedLink(stack.directus.mailDir, { to: email, subject: SUBJECTS.unlock, since, path: "/login/unlock" });
    // Give a second mail time to arrive, were one sent.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await emailsTo(stack.directus.mailDir, { to: email, subject: SUBJECTS.unlock, since })).toHaveLength(1);
    expect(await emailsTo(stack.directus.mailDir, { to: nobody, subject: SUBJECTS.unlock, since })).toHaveLength(0);
  });

  it("a forged link unlocks nothing", async () => {
    const { email } = await ownerWithKnownBrowser("unlock-forged");
    await campaign(email, 50);
    const browser = new HttpSession(stack.app.url);
    const ip = newIp();
    const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify({ scope: "device-unlock", id: "x", bound: "x", jti: "x", iss: "account-security", exp: 4_000_000_000 })).toString("base64url");
    const forged = await postAt(0, browser, "/login/unlock", { intent: "unlock", token: `${header}.${payload}.${"A".repeat(43)}` }, ip);
    expect(forged.status).toBe(400);
    expect((await postAt(0, browser, "/login", { email, password: TEST_PASSWORD }, ip)).status).toBe(429);
  });
});
