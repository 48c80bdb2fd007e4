// The account-ownership extension's activity and export (directus-extensions/account-ownership,
// docs/decisions/027) in the real Directus 11.17.4 the integration run starts: sign-ins recorded with
// how (password, passkey, recovery code), failed sign-ins counted on one row, a change made with the
// admin token shown as by an administrator, the events other extensions report, another account's
// events never shown, the export's shape without a secret, and the events table refused over REST.
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { DEV_APP_URL } from "../../app/lib/account-links.ts";
import { directusRest } from "../support/directus-rest.ts";
import { passkeyRest } from "../support/passkey-rest.ts";
import { SoftwareAuthenticator } from "../support/software-authenticator.ts";

const url = inject("directusUrl");
const { call, newUser, enableTwoFactor } = directusRest(url);
const origin = new URL(DEV_APP_URL).origin;

type Event = { id: string; at: string; kind: string; method?: string | null; count: number; ip: string | null; user_agent: string | null; by: string };

/** A browser of its own: its User-Agent and address, as the app forwards them. */
function browser(userAgent: string, ip: string) {
  return passkeyRest(url, origin, { "user-agent": userAgent, "x-forwarded-for": ip, origin });
}

const admin = async () => {
  const reply = await call("POST", "/auth/login", { body: { email: inject("adminEmail"), password: inject("adminPassword") } });
  return reply.body.data.access_token as string;
};

const activity = async (token: string, before?: string) => {
  const reply = await call("GET", `/account-ownership/activity${before ? `?before=${encodeURIComponent(before)}` : ""}`, { token });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body as { data: Event[]; next: string | null };
};

/** Waits for the hooks (Directus runs actions after answering) to have recorded `count` events. */
const eventsOf = async (token: string, count: number) => {
  await expect.poll(async () => (await activity(token)).data.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
  return (await activity(token)).data;
};

describe("the account's activity", () => {
  it("answers anonymous callers 401", async () => {
    expect((await call("GET", "/account-ownership/activity")).status).toBe(401);
    expect((await call("GET", "/account-ownership/export")).status).toBe(401);
  });

  it("shows sign-ins with how and from where, failed ones counted on one row, never what was typed", async () => {
    const user = await newUser("activity-signins");
    const firefox = browser("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "203.0.113.61");
    const signedIn = await firefox.send("POST", "/auth/login", { body: { email: user.email, password: user.password, mode: "session" } });
    expect(signedIn.status).toBe(200);
    const stranger = browser("curl/8.0", "198.51.100.66");
    const typed = `wrong-${randomUUID()}`;
    for (let i = 0; i < 3; i++) expect((await stranger.send("POST", "/auth/login", { body: { email: user.email, password: typed } })).status).toBe(401);

    const events = await eventsOf(signedIn.token!, 3);
    const failed = events.filter((e) => e.kind === "sign-in-failed");
    expect(failed).toEqual([{ id: expect.stringMatching(/^e:/), at: expect.any(String), kind: "sign-in-failed", count: 3, ip: "198.51.100.66", user_agent: "curl/8.0", by: "you" }]);
    expect(events.filter((e) => e.kind === "signed-in" && e.ip === "203.0.113.61")).toEqual([
      { id: expect.stringMatching(/^e:/), at: expect.any(String), kind: "signed-in", method: "password", count: 1, ip: "203.0.113.61", user_agent: expect.stringContaining("Firefox/133.0"), by: "you" },
    ]);
    expect(JSON.stringify(events)).not.toContain(typed);
    // Newest first.
    const times = events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("shows a passkey added and a passkey sign-in, a session ended, and a change made with the admin token as by an administrator", async () => {
    const user = await newUser("activity-passkey");
    const me = (await call("GET", "/users/me?fields=id", { token: user.token })).body.data.id as string;
    const chrome = browser("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36", "203.0.113.71");
    const authenticator = new SoftwareAuthenticator();
    await chrome.addPasskey(user.token, authenticator);
    const { answer } = await chrome.signIn(authenticator);
    expect(answer.status).toBe(200);
    const sessions = await call("GET", "/account-sessions", { token: answer.token! });
    const other = (sessions.body.data as { id: string; current: boolean }[]).find((s) => !s.current)!;
    expect((await call("DELETE", `/account-sessions/${other.id}`, { token: answer.token! })).status).toBe(200);
    expect((await call("PATCH", "/users/me", { token: answer.token!, body: { first_name: "Ada" } })).status).toBe(200);
    // An administrator's new password ends every session of the account: the owner signs in with it.
    const password = `pw-${randomUUID()}`;
    expect((await call("PATCH", `/users/${me}`, { token: await admin(), body: { password } })).status).toBe(200);
    const again = await chrome.send("POST", "/auth/login", { body: { email: user.email, password, mode: "session" } });
    expect(again.status).toBe(200);

    const events = await eventsOf(again.token!, 6);
    const seen = events.map((e) => [e.kind, e.method ?? null, e.by]);
    expect(seen).toContainEqual(["passkey-added", null, "you"]);
    expect(seen).toContainEqual(["signed-in", "passkey", "you"]);
    expect(seen).toContainEqual(["session-ended", null, "you"]);
    expect(seen).toContainEqual(["password-changed", null, "administrator"]);
    expect(seen).toContainEqual(["profile-changed", null, "you"]);
    expect(events.find((e) => e.kind === "signed-in" && e.method === "passkey")).toMatchObject({ ip: "203.0.113.71", user_agent: expect.stringContaining("Chrome/131") });
  });

  it("shows a sign-in with a recovery code as one, and two-factor turned on", async () => {
    const user = await newUser("activity-recovery");
    await enableTwoFactor(user.email, user.password);
    const batch = await call("POST", "/account-sign-in/recovery-codes", { token: user.token, body: {} });
    expect(batch.status).toBe(201);
    const safari = browser("Mozilla/5.0 (Macintosh) Safari/605.1.15", "203.0.113.81");
    const byCode = await safari.send("POST", "/account-sign-in/recovery-codes/sign-in", { body: { email: user.email, password: user.password, code: batch.body.data.codes[0] } });
    expect(byCode.status).toBe(200);
    const events = await eventsOf(byCode.token!, 3);
    expect(events.map((e) => [e.kind, e.method ?? null])).toEqual(expect.arrayContaining([["signed-in", "recovery-code"], ["recovery-codes-renewed", null], ["two-factor-on", null]]));
    expect(events.find((e) => e.method === "recovery-code")).toMatchObject({ ip: "203.0.113.81", user_agent: expect.stringContaining("Safari") });
  });

  it("never shows another account's events, and refuses a cursor it did not give", async () => {
    const a = await newUser("activity-a");
    const b = await newUser("activity-b");
    const bBrowser = browser("B's own browser/1.0", "192.0.2.123");
    expect((await bBrowser.send("POST", "/auth/login", { body: { email: b.email, password: "wrong" } })).status).toBe(401);
    expect((await bBrowser.send("POST", "/auth/login", { body: { email: b.email, password: b.password, mode: "session" } })).status).toBe(200);
    await eventsOf(b.token, 3);
    const mine = await activity(a.token);
    expect(JSON.stringify(mine)).not.toMatch(/192\.0\.2\.123|B's own browser/);
    expect(mine.data.every((e) => e.kind === "signed-in")).toBe(true);
    const refused = await call("GET", "/account-ownership/activity?before=not+a+cursor", { token: a.token });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions.code).toBe("INVALID_QUERY");
  });

  it("keeps its table from REST and GraphQL, an administrator included", async () => {
    const token = await admin();
    for (const [method, path, body] of [
      ["GET", "/items/account_ownership_events", undefined],
      ["POST", "/items/account_ownership_events", { user_id: randomUUID(), at: 0, kind: "signed-in" }],
    ] as const) {
      const reply = await call(method, path, { token, body });
      expect(reply.status, `${method} ${path}`).toBe(403);
    }
  });
});

describe("the export", () => {
  it("is the caller's data as the contract shapes it, streamed as JSON, with no secret", async () => {
    const user = await newUser("export-shape");
    const post = await call("POST", "/items/posts", { token: user.token, body: { title: "An exported post", content: "# Markdown\n\nbody" } });
    expect(post.status).toBe(200);
    const other = await newUser("export-other");
    await call("POST", "/items/posts", { token: other.token, body: { title: "Not mine at all", content: "other's" } });

    const response = await fetch(`${url}/account-ownership/export`, { headers: { authorization: `Bearer ${user.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const text = await response.text();
    const data = JSON.parse(text);
    expect(Object.keys(data)).toEqual(["format", "exported_at", "profile", "sign_in_methods", "sessions", "posts", "activity"]);
    expect(data.profile).toMatchObject({ email: user.email, provider: "default", status: "active" });
    expect(data.sign_in_methods).toEqual({ password: true, provider: null, two_factor: false, passkeys: [], recovery_codes_left: 0 });
    expect(data.sessions.length).toBeGreaterThan(0);
    expect(Object.keys(data.sessions[0]).sort()).toEqual(["expires", "ip", "origin", "user_agent"]);
    expect(data.posts).toEqual([{ id: post.body.data.id, title: "An exported post", content: "# Markdown\n\nbody", date_created: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) }]);
    expect(data.activity.map((e: Event) => e.kind)).toContain("signed-in");
    for (const forbidden of [user.token, user.password, "$argon2", "tfa_secret", "auth_data", "Not mine at all", other.email]) expect(text).not.toContain(forbidden);
    expect(text).not.toMatch(/token/i);
  });
});
