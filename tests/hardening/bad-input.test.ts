// Every action, fed what no browser form would send: each is answered 4xx with a message on the
// page, never 5xx, never a stack trace, and Directus ends up exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { emailedLink, SUBJECTS } from "../support/mail.ts";
import { NUL, postPayload as post, problem, urlencoded, variants, type Payload } from "./bad-payloads.ts";
import { startStack, type Stack } from "./stack.ts";

let stack: Stack;
let user: HttpSession;
let userId: string;
let postId: string;
let anonymous: HttpSession;
/** A browser that opened a password-reset link for the user: its session holds the reset step. */
let resetter: HttpSession;

beforeAll(async () => {
  stack = await startStack();
  user = new HttpSession(stack.app.url);
  let email: string;
  ({ id: userId, email } = await user.register(uniqueEmail("bad-input")));
  resetter = new HttpSession(stack.app.url);
  const since = Date.now();
  await resetter.post("/forgot-password", { email });
  const link = new URL(await emailedLink(stack.directus.mailDir, { to: email, subject: SUBJECTS.reset, since, path: "/reset-password" }));
  expect((await resetter.get(link.pathname + link.search)).path).toBe("/reset-password");
  await user.post("/profile", { firstName: "Stable", lastName: "Name" });
  const created = await user.post("/posts/new", { title: "Stable title", content: "Stable content" });
  postId = created.path.match(/^\/posts\/(\d+)$/)?.[1] ?? "";
  expect(postId, created.path).not.toBe("");
  anonymous = new HttpSession(stack.app.url);
});
afterAll(async () => {
  await stack?.stop();
});

const EMOJI = "😀";

/** Variants that are not an HTML form submission at all: refused even by actions that take no fields. */
const notAForm = (payload: Payload) => payload.contentType !== "application/x-www-form-urlencoded";
/** A value past the field size limit: the body is refused (413) before any action reads it. */
const overFieldLimit = (payload: Payload) => payload.label.endsWith(" 1 MB");

type Action = { name: string; path: () => string; as: () => HttpSession; payloads: () => Payload[] };

const actions: Action[] = [
  {
    name: "/login",
    path: () => "/login",
    as: () => anonymous,
    payloads: () => [
      ...variants([["email", "someone@example.com"], ["password", "a password"]], ["email", "password"]),
      urlencoded("email with emoji", [["email", `${EMOJI}@example.com`], ["password", "a password"]]),
    ],
  },
  {
    name: "/register",
    path: () => "/register",
    as: () => anonymous,
    payloads: () => [
      ...variants([["email", uniqueEmail("never")], ["password", "a long enough password"]], ["email", "password"]),
      // Directus takes unusual addresses (josé@, 😀@); a top-level domain that does not exist it refuses.
      urlencoded("email with an unknown top-level domain", [["email", `${uniqueEmail("never")}.zzzz`], ["password", "a long enough password"]]),
      urlencoded("password with NUL", [["email", uniqueEmail("nul")], ["password", `long enough ${NUL}`]]),
    ],
  },
  {
    name: "/profile/password",
    path: () => "/profile/password",
    as: () => user,
    // The current password is wrong, so no variant can change anything.
    payloads: () =>
      variants([["currentPassword", "not the password"], ["password", "a new passphrase"], ["confirmPassword", "a new passphrase"]], ["password", "confirmPassword"], ["currentPassword"]),
  },
  {
    name: "/profile/email",
    path: () => "/profile/email",
    as: () => user,
    // Not confirmed ("confirm it's you"), so a valid address would only be kept and the browser sent to confirm.
    payloads: () => variants([["email", uniqueEmail("moved")]], ["email"]),
  },
  {
    name: "/confirm-its-you",
    path: () => "/confirm-its-you",
    as: () => user,
    // Nothing waits for confirmation, and the password is wrong: no variant can confirm anything.
    payloads: () => variants([["intent", "password"], ["password", "not the password"]], ["intent", "password"]),
  },
  {
    name: "/posts/new",
    path: () => "/posts/new",
    as: () => user,
    payloads: () => [
      ...variants([["title", "A title"], ["content", "Some content"]], ["title"], ["content"]),
      urlencoded("title of spaces", [["title", "   "], ["content", "x"]]),
      urlencoded("emoji title with a NUL", [["title", `${EMOJI}${NUL}`], ["content", "x"]]),
    ],
  },
  {
    name: "/posts/<id>/edit",
    path: () => `/posts/${postId}/edit`,
    as: () => user,
    payloads: () => variants([["title", "A new title"], ["content", "New content"]], ["title"], ["content"]),
  },
  {
    name: "/posts/<id>/delete",
    path: () => `/posts/${postId}/delete`,
    as: () => user,
    // Deleting takes no fields; only what is not an HTML form submission at all is wrong here.
    payloads: () => variants([["confirm", "yes"]], ["confirm"]).filter(notAForm),
  },
  {
    name: "/profile",
    path: () => "/profile",
    as: () => user,
    // Empty names are a valid profile (the name falls back to the email), so "every field empty" is not bad input here.
    payloads: () =>
      variants([["firstName", "New"], ["lastName", "Name"]], ["firstName", "lastName"]).filter(
        (payload) => payload.label !== "every field empty",
      ),
  },
  {
    name: "/profile/sessions",
    path: () => "/profile/sessions",
    as: () => user,
    // A handle of the right shape; every variant breaks it or the intent, so no session ends.
    payloads: () => variants([["intent", "end"], ["session", "A".repeat(43)]], ["intent", "session"]),
  },
  {
    name: "/forgot-password",
    path: () => "/forgot-password",
    as: () => anonymous,
    payloads: () => variants([["email", "someone@example.com"]], ["email"]),
  },
  {
    name: "/reset-password",
    path: () => "/reset-password",
    as: () => resetter,
    // Two different passwords: no variant of them may come out valid and reset the password.
    payloads: () => variants([["password", "a new passphrase"], ["confirmPassword", "another passphrase"]], ["password", "confirmPassword"]),
  },
  {
    name: "/verify-email",
    path: () => "/verify-email",
    as: () => anonymous,
    // Sending the link again takes no fields; only what is not an HTML form submission at all is wrong here.
    payloads: () => variants([["resend", "yes"]], ["resend"]).filter(notAForm),
  },
  {
    name: "/confirm-email",
    path: () => "/confirm-email",
    as: () => anonymous,
    // A token shaped like the extension's, for this user and unexpired, but not signed by Directus.
    payloads: () => variants([["token", forgedEmailChangeToken()]], ["token"]),
  },
  {
    name: "/login/unlock (asking for a link)",
    path: () => "/login/unlock",
    as: () => anonymous,
    payloads: () => variants([["intent", "send"], ["email", "someone@example.com"]], ["email"]),
  },
  {
    name: "/login/unlock (using a link)",
    path: () => "/login/unlock",
    as: () => anonymous,
    // A token shaped like the extension's unlock link, unexpired, but not signed by Directus.
    payloads: () => variants([["intent", "unlock"], ["token", forgedUnlockToken()]], ["token"]),
  },
];

function forgedUnlockToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = { scope: "device-unlock", id: userId, bound: "x", jti: "x", exp: Math.floor(Date.now() / 1000) + 600, iss: "account-security" };
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}.bm90LXNpZ25lZA`;
}

function forgedEmailChangeToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = { scope: "email-change", id: userId, email: uniqueEmail("forged"), bound: "x", exp: Math.floor(Date.now() / 1000) + 3600, iss: "account-security" };
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}.bm90LXNpZ25lZA`;
}

const BAD_IDS = ["abc", "-1", encodeURIComponent("../users"), "99999999", "1e3", "0x10", "01", "2147483648"];

async function snapshot() {
  const post = await stack.admin.call("GET", `/items/posts/${postId}?fields=title,content`);
  const profile = await stack.admin.call("GET", `/users/${userId}?fields=first_name,last_name,email`);
  return { users: await stack.admin.count("users"), posts: await stack.admin.count("posts"), post: post.data, profile: profile.data };
}

describe("bad input to every action", () => {
  for (const action of actions) {
    it(`${action.name} refuses malformed submissions`, async () => {
      const before = await snapshot();
      const problems: string[] = [];
      for (const payload of action.payloads()) {
        const reply = await post(action.as(), action.path(), payload);
        const found = problem(reply, `${action.name} ← ${payload.label}`);
        if (found) problems.push(found);
      }
      expect(problems).toEqual([]);
      // Still signed in as before (a refused form must not end the session)...
      if (action.as() === user) expect((await user.get("/dashboard", { follow: false })).status).toBe(200);
      // ...and nothing at Directus changed.
      expect(await snapshot()).toEqual(before);
    });
  }

  it("refuses malformed post ids on every post action and page", async () => {
    const before = await snapshot();
    const problems: string[] = [];
    for (const id of BAD_IDS) {
      for (const suffix of ["", "/edit", "/delete"]) {
        const path = `/posts/${id}${suffix}`;
        problems.push(problem(await user.get(path, { follow: false }), `GET ${path}`) ?? "");
        if (suffix) {
          const fields: Record<string, string> = suffix === "/edit" ? { title: "Changed", content: "Changed" } : {};
          problems.push(problem(await user.post(path, fields, { follow: false }), `POST ${path}`) ?? "");
        }
      }
    }
    expect(problems.filter(Boolean)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it("/logout refuses what is not a form or is too large, signs out on any other form, and never fails", async () => {
    const problems: string[] = [];
    const { email } = await new HttpSession(stack.app.url).register(uniqueEmail("logout"));
    for (const payload of variants([["x", "y"]], ["x"])) {
      const client = new HttpSession(stack.app.url);
      await client.login(email);
      const reply = await post(client, "/logout", payload);
      const what = `/logout ← ${payload.label}`;
      const signedIn = (await client.get("/dashboard", { follow: false })).status === 200;
      if (notAForm(payload) || overFieldLimit(payload)) {
        // Refused like every other form (a message on the page), and the session stays.
        const found = problem(reply, what);
        if (found) problems.push(found);
        if (!signedIn) problems.push(`${what}: signed out anyway`);
      } else {
        if (reply.status !== 302 || reply.headers.get("Location") !== "/login") problems.push(`${what}: ${reply.status}`);
        if (signedIn) problems.push(`${what}: still signed in`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("unusual addresses Directus takes", () => {
  it.each(["josé", "a!b", EMOJI])("%s@… registers, logs out and logs in again through the app", async (local) => {
    const client = new HttpSession(stack.app.url);
    const { email } = await client.register(uniqueEmail(local));
    expect((await client.logout()).path).toBe("/login");
    const again = await client.login(email);
    expect(again.path).toBe("/dashboard");
  });
});

describe("bodies built to stall the server", () => {
  const MB3 = 3 * 1024 * 1024;
  // 80,000 distinct names (about 420 KB) took the server 30-50 s of blocked event loop when every
  // name was looked up again in the whole form; now the parser stops at the field-count limit.
  const manyNames = urlencoded(
    "80,000 field names",
    Array.from({ length: 80_000 }, (_, i): [string, string] => [i.toString(36), ""]),
  );
  const manyParts: Payload = {
    label: "10,000 multipart fields",
    body: () => {
      const form = new FormData();
      for (let i = 0; i < 10_000; i++) form.append(`f${i}`, "");
      return form;
    },
  };
  const declaredTooLarge: Payload = { label: "a 3 MB value", contentType: "application/x-www-form-urlencoded", body: () => `email=${"x".repeat(MB3)}` };

  it("answers each with 413 and a message, at login as at any action", async () => {
    const problems: string[] = [];
    for (const payload of [manyNames, manyParts, declaredTooLarge]) {
      const reply = await post(anonymous, "/login", payload);
      const what = `/login ← ${payload.label}`;
      if (reply.status !== 413) problems.push(`${what}: answered ${reply.status}`);
      const found = problem(reply, what);
      if (found) problems.push(found);
    }
    expect(problems).toEqual([]);
    expect((await anonymous.get("/login")).status).toBe(200);
  });

  it("answers 413 to a 3 MB body that declares no length, while it is still being sent", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= MB3) return controller.close();
        controller.enqueue(sent === 0 ? new TextEncoder().encode("email=") : chunk);
        sent += chunk.byteLength;
      },
    });
    const response = await fetch(new URL("/login", stack.app.url), {
      method: "POST",
      body,
      duplex: "half",
      headers: { Origin: anonymous.origin, "Content-Type": "application/x-www-form-urlencoded" },
    } as RequestInit);
    const page = await response.text();
    expect(problem({ status: response.status, body: page }, "/login ← 3 MB without a length")).toBeNull();
    expect(response.status).toBe(413);
    expect((await anonymous.get("/login")).status).toBe(200);
  });
});
