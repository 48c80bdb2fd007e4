// Internals never reach visitors (issue 11), checked on the production build: Directus's own error
// text, Directus paths and item ids in Server-Timing, shared caches keeping personalised pages, and
// responses going out without the security headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, uniqueEmail, type Reply } from "../support/http-session.ts";
import { startTestApp, type TestApp } from "../support/services.ts";
import { startStack, type Stack } from "./stack.ts";

let stack: Stack;
let user: HttpSession;
let postId: string;

beforeAll(async () => {
  stack = await startStack();
  user = new HttpSession(stack.app.url);
  await user.register(uniqueEmail("leaks"));
  const created = await user.post("/posts/new", { title: "Taken title 4711", content: "First" });
  postId = created.path.match(/^\/posts\/(\d+)$/)?.[1] ?? "";
  expect(postId, created.path).not.toBe("");
});
afterAll(async () => {
  await stack?.stop();
});

/** Fragments of the messages Directus wrote for the errors provoked below (captured from Directus 11.17). */
const DIRECTUS_TEXT = [/has to be unique/i, /in collection/i, /Validation failed/i, /correct format/i, /first_name/, /"posts"/];

function directusTextIn(body: string): string | undefined {
  return DIRECTUS_TEXT.find((pattern) => pattern.test(body))?.source;
}

/** The text of the field error under one input, if any. */
function fieldError(html: string, label: string): string | undefined {
  const field = html.split('<div class="field">').find((chunk) => chunk.includes(`>${label}</label>`));
  return field?.match(/<p id="[^"]*-error" class="field-error">([^<]*)<\/p>/)?.[1];
}

describe("Directus's error text", () => {
  it("never reaches the page for a RECORD_NOT_UNIQUE: the title gets our own message", async () => {
    const unique = await stack.admin.call("PATCH", "/fields/posts/title", { schema: { is_unique: true } });
    expect(unique.status).toBe(200);
    for (const path of ["/posts/new", "/posts/new.data"]) {
      const reply = await user.post(path, { title: "Taken title 4711", content: "Second" });
      expect(reply.status, path).toBe(400);
      expect(directusTextIn(reply.body), `${path} shows Directus's text`).toBeUndefined();
      if (path === "/posts/new") expect(fieldError(reply.body, "Title")).toMatch(/already/i);
    }
  });

  it("never reaches the page for a FAILED_VALIDATION from a permission rule: the name gets our own message", async () => {
    const permissions = await stack.admin.call<Array<{ id: number | null; collection: string; action: string }>>(
      "GET",
      "/permissions?limit=-1&filter[collection][_eq]=directus_users&filter[action][_eq]=update",
    );
    const update = permissions.data.find((permission) => permission.id !== null);
    expect(update).toBeDefined();
    const rule = await stack.admin.call("PATCH", `/permissions/${update!.id}`, {
      validation: { _and: [{ first_name: { _regex: "^[A-Za-z]*$" } }] },
    });
    expect(rule.status).toBe(200);
    for (const path of ["/profile", "/profile.data"]) {
      const reply = await user.post(path, { firstName: "R2D2", lastName: "Droid" });
      expect(reply.status, path).toBe(400);
      expect(directusTextIn(reply.body), `${path} shows Directus's text`).toBeUndefined();
      if (path === "/profile") expect(fieldError(reply.body, "First name")).toBeTruthy();
    }
  });
});

/** The Server-Timing header with every duration taken out: what is left names things. */
function serverTimingNames(reply: Reply): string {
  const header = reply.headers.get("Server-Timing");
  expect(header).toBeTruthy();
  return header!.replace(/;dur=\d+(?:\.\d+)?/g, "");
}

describe("Server-Timing in production", () => {
  it("names each Directus call without its path or an item id", async () => {
    for (const path of [`/posts/${postId}`, `/posts/${postId}.data`, `/posts/${postId}/edit`, "/dashboard", "/profile.data"]) {
      const reply = await user.get(path, { follow: false });
      expect(reply.status, path).toBe(200);
      const names = serverTimingNames(reply);
      expect(names, path).not.toContain("/");
      expect(names, path).not.toMatch(/\d/);
      expect(names, path).toMatch(/(^|, )directus(,|$)/);
      expect(names, path).toMatch(/(^|, )total$/);
    }
  });

  it("details each call only when SERVER_TIMING_DETAIL=1", async () => {
    let detailed: TestApp | undefined;
    try {
      detailed = await startTestApp(stack.directus.url, { SESSION_SECRET: stack.sessionSecret, SERVER_TIMING_DETAIL: "1" });
      const reply = await fetch(new URL(`/posts/${postId}`, detailed.url), { headers: { Cookie: user.cookieHeader() } });
      expect(reply.status).toBe(200);
      expect(reply.headers.get("Server-Timing")).toContain(`desc="GET /items/posts/${postId}"`);
    } finally {
      await detailed?.stop();
    }
  });
});

describe("Cache-Control", () => {
  it("keeps every document and data response out of shared caches", async () => {
    const anonymous = new HttpSession(stack.app.url);
    const replies: Array<[string, Reply]> = [
      ["/dashboard", await user.get("/dashboard", { follow: false })],
      ["/dashboard.data", await user.get("/dashboard.data", { follow: false })],
      // React Router 8 fetches the index route's data as /_.data.
      ["/_.data", await user.get("/_.data", { follow: false })],
      [`/posts/${postId}`, await user.get(`/posts/${postId}`, { follow: false })],
      ["/ (anonymous)", await anonymous.get("/", { follow: false })],
      ["/login (anonymous)", await anonymous.get("/login", { follow: false })],
      ["/dashboard (anonymous redirect)", await anonymous.get("/dashboard", { follow: false })],
      // No route matches these, so no middleware runs for them: server.mjs covers them.
      ["/no-such-page", await user.get("/no-such-page", { follow: false })],
      ["/no-such-page.data", await user.get("/no-such-page.data", { follow: false })],
    ];
    expect(replies[0]![1].status).toBe(200);
    expect(replies[1]![1].status).toBe(200);
    for (const [label, reply] of replies) expect(reply.headers.get("Cache-Control"), label).toBe("private, no-store");
  });
});

describe("security headers", () => {
  async function assetPath(): Promise<string> {
    const page = await user.get("/dashboard");
    const asset = page.body.match(/\/assets\/[\w.-]+\.js/)?.[0];
    expect(asset).toBeTruthy();
    return asset!;
  }

  it("go out with every response, documents or not", async () => {
    const asset = await assetPath();
    const checks: Array<[string, number]> = [
      ["/healthz", 200],
      [asset, 200],
      ["/favicon.svg", 200],
      ["/assets/no-such-file.js", 404],
      ["/no-such-page", 404],
      ["/no-such-file.txt", 404],
      ["/dashboard.data", 200],
    ];
    for (const [path, status] of checks) {
      const reply = await user.get(path, { follow: false });
      expect(reply.status, path).toBe(status);
      expect(reply.headers.get("X-Content-Type-Options"), path).toBe("nosniff");
      expect(reply.headers.get("Referrer-Policy"), path).toBe("strict-origin-when-cross-origin");
      expect(reply.headers.get("X-Frame-Options"), path).toBe("DENY");
      expect(reply.headers.get("Permissions-Policy"), path).toBe("camera=(), microphone=(), geolocation=()");
      expect(reply.headers.get("Strict-Transport-Security"), path).toMatch(/^max-age=\d+/);
      expect(reply.headers.get("Cross-Origin-Opener-Policy"), path).toBe("same-origin");
      expect(reply.headers.get("Cross-Origin-Resource-Policy"), path).toBe("same-origin");
      const csp = reply.headers.get("Content-Security-Policy") ?? "";
      expect(csp, path).toContain("frame-ancestors 'none'");
      // A rendered page gets the nonce policy; anything else may load nothing at all.
      if (reply.headers.get("Content-Type")?.startsWith("text/html")) expect(csp, path).toMatch(/'nonce-[^']+'/);
      else expect(csp, path).toContain("default-src 'none'");
    }
  });

  it("leave the long immutable caching of built assets alone", async () => {
    const reply = await user.get(await assetPath(), { follow: false });
    expect(reply.headers.get("Cache-Control")).toMatch(/max-age=31536000.*immutable|immutable.*max-age=31536000/);
  });
});
