// Provisioning for the account flows, against this run's real Directus: REGISTRATION_VERIFY_EMAIL's
// setting, which changes no permission (a user never sets their own status: a changed email waits
// for the account-security extension's link instead), and the check that Directus accepts the app's
// links. Leaves verification off again, as global-setup.ts provisioned it.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DEV_APP_URL } from "../../app/lib/account-links.ts";
import { provision } from "../../scripts/lib/provision.mjs";
import { directusRest } from "../support/directus-rest.ts";

const url = inject("directusUrl");
const admin = { url, email: inject("adminEmail"), password: inject("adminPassword") };
const quiet = { log: () => {} };

const { call, sessionLogin } = directusRest(url);

async function token(email: string, password: string) {
  const reply = await call("POST", "/auth/login", { body: { email, password } });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.data.access_token as string;
}

/** A session-mode token, as the app holds: Directus checks its session on every request. */
async function sessionToken(email: string, password: string) {
  const reply = await sessionLogin(email, password);
  expect(reply.status).toBe(200);
  return reply.sessionToken!;
}

afterAll(async () => {
  await provision(admin, { ...quiet, verifyEmail: false });
});

describe("provisioning with email verification on", () => {
  it("leaves new users unverified, and a user sets no status of their own, nor another address directly", async () => {
    const first = await provision(admin, { ...quiet, verifyEmail: true });
    expect(first.changes).toEqual(["updated settings (public_registration_verify_email)"]);
    expect((await provision(admin, { ...quiet, verifyEmail: true })).changes).toEqual([]);

    const email = `verify-${randomUUID().slice(0, 8)}@example.com`;
    const password = `pw-${randomUUID()}`;
    expect((await call("POST", "/users/register", { body: { email, password } })).status).toBe(204);
    const adminToken = await token(admin.email, admin.password);
    const found = await call("GET", `/users?filter[email][_eq]=${encodeURIComponent(email)}&fields=id,status`, { token: adminToken });
    expect(found.body.data).toEqual([{ id: expect.any(String), status: "unverified" }]);
    // Unverified users cannot log in; an admin activates this one to try the permission.
    expect((await call("POST", "/auth/login", { body: { email, password } })).status).toBe(401);
    await call("PATCH", `/users/${found.body.data[0].id}`, { token: adminToken, body: { status: "active" } });

    const user = await sessionToken(email, password);
    for (const status of ["unverified", "active", "suspended", "archived"]) {
      const refused = await call("PATCH", "/users/me", { token: user, body: { status } });
      expect(refused.status, status).toBe(403);
    }
    expect((await call("PATCH", "/users/me", { token: user, body: { first_name: "Names" } })).status).toBe(200);
    const newEmail = `moved-${randomUUID().slice(0, 8)}@example.com`;
    const direct = await call("PATCH", "/users/me", { token: user, body: { email: newEmail } });
    expect([direct.status, direct.body.errors[0].extensions.code]).toEqual([403, "FORBIDDEN"]);
    expect((await call("GET", "/users/me?fields=email,status", { token: user })).body.data).toEqual({ email, status: "active" });
  });

  it("turned off again, changes the setting only", async () => {
    const result = await provision(admin, { ...quiet, verifyEmail: false });
    expect(result.changes).toEqual(["updated settings (public_registration_verify_email)"]);
  });
});

describe("the check of the app's account links", () => {
  it("passes for the app this Directus was started for", async () => {
    const lines: string[] = [];
    await provision(admin, { log: (line) => lines.push(line), verifyEmail: false, appUrl: DEV_APP_URL });
    expect(lines).toContain(`Directus accepts ${DEV_APP_URL}/reset-password (PASSWORD_RESET_URL_ALLOW_LIST)`);
    expect(lines).toContain(`Directus accepts ${DEV_APP_URL}/verify-email (USER_REGISTER_URL_ALLOW_LIST)`);
    expect(lines).toContain(`Directus accepts ${DEV_APP_URL}/confirm-email (ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST, account-security extension)`);
  });

  it("stops, naming the setting to change, for an app Directus does not accept links to", async () => {
    await expect(provision(admin, { ...quiet, verifyEmail: false, appUrl: "https://app.example.com" })).rejects.toThrow(
      "Directus refuses the app's link https://app.example.com/reset-password: add it to PASSWORD_RESET_URL_ALLOW_LIST in Directus's environment",
    );
  });
});
