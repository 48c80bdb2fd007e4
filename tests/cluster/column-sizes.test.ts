// PostgreSQL enforces column sizes that SQLite ignores (directus_users.email is varchar(128),
// first_name and last_name varchar(50), a string field such as posts.title varchar(255)). Whatever
// the app's forms accept at their maximum length (app/lib/limits.ts) must be stored, not refused
// with a raw database error.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { limits } from "../../app/lib/limits.ts";
import { HttpSession, uniqueEmail } from "../support/http-session.ts";
import { admin, settings } from "./cluster.ts";

/** A valid address of exactly `length` characters: local part at most 64, labels at most 63. */
function emailOfLength(length: number): string {
  const tld = "example.com";
  let extra = Math.max(0, length - 1 - 64 - tld.length);
  if (extra === 1) extra = 2; // a label needs a character besides its dot
  const labels: string[] = [];
  for (let rest = extra; rest > 0; ) {
    let size = Math.min(63, rest - 1);
    if (rest - (size + 1) === 1) size -= 1;
    labels.push("d".repeat(size));
    rest -= size + 1;
  }
  const domain = [...labels, tld].join(".");
  const local = `max-${randomUUID().slice(0, 8)}`.padEnd(length - 1 - domain.length, "x");
  return `${local}@${domain}`;
}

/** The messages a form shows (its alerts and field errors), to say why a submission was refused. */
function formMessages(html: string): string {
  const messages = [...html.matchAll(/<(?:p|div|span)[^>]*(?:role="alert"|class="[^"]*error[^"]*")[^>]*>([^<]+)</g)].map((match) => match[1]!.trim());
  return messages.join(" | ") || html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").slice(0, 300);
}

describe("column sizes on PostgreSQL", () => {
  it(`registers with an email of the app's maximum length (${limits.emailMax})`, async () => {
    const email = emailOfLength(limits.emailMax);
    expect(email).toHaveLength(limits.emailMax);
    const client = new HttpSession(settings.app.url, { mailDir: settings.mail.dir });
    // Registers, opens the mailed link and logs in; throws with the page unless it ends on the dashboard.
    await client.register(email, "correct horse battery staple");
    const stored = await admin.call<Array<{ email: string }>>("GET", `/users?filter[email][_eq]=${encodeURIComponent(email)}&fields=email`);
    expect(stored.data.map((user) => user.email)).toEqual([email]);
  });

  it(`saves first and last names of the app's maximum length (${limits.nameMax})`, async () => {
    const client = new HttpSession(settings.app.url, { mailDir: settings.mail.dir });
    const { id } = await client.register(uniqueEmail("names"));
    const firstName = "F".repeat(limits.nameMax);
    const lastName = "L".repeat(limits.nameMax);
    const reply = await client.post("/profile", { firstName, lastName });
    expect(reply.status, `profile answered ${reply.status}: ${formMessages(reply.body)}`).toBe(200);
    expect(reply.body, `the profile was not saved: ${formMessages(reply.body)}`).toContain("Profile saved");
    const stored = await admin.call<{ first_name: string; last_name: string }>("GET", `/users/${id}?fields=first_name,last_name`);
    expect(stored.data).toEqual({ first_name: firstName, last_name: lastName });
  });

  it(`creates a post whose title has the app's maximum length (${limits.titleMax})`, async () => {
    const client = new HttpSession(settings.app.url, { mailDir: settings.mail.dir });
    await client.register(uniqueEmail("title"));
    const title = `T${randomUUID().slice(0, 8)}`.padEnd(limits.titleMax, "t");
    const reply = await client.post("/posts/new", { title, content: "" }, { follow: false });
    expect(reply.status, `create answered ${reply.status}: ${formMessages(reply.body)}`).toBe(302);
    const id = reply.headers.get("Location")?.match(/^\/posts\/(\d+)$/)?.[1];
    const stored = await admin.call<{ title: string }>("GET", `/items/posts/${id}?fields=title`);
    expect(stored.data.title).toBe(title);
  });
});
