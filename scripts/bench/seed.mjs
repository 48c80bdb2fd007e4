// The benchmark's data: Directus provisioned as the app expects, then two users with ten posts each,
// written through Directus REST as those users; and the logins the sides use.
import { provision } from "../lib/provision.mjs";

export const PASSWORD = "bench-password-123";

export async function directusJson(url, path, { method = "GET", token, body } = {}) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * Provisions the Directus at `target.url` (as its admin), then seeds it.
 * @param {{ url: string, email: string, password: string }} target
 * @returns {Promise<{ users: string[], reader: string, postPath: string }>}
 */
export async function seed(target) {
  // The benchmark's users register and sign in at once: no verification email to follow.
  await provision(target, { log: () => {}, verifyEmail: false });

  const stamp = Date.now();
  const users = [`bench-a-${stamp}@example.com`, `bench-b-${stamp}@example.com`];
  const tokens = {};
  for (const email of users) {
    await directusJson(target.url, "/users/register", { method: "POST", body: { email, password: PASSWORD } });
    tokens[email] = await directusLogin(target.url, email);
  }
  const postIds = [];
  for (let i = 0; i < 20; i++) {
    const email = users[i % 2];
    const content = `## Post ${i + 1}\n\nSome *markdown* with a [link](https://example.com) and a list:\n\n- one\n- two\n- three\n\n${"Lorem ipsum dolor sit amet. ".repeat(20)}`;
    const created = await directusJson(target.url, "/items/posts", { method: "POST", token: tokens[email], body: { title: `Bench post ${i + 1}`, content } });
    postIds.push(created.data.id);
  }
  // The newest post, written by the other user: the common case of reading someone else's post.
  return { users, reader: users[0], postPath: `/posts/${postIds.at(-1)}` };
}

/** An access token from Directus's own login (JSON mode): what the floor and the pass-through send. */
export async function directusLogin(url, email) {
  const login = await directusJson(url, "/auth/login", { method: "POST", body: { email, password: PASSWORD, mode: "json" } });
  return login.data.access_token;
}

/**
 * A session token from Directus's session-mode login, the kind the app sends as its Bearer token:
 * Directus looks its session up on every request, which a JSON-mode access token spares it.
 */
export async function directusSessionToken(url, email) {
  const response = await fetch(`${url}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, mode: "session" }),
  });
  await response.arrayBuffer();
  const token = response.headers.getSetCookie().map((header) => header.split(";")[0].split("=")).find(([name]) => name === "directus_session_token")?.[1];
  if (!response.ok || !token) throw new Error(`session login at Directus failed for ${email}: ${response.status}`);
  return token;
}

/** Signs in through the app's login form; returns the Cookie header its answer sets. */
export async function appLogin(appUrl, email) {
  const response = await fetch(`${appUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: appUrl, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: PASSWORD, redirectTo: "/dashboard" }),
  });
  const cookie = response.headers.getSetCookie().map((header) => header.split(";")[0]).join("; ");
  if (response.status !== 302 || !cookie) throw new Error(`login through the app failed for ${email}: ${response.status}`);
  return cookie;
}
