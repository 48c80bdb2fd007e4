// The account-sessions extension across the cluster's two Directus instances on one PostgreSQL: a
// session opened through one instance is listed, under the same handle, and ended through the other.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, settings } from "./cluster";

const [directus1, directus2] = settings.directus.instances;
const email = `sessions-${randomUUID().slice(0, 8)}@example.com`;
const password = `pw-${randomUUID()}`;
let userId = "";

type Listed = { id: string; current: boolean; user_agent: string | null; ip: string | null; last_active: string; expires: string };

async function signIn(url: string, userAgent: string): Promise<string> {
  const response = await fetch(`${url}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": userAgent },
    body: JSON.stringify({ email, password, mode: "session" }),
  });
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith("directus_session_token="));
  if (response.status !== 200 || !cookie) throw new Error(`signing in through ${url}: ${response.status}`);
  return cookie.split(";")[0]!.split("=")[1]!;
}

async function call(url: string, method: string, path: string, token: string) {
  const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const list = async (url: string, token: string): Promise<Listed[]> => {
  const reply = await call(url, "GET", "/account-sessions", token);
  expect(reply.status).toBe(200);
  return reply.body.data;
};

beforeAll(async () => {
  // A user of no role: the extension needs nothing but a signed-in user.
  const created = await admin.call<{ id: string }>("POST", "/users", { email, password, status: "active" });
  if (created.status !== 200) throw new Error(`creating ${email}: ${created.status}`);
  userId = created.data.id;
});

afterAll(async () => {
  if (userId) await admin.call("DELETE", `/users/${userId}`);
});

describe("sessions across Directus instances", () => {
  it("lists and ends, through one instance, a session opened through the other", async () => {
    const first = await signIn(directus1!.url, "Browser/1 (first instance)");
    const second = await signIn(directus2!.url, "Browser/2 (second instance)");

    const seenByFirst = await list(directus1!.url, first);
    const seenBySecond = await list(directus2!.url, second);
    expect(seenByFirst.map((s) => s.id).sort()).toEqual(seenBySecond.map((s) => s.id).sort());
    expect(seenByFirst).toHaveLength(2);
    const target = seenByFirst.find((s) => s.user_agent === "Browser/2 (second instance)")!;
    expect(target.current).toBe(false);
    expect(JSON.stringify(seenByFirst)).not.toContain(second);
    // PostgreSQL's dates read back right, and a sign-in's row ends with its session token (at most a day here).
    for (const session of seenByFirst) {
      expect(Math.abs(Date.parse(session.last_active) - Date.now())).toBeLessThan(60_000);
      expect(Date.parse(session.expires)).toBeGreaterThan(Date.now());
      expect(Date.parse(session.expires) - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    }

    expect((await call(directus1!.url, "DELETE", `/account-sessions/${target.id}`, first)).status).toBe(200);
    // Refused by both instances from the next request on.
    expect((await call(directus2!.url, "GET", "/account-sessions", second)).status).toBe(401);
    expect((await call(directus1!.url, "GET", "/account-sessions", second)).status).toBe(401);

    const third = await signIn(directus1!.url, "Browser/3 (first instance)");
    const others = await call(directus2!.url, "POST", "/account-sessions/end-others", first);
    expect(others.body.data).toEqual({ ended: 1 });
    expect((await call(directus2!.url, "GET", "/account-sessions", third)).status).toBe(401);
    expect(await list(directus2!.url, first)).toEqual([expect.objectContaining({ current: true })]);
  });
});
