// @cluster: the account's activity and export (account-ownership extension, docs/decisions/027) on
// the shared PostgreSQL: a sign-in made through one Directus instance and failed ones through the
// other are read through either; changes an administrator made show as by an administrator and page
// (keyset, 25 a page, PostgreSQL's microsecond timestamps) without a gap or a repeat; the export
// streamed through the other instance holds the same account and nothing of another.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSession, TEST_PASSWORD, uniqueEmail } from "../support/http-session.ts";
import { passwordSession } from "../support/passkey-routes.ts";
import { admin, settings } from "./cluster";

const [directus1, directus2] = settings.directus.instances;

type Event = { id: string; at: string; kind: string; method?: string | null; count: number; ip: string | null; user_agent: string | null; by: string };
type Page = { data: Event[]; next: string | null };

const users: string[] = [];
let email = "";

/** A new session of the account to read with: the cluster's sessions last 12 s (BURST_DIRECTUS_ENV). */
const freshToken = async () => (await passwordSession(directus1!.url, email, TEST_PASSWORD, "Reader/1.0")).token;

beforeAll(async () => {
  const registered = await new HttpSession(settings.app.url, { mailDir: settings.mail.dir }).register(uniqueEmail("cluster-activity"));
  email = registered.email;
  users.push(registered.id);
  await passwordSession(directus1!.url, email, TEST_PASSWORD, "Cluster browser/1.0");
});

afterAll(async () => {
  for (const id of users) if ((await admin.call("GET", `/users/${id}?fields=id`)).status === 200) await admin.call("DELETE", `/users/${id}`);
});

async function pageThrough(url: string, before?: string): Promise<Page> {
  const response = await fetch(`${url}/account-ownership/activity${before ? `?before=${encodeURIComponent(before)}` : ""}`, { headers: { Authorization: `Bearer ${await freshToken()}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
}

describe("the account's activity across Directus instances", () => {
  it("reads through one instance what was recorded through the other, and pages on PostgreSQL without a gap or a repeat", async () => {
    const id = users[0]!;
    // 30 changes by an administrator, through either instance (the proxy picks).
    for (let i = 0; i < 30; i++) expect((await admin.call("PATCH", `/users/${id}`, { first_name: `Name ${i}` })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const failed = await fetch(`${directus2!.url}/auth/login`, { method: "POST", headers: { "Content-Type": "application/json", "User-Agent": "Guesser/2.0" }, body: JSON.stringify({ email, password: "not-the-password" }) });
      expect(failed.status).toBe(401);
    }

    // Directus runs its hooks after answering: the failures are newer than the changes, on the first page once recorded.
    await expect.poll(async () => (await pageThrough(directus1!.url)).data.find((e) => e.kind === "sign-in-failed")?.count, { timeout: 15_000 }).toBe(2);
    const all: Event[] = [];
    const sizes: number[] = [];
    for (let before: string | undefined, turn = 0; turn < 10; turn++) {
      const page = await pageThrough(turn % 2 === 0 ? directus2!.url : directus1!.url, before);
      all.push(...page.data);
      sizes.push(page.data.length);
      if (page.next === null) break;
      before = page.next;
    }
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(sizes[0]).toBe(25);
    expect(all.filter((e) => e.kind === "profile-changed" && e.by === "administrator")).toHaveLength(30);
    expect(all.filter((e) => e.kind === "sign-in-failed").map((e) => [e.count, e.user_agent])).toEqual([[2, "Guesser/2.0"]]);
    expect(all.filter((e) => e.kind === "signed-in" && e.user_agent === "Cluster browser/1.0").map((e) => e.method)).toEqual(["password"]);
    const times = all.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("streams the export through the other instance: the account's data, nothing of another account", async () => {
    const post = await fetch(`${directus1!.url}/items/posts`, { method: "POST", headers: { Authorization: `Bearer ${await freshToken()}`, "Content-Type": "application/json" }, body: JSON.stringify({ title: "Cluster post", content: "# Exported\n\nthrough the other instance" }) });
    expect(post.status).toBe(200);
    const other = await new HttpSession(settings.app.url, { mailDir: settings.mail.dir }).register(uniqueEmail("cluster-activity-other"));
    users.push(other.id);

    const token = await freshToken();
    const response = await fetch(`${directus2!.url}/account-ownership/export`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const text = await response.text();
    const data = JSON.parse(text);
    expect(data.format).toBe("account-export/1");
    expect(data.profile).toMatchObject({ id: users[0], email, first_name: "Name 29" });
    expect(data.posts.map((p: { title: string; content: string }) => [p.title, p.content])).toEqual([["Cluster post", "# Exported\n\nthrough the other instance"]]);
    expect(data.activity.filter((e: Event) => e.kind === "profile-changed")).toHaveLength(30);
    expect(data.sessions.length).toBeGreaterThan(0);
    for (const forbidden of [token, TEST_PASSWORD, "$argon2", "tfa_secret", other.email, other.id]) expect(text).not.toContain(forbidden);
  });
});
