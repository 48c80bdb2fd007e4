// Nothing a person writes is lost (issue 20), at the HTTP level, on two app processes sharing one
// Directus: the same new-post form sent twice makes one post, a save over a post that changed since
// its form opened is refused with what is there now, and a form sent after its session ended answers
// with a login that carries the draft and saves it once the same account is back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, TEST_PASSWORD, uniqueEmail, type Reply } from "../support/http-session.ts";
import { directusRest } from "../support/directus-rest.ts";
import { currentCode } from "../support/totp.ts";
import { startStack, type Stack } from "./stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ appCount: 2, directusEnv: { ACCESS_TOKEN_TTL: "1h", SESSION_COOKIE_TTL: "1h" } });
});
afterAll(async () => {
  await stack?.stop();
});

const unescape = (text: string) =>
  text.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The hidden inputs of a page, as a browser would send them. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = tag.match(/name="([^"]*)"/)?.[1];
    if (name) fields[name] = unescape(tag.match(/value="([^"]*)"/)?.[1] ?? "");
  }
  return fields;
}

/** The hidden fields of the page's form that has an input named `input` (a page can offer two ways on, each its own form). */
function fieldsOfFormWith(html: string, input: string): Record<string, string> {
  const form = [...html.matchAll(/<form[\s\S]*?<\/form>/g)].map(([tag]) => tag).find((tag) => tag.includes(`name="${input}"`));
  expect(form, `a form with the input ${input}`).toBeDefined();
  return hiddenFields(form!);
}

/** A form post to one app instance, from a page of that instance (behind a load balancer both share one origin). */
function postTo(client: HttpSession, url: string, fields: Record<string, string>) {
  return client.post(url, fields, { follow: false, headers: { Origin: new URL(url).origin } });
}

const postIdOf = (reply: Reply) => Number(reply.headers.get("Location")?.match(/^\/posts\/(\d+)$/)?.[1]);

async function postsTitled(title: string) {
  const reply = await stack.admin.call<Array<{ id: number; content: string; user_created: string }>>(
    "GET",
    `/items/posts?filter[title][_eq]=${encodeURIComponent(title)}&fields=id,content,user_created`,
  );
  return reply.data;
}

async function signedIn(label: string, app = stack.apps[0]!) {
  const client = new HttpSession(app.url);
  const account = await client.register(uniqueEmail(label));
  return { client, ...account };
}

/** Turns two-factor sign-in on as the user, through Directus's REST API; returns the secret. */
const enableTwoFactor = (email: string) => directusRest(stack.directus.url).enableTwoFactor(email, TEST_PASSWORD);

/** Ends the session behind `client`'s cookie as a logout on another device with a copy of it does. */
async function endedElsewhere(client: HttpSession) {
  const copy = new HttpSession(client.baseUrl);
  await copy.post("/logout", {}, { cookie: client.cookieHeader() });
}

describe("a new-post form sent twice", () => {
  it("makes one post, on either app instance, and both answers lead to it; two forms make two", async () => {
    const { client } = await signedIn("twice");
    const title = `Twice ${crypto.randomUUID()}`;
    const form = hiddenFields((await client.get("/posts/new")).body);
    expect(form.formKey).toMatch(/^[0-9a-f-]{36}$/);
    const body = { ...form, title, content: "Sent twice" };

    const [first, second] = await Promise.all(stack.apps.map((app) => postTo(client, `${app.url}/posts/new`, body)));
    expect([first!.status, second!.status]).toEqual([302, 302]);
    expect(postIdOf(first!)).toBeGreaterThan(0);
    expect(postIdOf(second!)).toBe(postIdOf(first!));
    const third = await postTo(client, `${stack.apps[1]!.url}/posts/new`, body);
    expect(postIdOf(third)).toBe(postIdOf(first!));
    expect(await postsTitled(title)).toHaveLength(1);

    const other = hiddenFields((await client.get("/posts/new")).body);
    expect(other.formKey).not.toBe(form.formKey);
    expect(postIdOf(await client.post("/posts/new", { ...other, title, content: "Sent twice" }, { follow: false }))).not.toBe(postIdOf(first!));
    expect(await postsTitled(title)).toHaveLength(2);
  });

  it("another account's form key makes no post for it and reveals nothing", async () => {
    const { client, email: owner } = await signedIn("key-owner");
    const { client: other, email: thief } = await signedIn("key-thief");
    const form = hiddenFields((await client.get("/posts/new")).body);
    const title = `Key ${crypto.randomUUID()}`;
    expect((await client.post("/posts/new", { ...form, title, content: "" }, { follow: false })).status).toBe(302);
    const stolen = await other.post("/posts/new", { ...form, title: `${title} stolen`, content: "" }, { follow: false });
    expect(stolen.status).toBe(400);
    expect(await postsTitled(`${title} stolen`)).toHaveLength(0);
    // Nobody reads another's form keys through Directus either; the author does.
    const keyAs = async (email: string) => {
      const login = await fetch(`${stack.directus.url}/auth/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email, password: TEST_PASSWORD }),
      });
      const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
      const read = await fetch(`${stack.directus.url}/items/posts?filter[title][_eq]=${encodeURIComponent(title)}&fields=id,form_key`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return read.status === 200 ? ((await read.json()) as { data: Array<{ form_key?: string | null }> }).data[0]?.form_key ?? null : null;
    };
    expect(await keyAs(thief)).toBeNull();
    expect(await keyAs(owner)).toBe(form.formKey);
  });
});

describe("two pages editing one post", () => {
  it("the later save is refused with what is there now and keeps its text; Save anyway saves it (across instances)", async () => {
    const { client } = await signedIn("two-tabs");
    const created = await client.post("/posts/new", { ...hiddenFields((await client.get("/posts/new")).body), title: "Two tabs", content: "Original" }, { follow: false });
    const id = postIdOf(created);
    const [tabA, tabB] = stack.apps.map((app) => `${app.url}/posts/${id}/edit`) as [string, string];
    const formA = hiddenFields((await client.get(tabA)).body);
    const formB = hiddenFields((await client.get(tabB)).body);

    expect((await postTo(client, tabA, { ...formA, title: "Two tabs", content: "Written in tab A" })).status).toBe(302);
    const refused = await postTo(client, tabB, { ...formB, title: "Two tabs", content: "Written in tab B" });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain("This post was changed since you opened it");
    expect(refused.body).toContain("Written in tab A"); // what is there now
    expect(refused.body).toContain("Written in tab B"); // the person's text, still in the form
    expect(refused.body).toContain("Save anyway");
    expect((await postsTitled("Two tabs")).find((p) => p.id === id)?.content).toBe("Written in tab A");

    const anyway = await postTo(client, tabB, { ...hiddenFields(refused.body), title: "Two tabs", content: "Written in tab B" });
    expect(anyway.status).toBe(302);
    expect((await postsTitled("Two tabs")).find((p) => p.id === id)?.content).toBe("Written in tab B");
    // And tab A's old form is now the stale one.
    expect((await postTo(client, tabA, { ...formA, title: "Two tabs", content: "A again" })).status).toBe(409);
  });

  it("the window: of saves sent one after another from the same opened form, only the first is applied", async () => {
    const { client } = await signedIn("window");
    const created = await client.post("/posts/new", { ...hiddenFields((await client.get("/posts/new")).body), title: "Window", content: "0" }, { follow: false });
    const id = postIdOf(created);
    const form = hiddenFields((await client.get(`/posts/${id}/edit`)).body);
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) {
      const app = stack.apps[i % 2]!;
      statuses.push((await postTo(client, `${app.url}/posts/${id}/edit`, { ...form, title: "Window", content: String(i) })).status);
    }
    expect(statuses).toEqual([302, 409, 409, 409, 409, 409]);
    expect((await postsTitled("Window")).find((p) => p.id === id)?.content).toBe("1");
  });
});

describe("a draft across the end of a session", () => {
  it("new post: the answer is a login carrying the draft (not in a URL or cookie); logging in saves it once", async () => {
    const { client, email } = await signedIn("draft-new");
    const form = hiddenFields((await client.get("/posts/new")).body);
    await endedElsewhere(client);
    const title = `Draft ${crypto.randomUUID()}`;
    const content = `Long & "quoted" <text>\nline two ${"x".repeat(20_000)}`;

    const answer = await postTo(client, `${stack.apps[1]!.url}/posts/new`, { ...form, title, content });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Location")).toBeNull();
    expect(answer.body).toContain("Log in to save your work");
    const draft = hiddenFields(answer.body);
    expect(draft).toMatchObject({ title, content, formKey: form.formKey, draftStep: "password" });
    for (const cookie of answer.headers.getSetCookie()) {
      expect(cookie.length).toBeLessThan(4096);
      expect(cookie).not.toContain("quoted");
    }
    expect(await postsTitled(title)).toHaveLength(0);

    const wrong = await client.post("/posts/new", { ...draft, email, password: "not the password" }, { follow: false });
    expect(wrong.status).toBe(401);
    expect(hiddenFields(wrong.body)).toMatchObject({ title, content });

    const saved = await client.post("/posts/new", { ...hiddenFields(wrong.body), email, password: TEST_PASSWORD }, { follow: false });
    expect(saved.status).toBe(302);
    const posts = await postsTitled(title);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.content).toBe(content);
    expect(postIdOf(saved)).toBe(posts[0]!.id);
    // The same login-and-save sent again still makes one post.
    await postTo(client, `${stack.apps[1]!.url}/posts/new`, { ...hiddenFields(wrong.body), email, password: TEST_PASSWORD });
    expect(await postsTitled(title)).toHaveLength(1);
  });

  it("with two-factor sign-in: the code is asked on the same page, the draft still carried, then saved once", async () => {
    const { client, email } = await signedIn("draft-2fa");
    const secret = await enableTwoFactor(email);
    const form = hiddenFields((await client.get("/posts/new")).body);
    await endedElsewhere(client);
    const title = `Two-factor draft ${crypto.randomUUID()}`;
    const answer = await client.post("/posts/new", { ...form, title, content: "Kept through the code" }, { follow: false });
    const codeStep = await client.post("/posts/new", { ...hiddenFields(answer.body), email, password: TEST_PASSWORD }, { follow: false });
    expect(codeStep.status).toBe(200);
    expect(codeStep.body).toContain("Enter your sign-in code");
    expect(fieldsOfFormWith(codeStep.body, "code")).toMatchObject({ title, content: "Kept through the code", draftStep: "code" });
    expect(await postsTitled(title)).toHaveLength(0);

    const saved = await client.post("/posts/new", { ...fieldsOfFormWith(codeStep.body, "code"), intent: "verify", code: await currentCode(secret) }, { follow: false });
    expect(saved.status).toBe(302);
    const posts = await postsTitled(title);
    expect(posts).toHaveLength(1);
    expect(postIdOf(saved)).toBe(posts[0]!.id);
  });

  it("another account signing in gets the draft shown again, not saved under its name", async () => {
    const { client } = await signedIn("draft-owner");
    const { email: otherEmail } = await signedIn("draft-other");
    const form = hiddenFields((await client.get("/posts/new")).body);
    await endedElsewhere(client);
    const title = `Not theirs ${crypto.randomUUID()}`;
    const answer = await client.post("/posts/new", { ...form, title, content: "Mine" }, { follow: false });
    const reply = await client.post("/posts/new", { ...hiddenFields(answer.body), email: otherEmail, password: TEST_PASSWORD }, { follow: false });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain("not as the account that wrote this");
    expect(reply.body).toContain(title);
    expect(await postsTitled(title)).toHaveLength(0);
  });

  it("edit: the draft is kept through login and saved once", async () => {
    const { client, email } = await signedIn("draft-edit");
    const created = await client.post("/posts/new", { ...hiddenFields((await client.get("/posts/new")).body), title: "Draft edit", content: "Before" }, { follow: false });
    const id = postIdOf(created);
    const form = hiddenFields((await client.get(`/posts/${id}/edit`)).body);
    await endedElsewhere(client);
    const answer = await client.post(`/posts/${id}/edit`, { ...form, title: "Draft edit", content: "After the session ended" }, { follow: false });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain("Log in to save your work");
    const saved = await client.post(`/posts/${id}/edit`, { ...hiddenFields(answer.body), email, password: TEST_PASSWORD }, { follow: false });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe(`/posts/${id}`);
    expect((await postsTitled("Draft edit")).find((p) => p.id === id)?.content).toBe("After the session ended");
  });

  it("profile: the draft is kept through login and saved", async () => {
    const { client, email, id } = await signedIn("draft-profile");
    await endedElsewhere(client);
    const answer = await client.post("/profile", { firstName: "Drafted", lastName: "Name" }, { follow: false });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain("Log in to save your work");
    const saved = await client.post("/profile", { ...hiddenFields(answer.body), email, password: TEST_PASSWORD }, { follow: false });
    expect(saved.status).toBe(200);
    expect(saved.body).toContain("Profile saved");
    const user = await stack.admin.call<{ first_name: string; last_name: string }>("GET", `/users/${id}?fields=first_name,last_name`);
    expect(user.data).toEqual({ first_name: "Drafted", last_name: "Name" });
  });

  it("a cross-site page still cannot post the draft login", async () => {
    const { client, email } = await signedIn("draft-origin");
    const form = hiddenFields((await client.get("/posts/new")).body);
    await endedElsewhere(client);
    const answer = await client.post("/posts/new", { ...form, title: "Forged draft", content: "" }, { follow: false });
    const forged = await client.post("/posts/new", { ...hiddenFields(answer.body), email, password: TEST_PASSWORD }, { follow: false, headers: { Origin: "https://evil.example" } });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(await postsTitled("Forged draft")).toHaveLength(0);
  });
});
