// An email change against the production build and the real extension, played as the people who
// could hold its links: whoever holds the new mailbox (an owner's typo), signed out or signed in to
// an account of their own, cannot confirm it; the owner can, after signing in from the link; the old
// address's notice cancels it; and a session that asks again and again mails a bounded few, answered
// alike (docs/decisions/015).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailedLink, emailsTo, SUBJECTS } from "../support/mail.ts";
import { TEST_PASSWORD, uniqueEmail, type Reply } from "../support/http-session.ts";
import { sleep, startStack, visitors, type Stack } from "./stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ appEnv: { TRUST_PROXY: "true" } });
});
afterAll(async () => {
  await stack?.stop();
});

/** Browsers at addresses of their own (from 203.0.113.0/24 up), so the per-IP bound counts each alone. */
const visitor = visitors(() => stack.app.url, [203, 0, 113]);
type Visitor = ReturnType<typeof visitor>;

/** A registered account, signed in in a browser at an address of its own. */
async function account(label: string) {
  const browser = visitor();
  const { email, id } = await browser.session.register(uniqueEmail(label));
  return { ...browser, email, id };
}

/**
 * Asks for an email change (not following the answer); the first time through "confirm it's you"
 * with the password (docs/decisions/023), which then holds for the few minutes a test takes.
 * `headers`: another address to ask from than the browser's own.
 */
async function requestChange(browser: Visitor, newEmail: string, headers?: Record<string, string>): Promise<Reply> {
  const ask = () => (headers ? browser.session.post("/profile/email", { email: newEmail }, { follow: false, headers }) : browser.post("/profile/email", { email: newEmail }));
  const reply = await ask();
  if (reply.headers.get("Location") !== "/confirm-its-you") return reply;
  const confirmed = await browser.post("/confirm-its-you", { intent: "password", password: TEST_PASSWORD }, true);
  expect(confirmed.path).toBe("/profile/email");
  return ask();
}

const pathOf = (link: string) => {
  const url = new URL(link);
  return url.pathname + url.search;
};

async function emailOf(id: string): Promise<string> {
  return (await stack.admin.call<{ email: string }>("GET", `/users/${id}?fields=email`)).data.email;
}

/** The owner asks to move to `newEmail`; the link mailed there and the cancel link mailed to the old address. */
async function askChange(owner: Visitor & { email: string }, newEmail: string) {
  const since = Date.now();
  const asked = await requestChange(owner, newEmail);
  expect(asked.headers.get("Location")).toBe("/profile");
  const mailDir = stack.directus.mailDir;
  const confirm = await emailedLink(mailDir, { to: newEmail, subject: SUBJECTS.confirmEmailChange, since, path: "/confirm-email" });
  const cancel = () => emailedLink(mailDir, { to: owner.email, subject: SUBJECTS.emailChangeAsked, since, path: "/confirm-email" });
  return { confirm, cancel };
}

/** Opens a link as a browser does; the token must leave the address bar at once. */
async function open(browser: Visitor, link: string): Promise<Reply> {
  const page = await browser.get(pathOf(link));
  expect(page.redirects).toEqual(["/confirm-email"]);
  expect(page.body).not.toContain(new URL(link).searchParams.get("token") ?? new URL(link).searchParams.get("cancel"));
  return page;
}

describe("only the account that asked confirms an email change", () => {
  it("the holder of the new mailbox, not signed in, cannot confirm: the page asks for the account's sign-in, and Directus refuses the bare link", async () => {
    const owner = await account("owner");
    const newEmail = uniqueEmail("typo");
    const { confirm } = await askChange(owner, newEmail);

    const holder = visitor();
    await holder.get(pathOf(confirm));
    // What the page used to take (the token posted with its button) confirms nothing now.
    const token = new URL(confirm).searchParams.get("token")!;
    const posted = await holder.post("/confirm-email", { token });
    expect(await emailOf(owner.id)).toBe(owner.email);
    expect(posted.status).toBe(401);
    expect(posted.body).toContain("Only the account that asked for this change can confirm it.");
    // Nor does a script that calls Directus itself.
    const direct = await fetch(`${stack.directus.url}/account-security/email-change/confirm`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token }),
    });
    expect(direct.status).toBe(401);
    expect(await emailOf(owner.id)).toBe(owner.email);
    // The page says what it takes, and offers no button that could not work.
    const page = await open(visitor(), confirm);
    expect(page.body).toContain("Only the account that asked for this change can confirm it.");
    expect(page.body).not.toContain("Confirm the new address</button>");
  });

  it("signed in as another account, the link is refused, clearly, and changes nothing", async () => {
    const owner = await account("owner");
    const newEmail = uniqueEmail("typo");
    const { confirm } = await askChange(owner, newEmail);

    const holder = await account("holder");
    await holder.get(pathOf(confirm));
    const posted = await holder.post("/confirm-email", { token: new URL(confirm).searchParams.get("token")! });
    expect(await emailOf(owner.id)).toBe(owner.email);
    expect(await emailOf(holder.id)).toBe(holder.email);
    expect(posted.status).toBe(403);
    expect(posted.body).toContain("This link is for another account");
    const page = await open(holder, confirm);
    expect(page.body).toContain("This link is for another account");
  });

  it("the owner, signing in from the link in a new browser, comes back to it and confirms", async () => {
    const owner = await account("owner");
    const newEmail = uniqueEmail("moved");
    const { confirm } = await askChange(owner, newEmail);

    const elsewhere = visitor();
    const page = await open(elsewhere, confirm);
    expect(page.body).toContain("/login?redirectTo=%2Fconfirm-email");
    const signedIn = await elsewhere.post("/login", { email: owner.email, password: TEST_PASSWORD, redirectTo: "/confirm-email" }, true);
    expect(signedIn.path).toBe("/confirm-email");
    expect(signedIn.body).toContain("Confirm the new address</button>");
    const confirmed = await elsewhere.post("/confirm-email", {}, true);
    expect(confirmed.path).toBe("/login");
    expect(confirmed.body).toContain(`Your email address is now ${newEmail}.`);
    expect(await emailOf(owner.id)).toBe(newEmail);
    // Directus ended every session of the account, the one that asked included.
    expect((await owner.get("/dashboard")).path).toMatch(/^\/login\?/);
  });

  it("the cancel link in the old address's notice voids the change without signing in, once; the confirmation link then changes nothing", async () => {
    const owner = await account("owner");
    const newEmail = uniqueEmail("unwanted");
    const { confirm, cancel } = await askChange(owner, newEmail);
    const cancelLink = await cancel();
    expect(new URL(cancelLink).searchParams.has("cancel")).toBe(true);

    const anyone = visitor();
    const page = await open(anyone, cancelLink);
    expect(page.body).toContain("Cancel the change</button>");
    const cancelled = await anyone.post("/confirm-email", {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toContain("The change is cancelled");
    await open(anyone, cancelLink);
    const again = await anyone.post("/confirm-email", {});
    expect(again.status).toBe(409);

    await open(owner, confirm);
    const confirmed = await owner.post("/confirm-email", {});
    expect(confirmed.status).toBe(409);
    expect(confirmed.body).toContain("This change was cancelled");
    expect(await emailOf(owner.id)).toBe(owner.email);
  });
});

describe("email-change mails are bounded", () => {
  /** The page a request's answer leads to, with the address it named taken out. */
  async function answerOf(browser: Visitor, newEmail: string) {
    const reply = await requestChange(browser, newEmail);
    const next = await browser.get(reply.headers.get("Location") ?? "/profile/email");
    return { status: reply.status, location: reply.headers.get("Location"), page: next.body.replaceAll(newEmail, "ADDRESS").replace(/nonce="[^"]*"/g, "") };
  }

  async function mailsTo(addresses: string[], since: number) {
    // Mail leaves after the answer.
    await sleep(2_000);
    const found = await Promise.all(addresses.map((to) => emailsTo(stack.directus.mailDir, { to, subject: SUBJECTS.confirmEmailChange, since })));
    return found.flat().length;
  }

  it("twelve requests from one account mail three links, and every answer is the same", async () => {
    const owner = await account("inbox");
    const since = Date.now();
    const [local, domain] = owner.email.split("@");
    const addresses = Array.from({ length: 12 }, (_, i) => `${local}+${i + 1}@${domain}`);
    const answers = [];
    for (const address of addresses) answers.push(await answerOf(owner, address));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([302]));
    expect(new Set(answers.map((a) => a.location))).toEqual(new Set(["/profile"]));
    expect(new Set(answers.map((a) => a.page)).size).toBe(1);
    expect(answers[0]!.page).toContain("We sent a link to ADDRESS; your address changes once you open it.");
    expect(await mailsTo(addresses, since)).toBe(3);
    expect(await emailsTo(stack.directus.mailDir, { to: owner.email, subject: SUBJECTS.emailChangeAsked, since })).toHaveLength(3);
  });

  it("accounts asking from one IP mail at most ten links an hour between them", async () => {
    const since = Date.now();
    const first = await account("shared-ip");
    const ip = { "X-Forwarded-For": "198.18.0.7" };
    const addresses: string[] = [];
    for (let n = 0; n < 4; n++) {
      const browser = n === 0 ? first : await account("shared-ip");
      for (let i = 0; i < 3; i++) {
        const address = uniqueEmail(`from-shared-ip-${n}-${i}`);
        addresses.push(address);
        const reply = await requestChange(browser, address, ip);
        expect(reply.headers.get("Location")).toBe("/profile");
      }
    }
    expect(await mailsTo(addresses, since)).toBe(10);
  });
});
