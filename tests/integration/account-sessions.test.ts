// The account-sessions extension (directus-extensions/account-sessions) in the real Directus 11.17.4
// the integration run starts: a signed-in user lists and ends their own sessions, and nothing else.
import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { directusRest, type RestReply } from "../support/directus-rest.ts";

const url = inject("directusUrl");
const adminEmail = inject("adminEmail");
const adminPassword = inject("adminPassword");
const { call, newUser } = directusRest(url);

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

type Listed = { id: string; current: boolean; last_active: string; expires: string; ip: string | null; user_agent: string | null };

/** A session-mode sign-in from a given browser and address, as the app forwards them. */
async function signIn(email: string, password: string, { userAgent = FIREFOX, ip = "203.0.113.10" } = {}): Promise<string> {
  const response = await fetch(`${url}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": userAgent, "x-forwarded-for": ip },
    body: JSON.stringify({ email, password, mode: "session" }),
  });
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith("directus_session_token="));
  if (response.status !== 200 || !cookie) throw new Error(`signing in ${email}: ${response.status}`);
  return cookie.split(";")[0]!.split("=")[1]!;
}

/** Session mode's renewal, sent as a browser sends it (the token as its cookie). */
async function renew(token: string): Promise<string> {
  const response = await fetch(`${url}/auth/refresh`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: `directus_session_token=${token}` },
    body: JSON.stringify({ mode: "session" }),
  });
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith("directus_session_token="));
  if (response.status !== 200 || !cookie) throw new Error(`renewing: ${response.status}`);
  return cookie.split(";")[0]!.split("=")[1]!;
}

const list = (token: string) => call("GET", "/account-sessions", { token });
const listed = async (token: string): Promise<Listed[]> => {
  const reply = await list(token);
  expect(reply.status).toBe(200);
  return reply.body.data;
};
const end = (token: string, id: string) => call("DELETE", `/account-sessions/${encodeURIComponent(id)}`, { token });
const endOthers = (token: string) => call("POST", "/account-sessions/end-others", { token });
const works = async (token: string) => (await call("GET", "/users/me?fields=id", { token })).status === 200;
/** The session token's `session` claim: the directus_sessions token, which must never leave Directus either. */
const sessionClaim = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).session as string;
const leaks = (reply: RestReply, tokens: string[]) => tokens.some((t) => JSON.stringify(reply.body).includes(t) || JSON.stringify(reply.body).includes(sessionClaim(t)));

describe("the account-sessions endpoint", () => {
  it("refuses anonymous callers", async () => {
    for (const reply of [await call("GET", "/account-sessions"), await call("POST", "/account-sessions/end-others"), await call("DELETE", `/account-sessions/${"x".repeat(43)}`)]) {
      expect(reply.status).toBe(401);
    }
  });

  it("lists the caller's live sessions with their browser and address, marks the caller's own, and shows no token", async () => {
    const user = await newUser("sessions-list");
    const laptop = await signIn(user.email, user.password, { userAgent: FIREFOX, ip: "203.0.113.10" });
    const phone = await signIn(user.email, user.password, { userAgent: CHROME, ip: "198.51.100.20" });
    const reply = await list(laptop);
    expect(reply.status).toBe(200);
    expect(leaks(reply, [laptop, phone, user.token])).toBe(false);
    const sessions: Listed[] = reply.body.data;
    // newUser's own sign-in is the third.
    expect(sessions).toHaveLength(3);
    const mine = sessions.filter((s) => s.current);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ user_agent: FIREFOX, ip: "203.0.113.10" });
    expect(sessions.find((s) => s.user_agent === CHROME)).toMatchObject({ current: false, ip: "198.51.100.20" });
    for (const session of sessions) {
      expect(session.id).toMatch(/^[\w-]{43}$/);
      expect(Math.abs(Date.parse(session.last_active) - Date.now())).toBeLessThan(60_000);
      // A sign-in's row ends with its session token (SESSION_COOKIE_TTL, a day here), not REFRESH_TOKEN_TTL's week.
      expect(Date.parse(session.expires) - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
      expect(Date.parse(session.expires)).toBeGreaterThan(Date.now());
    }
    // The same session has the same handle, whichever session asks.
    expect((await listed(phone)).map((s) => s.id).sort()).toEqual(sessions.map((s) => s.id).sort());
  });

  it("ends one session by its handle: its token stops working at once, the others go on", async () => {
    const user = await newUser("sessions-end");
    const laptop = await signIn(user.email, user.password);
    const phone = await signIn(user.email, user.password, { userAgent: CHROME });
    const target = (await listed(laptop)).find((s) => s.user_agent === CHROME)!;
    const ended = await end(laptop, target.id);
    expect(ended.status).toBe(200);
    expect(ended.body.data).toEqual({ current: false, user_agent: CHROME });
    expect(await works(phone)).toBe(false);
    expect(await works(laptop)).toBe(true);
    expect(await works(user.token)).toBe(true);
    expect((await listed(laptop)).map((s) => s.id)).not.toContain(target.id);
    // Gone is gone.
    expect((await end(laptop, target.id)).status).toBe(404);
  });

  it("answers another user's handle exactly as an unknown one, and leaves that session alone", async () => {
    const alice = await newUser("sessions-alice");
    const bob = await newUser("sessions-bob");
    const [bobs] = await listed(bob.token);
    const other = await end(alice.token, bobs!.id);
    const unknown = await end(alice.token, randomBytes(32).toString("base64url"));
    const malformed = await end(alice.token, "not-a-handle");
    expect(other.status).toBe(404);
    expect(other).toEqual(unknown);
    expect(malformed).toEqual(unknown);
    expect(await works(bob.token)).toBe(true);
    expect((await listed(alice.token)).map((s) => s.id)).not.toContain(bobs!.id);
  });

  it("gives an administrator no reach beyond their own sessions", async () => {
    const user = await newUser("sessions-admin-target");
    const admin = await signIn(adminEmail, adminPassword);
    const [users] = await listed(user.token);
    const adminsView = await listed(admin);
    expect(adminsView.map((s) => s.id)).not.toContain(users!.id);
    expect((await end(admin, users!.id)).status).toBe(404);
    expect(await works(user.token)).toBe(true);
    await call("POST", "/auth/logout", { token: admin, body: { mode: "session" } });
  });

  it("ends every other session, and keeps the caller's", async () => {
    const user = await newUser("sessions-others");
    const others = [await signIn(user.email, user.password), await signIn(user.email, user.password, { userAgent: CHROME })];
    // One of them renewed: two rows (old and new token), still one session.
    others.push(await renew(others[0]!));
    const reply = await endOthers(user.token);
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ ended: 2 });
    for (const token of others) expect(await works(token)).toBe(false);
    expect(await works(user.token)).toBe(true);
    expect(await listed(user.token)).toEqual([expect.objectContaining({ current: true })]);
  });

  it("lists a renewed session once, as the caller's, under the new token and the old one alike", async () => {
    const user = await newUser("sessions-renewed");
    const before = await listed(user.token);
    const renewed = await renew(user.token);
    // The old token still works for the renewal's grace period; it is the same session.
    for (const token of [renewed, user.token]) {
      const sessions = await listed(token);
      expect(sessions).toHaveLength(1);
      expect(sessions[0]!.current).toBe(true);
      expect(sessions[0]!.id).not.toBe(before[0]!.id);
    }
    // Ending the others keeps both tokens of the caller's own session.
    expect((await endOthers(user.token)).body.data).toEqual({ ended: 0 });
    expect(await works(renewed)).toBe(true);
  });

  it("ending a renewed session ends its old token too", async () => {
    const user = await newUser("sessions-renewed-end");
    const laptop = await signIn(user.email, user.password);
    const renewed = await renew(laptop);
    const target = (await listed(user.token)).find((s) => !s.current)!;
    expect((await end(user.token, target.id)).status).toBe(200);
    expect(await works(renewed)).toBe(false);
    expect(await works(laptop)).toBe(false);
  });

  it("ends a session by the handle it had before a renewal, within the renewal's grace period", async () => {
    const user = await newUser("sessions-stale-handle");
    const laptop = await signIn(user.email, user.password);
    const shown = (await listed(user.token)).find((s) => !s.current)!;
    const renewed = await renew(laptop);
    expect((await end(user.token, shown.id)).status).toBe(200);
    expect(await works(renewed)).toBe(false);
  });

  it("ending the caller's own session says so, and signs the caller out", async () => {
    const user = await newUser("sessions-self");
    const [mine] = await listed(user.token);
    const reply = await end(user.token, mine!.id);
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ current: true, user_agent: expect.any(String) });
    expect(await works(user.token)).toBe(false);
  });
});
