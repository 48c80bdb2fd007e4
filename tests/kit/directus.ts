// The kit's `directus`: direct access to the stack's Directus as its admin, for arranging data and
// checking what the app really stored. The admin uses a static token: DIRECTUS_ADMIN_TOKEN when given;
// otherwise one derived from the admin's password (the test Directus issues 5-second access tokens,
// a static token never expires), so every worker sets the same one and no worker's PATCH invalidates another's.
import { createHash, randomUUID } from "node:crypto";
import { authenticator } from "otplib";
import { currentCode, untilCodeLasts } from "../support/totp.ts";
import { directusRest } from "../support/directus-rest.ts";
import { adminCredentials, adminToken, directusUrl } from "./stack.ts";

export type StoredPost = {
  id: number;
  title: string;
  content: string | null;
  user_created: string | null;
  author: string | null;
  date_created: string | null;
};

export type StoredUser = { id: string; email: string; first_name: string | null; last_name: string | null };

async function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const { token, headers, ...rest } = init;
  return fetch(`${directusUrl()}${path}`, {
    ...rest,
    headers: {
      ...(rest.body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(headers as Record<string, string> | undefined),
    },
  });
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text).data : null) as T;
}

/** Logs in through Directus's REST API and returns the (short-lived) access token. */
export async function loginToken(email: string, password: string): Promise<string> {
  const response = await call("/auth/login", { method: "POST", body: JSON.stringify({ email, password }) });
  const data = await json<{ access_token: string }>(response, `log in as ${email}`);
  return data.access_token;
}

let adminStatic: Promise<string> | null = null;

/** The admin's static token, set once per worker (idempotently) on first use. */
export function adminStaticToken(): Promise<string> {
  const given = adminToken();
  if (given) return Promise.resolve(given);
  adminStatic ??= (async () => {
    const { email, password } = adminCredentials();
    const token = createHash("sha256").update(`e2e-admin-token:${email}:${password}`).digest("hex");
    const access = await loginToken(email, password);
    await json(await call("/users/me", { method: "PATCH", token: access, body: JSON.stringify({ token }) }), "set the admin token");
    return token;
  })().catch((error) => {
    adminStatic = null;
    throw error;
  });
  return adminStatic;
}

let registeredRole: Promise<string> | null = null;

/**
 * An active account with this password, made by the admin in the role Directus gives people who
 * register (its public registration role): what registering and confirming the link leave behind.
 * With `twoFactorSecret`, two-factor sign-in is already on: Directus refuses to set `tfa_secret` on
 * an update, not on a create (services/users.js), so no code has to be waited for. Returns its id.
 */
export async function createAccount(email: string, password: string, { twoFactorSecret }: { twoFactorSecret?: string } = {}): Promise<string> {
  const token = await adminStaticToken();
  registeredRole ??= call("/settings?fields=public_registration_role", { token })
    .then((response) => json<{ public_registration_role: string | null }>(response, "read the registration role"))
    .then(({ public_registration_role: role }) => {
      if (!role) throw new Error("Directus has no public registration role: is it provisioned?");
      return role;
    });
  const role = await registeredRole;
  const body = JSON.stringify({ email, password, role, status: "active", ...(twoFactorSecret ? { tfa_secret: twoFactorSecret } : {}) });
  return (await json<{ id: string }>(await call("/users?fields=id", { method: "POST", token, body }), `create the account ${email}`)).id;
}

/** A post as Directus stores it, read as the admin; null when it does not exist (any more). */
export async function readPost(id: number | string): Promise<StoredPost | null> {
  const token = await adminStaticToken();
  const fields = "id,title,content,user_created,author,date_created";
  const response = await call(`/items/posts/${encodeURIComponent(String(id))}?fields=${fields}`, { token });
  // Directus answers a missing item with 403 (it does not reveal existence), even to the admin.
  if (response.status === 403 || response.status === 404) return null;
  return json<StoredPost>(response, `read post ${id}`);
}

/** A user record as Directus stores it, read as the admin. */
export async function readUser(id: string): Promise<StoredUser> {
  const token = await adminStaticToken();
  const response = await call(`/users/${encodeURIComponent(id)}?fields=id,email,first_name,last_name`, { token });
  return json<StoredUser>(response, `read user ${id}`);
}

/**
 * Creates posts as the given user, one request each and in order, so each is newer than the one
 * before. Returns their ids in creation order. Logs in again when the 5-second token ages.
 */
export async function createPostsAs(
  email: string,
  password: string,
  posts: { title: string; content?: string }[],
): Promise<number[]> {
  let token = await loginToken(email, password);
  let loggedInAt = Date.now();
  const ids: number[] = [];
  for (const post of posts) {
    if (Date.now() - loggedInAt > 3_000) {
      token = await loginToken(email, password);
      loggedInAt = Date.now();
    }
    const response = await call("/items/posts?fields=id", {
      method: "POST",
      token,
      body: JSON.stringify({ title: post.title, content: post.content ?? "" }),
    });
    ids.push((await json<{ id: number }>(response, `create post "${post.title}" as ${email}`)).id);
  }
  return ids;
}

/** A new authenticator-app secret, as Directus makes one (otplib's base32). */
export const newTwoFactorSecret = () => authenticator.generateSecret();

/**
 * Turns two-factor sign-in on for an existing account straight through Directus's REST API (as the
 * person), as if set up on the profile page: returns the secret their authenticator app would hold.
 * A new account gets it faster from `account({ twoFactor: true })`.
 */
export async function enableTwoFactor(email: string, password: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await directusRest(directusUrl()).enableTwoFactor(email, password);
    } catch (error) {
      // A test Directus's 5-second token can end between the login and the enable on a busy machine;
      // Directus keeps nothing until the enable succeeds, so the whole setup can run again.
      if (attempt === 3 || !String(error).includes("TOKEN_EXPIRED")) throw error;
    }
  }
}

/** Whether Directus holds a two-factor secret for the user (it shows only that one is set). */
export async function hasTwoFactor(id: string): Promise<boolean> {
  const token = await adminStaticToken();
  const user = await json<{ tfa_secret: string | null }>(await call(`/users/${encodeURIComponent(id)}?fields=tfa_secret`, { token }), `read user ${id}`);
  return user.tfa_secret !== null;
}

/**
 * A new role with the app's three policies plus one that enforces two-factor sign-in. Directus
 * puts `enforce_tfa` on a login only through the user's role, so the enforced user moves there.
 */
export async function createRoleRequiringTwoFactor(): Promise<string> {
  const token = await adminStaticToken();
  const label = `Two-factor required ${randomUUID().slice(0, 8)}`;
  const policy = await json<{ id: string }>(
    await call("/policies", { method: "POST", token, body: JSON.stringify({ name: label, enforce_tfa: true, app_access: false, admin_access: false }) }),
    "create an enforcing policy",
  );
  const role = await json<{ id: string }>(await call("/roles", { method: "POST", token, body: JSON.stringify({ name: label }) }), "create a role");
  const appPolicies = await json<Array<{ id: string }>>(
    await call(`/policies?fields=id&filter[name][_in]=${encodeURIComponent(APP_POLICIES.join(","))}`, { token }),
    "find the app's policies",
  );
  if (appPolicies.length !== APP_POLICIES.length) throw new Error(`expected the app's ${APP_POLICIES.length} policies, found ${appPolicies.length}`);
  for (const { id } of [...appPolicies, policy]) {
    await json(await call("/access", { method: "POST", token, body: JSON.stringify({ role: role.id, policy: id }) }), "attach a policy");
  }
  return role.id;
}

const APP_POLICIES = ["Can Read and Create Posts", "Can Edit and Delete Own Posts", "Can View and Edit Own Profile"];

export async function moveUserToRole(userId: string, roleId: string): Promise<void> {
  const token = await adminStaticToken();
  await json(await call(`/users/${encodeURIComponent(userId)}`, { method: "PATCH", token, body: JSON.stringify({ role: roleId }) }), "move a user to a role");
}

/**
 * A fresh batch of recovery codes for an account with two-factor sign-in, made as the user through
 * the account-sign-in extension (issue 32): returns the ten codes, as the app would show them once.
 */
export async function recoveryCodesFor(email: string, password: string, secret: string): Promise<string[]> {
  await untilCodeLasts(12);
  const response = await call("/auth/login", { method: "POST", body: JSON.stringify({ email, password, otp: await currentCode(secret) }) });
  const { access_token: token } = await json<{ access_token: string }>(response, `log in as ${email} with a code`);
  const batch = await json<{ codes: string[] }>(
    await call("/account-sign-in/recovery-codes", { method: "POST", token, body: "{}" }),
    `make recovery codes for ${email}`,
  );
  return batch.codes;
}
