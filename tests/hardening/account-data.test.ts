// "Your data" through the app, against the real Directus: nothing of another user ever appears in a
// download or on an activity page (two users, every field of the other checked, and seen on their
// own pages so the check could see it); the activity page's `before` is bounded and checked before
// any Directus call, and its pages follow one another; a download of an account with many posts
// passes through the app without the app holding it (its peak memory grows far less than the file),
// and arrives whole; a Directus failure before the first byte is a page that says so, one part-way
// cuts the download; no download carries a token, a hash or a secret.
import { createServer, request as forward, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, TEST_PASSWORD, uniqueEmail, type Reply } from "../support/http-session.ts";
import { directusSessionOf, openSessionCookie } from "../support/session-cookie.ts";
import { startTestApp, type TestApp } from "../support/services.ts";
import { leaksInternals, startStack, type Stack } from "./stack.ts";

const JWT = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/;
const NO_SUCH_PAGE = "That page of your activity does not exist.";
// Another person's browser and address, each unlike anything of the first user's.
const OTHER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:77.0) Gecko/20100101 Firefox/77.0";
const OTHER_DEVICE = "Firefox 77 on Windows";
const OTHER_IP = "198.51.100.77";

let stack: Stack;
beforeAll(async () => {
  // TRUST_PROXY: each visitor's X-Forwarded-For is its address, as behind a load balancer.
  // MAX_PAYLOAD_SIZE: the many posts of the memory test go to Directus in a few requests.
  stack = await startStack({ withProxy: true, appEnv: { TRUST_PROXY: "true" }, directusEnv: { MAX_PAYLOAD_SIZE: "16mb" } });
});
afterAll(async () => {
  await stack?.stop();
});

/** Every download this file receives, scanned for secrets at the end. */
const downloads: Array<{ body: string; secrets: string[] }> = [];

/** The session's Directus tokens and the session cookie itself: none may appear in a download. */
function secretsOf(client: HttpSession): string[] {
  const tokens = openSessionCookie(client.sessionCookie(), stack.sessionSecret)?.tokens;
  expect(tokens).toBeDefined();
  return [client.sessionCookie()!, tokens!.accessToken, directusSessionOf(tokens!.accessToken)];
}

async function download(client: HttpSession): Promise<Reply> {
  const reply = await client.get("/profile/download", { follow: false });
  if (reply.status === 200) downloads.push({ body: reply.body, secrets: [...secretsOf(client), TEST_PASSWORD] });
  return reply;
}

/** Every page of a user's activity, newest first, following "Older activity" (at most `max` pages). */
async function activityPages(client: HttpSession, max = 10): Promise<Reply[]> {
  const pages: Reply[] = [];
  let path: string | null = "/profile/activity";
  while (path && pages.length < max) {
    const page = await client.get(path);
    expect([page.status, page.path]).toEqual([200, path]);
    pages.push(page);
    const older = page.body.match(/<a [^>]*href="(\/profile\/activity\?before=[\w-]+)"[^>]*>Older activity<\/a>/);
    path = older?.[1] ?? null;
  }
  return pages;
}

/** The events a page lists: their times, in order. */
const eventTimes = (html: string) => [...html.matchAll(/<time dateTime="([^"]+)"/gi)].map((match) => match[1]!);

async function newPost(client: HttpSession, title: string, content: string): Promise<string> {
  const created = await client.post("/posts/new", { title, content });
  const id = created.path.match(/^\/posts\/(\d+)$/)?.[1];
  expect(id, created.path).toBeDefined();
  return id!;
}

describe("another user's data", () => {
  it("never appears in a download or on an activity page", async () => {
    const mine = new HttpSession(stack.app.url);
    const me = await mine.register(uniqueEmail("owner"));
    await mine.post("/profile", { firstName: "Owner", lastName: "Person" });
    const myPost = await newPost(mine, "My own title", "My own words");

    // The other person: names, posts, a failed sign-in and a sign-in from their own browser and address.
    const theirs = new HttpSession(stack.app.url);
    const they = await theirs.register(uniqueEmail("stranger"));
    await theirs.post("/profile", { firstName: "Zebulon", lastName: "Quagmire" });
    const theirPosts = [
      { id: await newPost(theirs, "Stranger's secret plans", "Meet at the *old mill* at dawn"), title: "Stranger's secret plans", content: "Meet at the *old mill* at dawn" },
      { id: await newPost(theirs, "Another private note", "Nobody else reads this xylophone"), title: "Another private note", content: "Nobody else reads this xylophone" },
    ];
    const fromThere = { "User-Agent": OTHER_AGENT, "X-Forwarded-For": OTHER_IP };
    const elsewhere = new HttpSession(stack.app.url);
    const refused = await elsewhere.post("/login", { email: they.email, password: "not their password" }, { headers: fromThere });
    expect(refused.path).toBe("/login");
    const signedIn = await elsewhere.post("/login", { email: they.email, password: they.password }, { headers: fromThere });
    expect(signedIn.path).toBe("/dashboard");

    const theirFields = [they.id, they.email, "Zebulon", "Quagmire", OTHER_IP, OTHER_AGENT, OTHER_DEVICE, ...theirPosts.flatMap((post) => [post.title, post.content])];

    // Their own download and pages show all of it: the checks below could see it if it leaked.
    const theirDownload = await download(theirs);
    expect(theirDownload.status).toBe(200);
    const theirPages = (await activityPages(theirs)).map((page) => page.body).join("\n");
    for (const field of [they.id, they.email, "Zebulon", "Quagmire", ...theirPosts.flatMap((post) => [post.title, post.content])]) {
      expect(theirDownload.body).toContain(JSON.stringify(field).slice(1, -1));
    }
    expect(theirDownload.body).toContain(OTHER_IP);
    expect(theirDownload.body).toContain(OTHER_AGENT);
    expect(theirPages).toContain(OTHER_IP);
    expect(theirPages).toContain(OTHER_DEVICE);
    expect(theirPages).toContain("A failed sign-in");

    const myDownload = await download(mine);
    expect(myDownload.status).toBe(200);
    expect(myDownload.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(myDownload.headers.get("content-disposition")).toMatch(/^attachment; filename="account-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(myDownload.headers.get("cache-control")).toMatch(/\bno-store\b/);
    const exported = JSON.parse(myDownload.body);
    expect(exported.profile).toMatchObject({ id: me.id, email: me.email, first_name: "Owner", last_name: "Person" });
    expect(exported.posts.map((post: { id: number }) => String(post.id))).toEqual([myPost]);
    const myPages = (await activityPages(mine)).map((page) => page.body).join("\n");
    expect(myPages).toContain("Signed in with your password");

    for (const field of theirFields) {
      expect(myDownload.body, field).not.toContain(JSON.stringify(field).slice(1, -1));
      expect(myPages, field).not.toContain(field);
    }
    for (const post of theirPosts) expect(exported.posts.map((entry: { id: number }) => String(entry.id))).not.toContain(post.id);
    // Nothing of theirs reached an entry of mine under a name the scan above would miss.
    expect(exported.activity.every((event: { ip: string | null }) => event.ip !== OTHER_IP)).toBe(true);
  });
});

describe("the activity page's before parameter", () => {
  it("is refused when malformed or too long, before any Directus call", async () => {
    const client = new HttpSession(stack.app.url);
    await client.register(uniqueEmail("cursor"));
    await client.get("/profile/activity");
    for (const before of ["", "a b", "../../users", "%00", "é", "a".repeat(101), "a".repeat(5_000)]) {
      const calls = stack.proxy!.counts.requests;
      const page = await client.get(`/profile/activity?before=${encodeURIComponent(before)}`);
      expect(page.status, before.slice(0, 20)).toBe(400);
      expect(page.body).toContain(NO_SUCH_PAGE);
      expect(leaksInternals(page.body)).toBeNull();
      expect(stack.proxy!.counts.requests, `Directus was asked about "${before.slice(0, 20)}"`).toBe(calls);
    }
    const twice = await client.get("/profile/activity?before=abc&before=def");
    expect(twice.status).toBe(400);
    // Well-formed, but not a cursor the extension made: Directus refuses it, the page says so.
    const madeUp = await client.get(`/profile/activity?before=${"A".repeat(40)}`);
    expect(madeUp.status).toBe(400);
    expect(madeUp.body).toContain(NO_SUCH_PAGE);
  });

  it("pages through a long history, newest first, each event once", async () => {
    const client = new HttpSession(stack.app.url);
    await client.register(uniqueEmail("pages"));
    // Each save is a change of the profile in Directus's own log: 30 events, more than a page of 25.
    for (let i = 0; i < 30; i++) await client.post("/profile", { firstName: `Name ${i}`, lastName: "Paged" });
    const pages = await activityPages(client);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(eventTimes(pages[0]!.body)).toHaveLength(25);
    const times = pages.flatMap((page) => eventTimes(page.body));
    expect(times.length).toBeGreaterThanOrEqual(31);
    expect([...times].sort().reverse()).toEqual(times);
    const saved = pages.flatMap((page) => [...page.body.matchAll(/<strong>Profile changed<\/strong>/g)]);
    expect(saved).toHaveLength(30);
    expect(pages.at(-1)!.body).not.toContain("Older activity");
  });
});

/** The app process's resident memory now and its peak since `resetPeak`, in kB (Linux). */
function memoryOf(app: TestApp): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${app.process.pid}/status`, "utf8");
  const kb = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1]);
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}
/** Sets the process's peak resident memory back to its current size (Linux: clear_refs 5). */
function resetPeak(app: TestApp) {
  writeFileSync(`/proc/${app.process.pid}/clear_refs`, "5");
}

describe("a large download", () => {
  it("passes through the app within a memory bound far below its size, and arrives whole", { timeout: 600_000 }, async () => {
    const client = new HttpSession(stack.app.url);
    const { email } = await client.register(uniqueEmail("prolific"));
    // 2,000 posts of about 80 kB (160 MB of JSON), straight into Directus as the user, 100 a request.
    // That size because a streaming process still leaves garbage behind until its collector runs
    // (tens of MB, whatever the size), which a small file would not stand out from.
    const POSTS = 2_000;
    const BATCH = 100;
    const body = (i: number) => `Post ${i}. ${"All work and no play makes a long export. ".repeat(1_900)}`;
    for (let batch = 0; batch < POSTS / BATCH; batch++) {
      const posts = Array.from({ length: BATCH }, (_, j) => ({ title: `Long ${batch * BATCH + j}`, content: body(batch * BATCH + j) }));
      // The test Directus's access token lasts 5 s, which an 8 MB batch can outlast on a busy machine:
      // then the batch (refused whole, nothing stored) goes again with a fresh token.
      let created: Response;
      for (let attempt = 1; ; attempt++) {
        const login = await fetch(`${stack.directus.url}/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email, password: TEST_PASSWORD }) });
        const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
        created = await fetch(`${stack.directus.url}/items/posts?fields=id`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: JSON.stringify(posts) });
        if (created.status !== 401 || attempt === 3) break;
        await created.text();
      }
      expect(created.status).toBe(200);
      await created.text();
    }

    // The route's code has run already (the tests above): what is measured is the download alone.
    await client.get("/profile");
    const before = memoryOf(stack.app);
    resetPeak(stack.app);

    const response = await fetch(new URL("/profile/download", stack.app.url), { headers: { Cookie: client.cookieHeader() } });
    expect(response.status).toBe(200);
    // Read slowly at first: an app that did not wait for its reader would pull the whole file into memory meanwhile.
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    const first = await reader.read();
    chunks.push(first.value!);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
    const after = memoryOf(stack.app);

    const text = Buffer.concat(chunks).toString("utf8");
    const size = Buffer.byteLength(text);
    const growthBytes = (after.peak - before.rss) * 1024;
    console.log(`download ${(size / 1e6).toFixed(1)} MB; app RSS ${before.rss} kB before, peak ${after.peak} kB during (+${(growthBytes / 1e6).toFixed(1)} MB)`);
    expect(size).toBeGreaterThan(POSTS * 75_000);
    const exported = JSON.parse(text);
    expect(exported.posts).toHaveLength(POSTS);
    expect(new Set(exported.posts.map((post: { title: string }) => post.title)).size).toBe(POSTS);
    downloads.push({ body: text, secrets: [...secretsOf(client), TEST_PASSWORD] });

    // Measured: 7 to 35 MB, whatever the size (garbage the collector has not reached yet); a copy held
    // whole costs at least the file twice over (its pieces, then its text).
    expect(growthBytes).toBeLessThan(size / 2);
  });
});

/**
 * A Directus in front of the real one that forwards everything but the export, which it breaks:
 * "before" resets the connection before answering, "part-way" sends the start of the real answer
 * and then cuts the connection.
 */
async function breakingExport(mode: "before" | "part-way"): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(stack.directus.url);
  const server: Server = createServer((req, res) => {
    const upstream = forward({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      if (req.url?.startsWith("/account-ownership/export") && mode === "before") {
        answer.resume();
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (req.url?.startsWith("/account-ownership/export")) {
        answer.once("data", (chunk: Buffer) => {
          res.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2))), () => setTimeout(() => req.socket.destroy(), 200));
          answer.destroy();
        });
        return;
      }
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe("Directus failing", () => {
  it("before the first byte: a page that says so, 503, no stack; part-way: the download is cut, never a shorter file that parses", async () => {
    const client = new HttpSession(stack.app.url);
    await client.register(uniqueEmail("failing"));
    await newPost(client, "Kept safe", "Still here");

    for (const mode of ["before", "part-way"] as const) {
      const broken = await breakingExport(mode);
      const app = await startTestApp(broken.url, { SESSION_SECRET: stack.sessionSecret, APP_URL: stack.app.url });
      try {
        const response = await fetch(new URL("/profile/download", app.url), { headers: { Cookie: client.cookieHeader() }, redirect: "manual" });
        if (mode === "before") {
          expect(response.status).toBe(503);
          expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
          const page = await response.text();
          expect(page).toContain("Your data could not be downloaded");
          expect(page).toContain("Please try again in a moment.");
          expect(page).toContain('href="/profile"');
          // Dressed like the app's other pages: its own stylesheet, served.
          const stylesheet = page.match(/<link rel="stylesheet" href="([^"]+\.css)">/)?.[1];
          expect(stylesheet).toBeDefined();
          const css = await fetch(new URL(stylesheet!, app.url));
          expect(css.status).toBe(200);
          expect(css.headers.get("content-type")).toMatch(/^text\/css/);
          expect(leaksInternals(page)).toBeNull();
          expect(page).not.toMatch(JWT);
        } else {
          expect(response.status).toBe(200);
          await expect(response.text()).rejects.toThrow();
        }
      } finally {
        await app.stop();
        await broken.close();
      }
    }
    // The account is as it was, and the download works again once Directus does.
    expect((await download(client)).status).toBe(200);
  });
});

describe("every download", () => {
  it("holds no token, password, hash or secret", () => {
    expect(downloads.length).toBeGreaterThanOrEqual(4);
    for (const { body, secrets } of downloads) {
      expect(body).not.toMatch(JWT);
      for (const secret of secrets) expect(body).not.toContain(secret);
      for (const word of ["tfa_secret", "$argon2", "token", "auth_data", "public_key", "credential_id"]) expect(body.toLowerCase()).not.toContain(word);
    }
  });
});
