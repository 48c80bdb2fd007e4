// npm run directus:provision as an operator runs it, against the real Directus of this run (which
// tests/integration/global-setup.ts has provisioned already).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { provision } from "../../scripts/lib/provision.mjs";
import { root } from "../../scripts/lib/runtime.mjs";
import { DEV_APP_URL } from "../../app/lib/account-links.ts";
import { directusRest } from "../support/directus-rest.ts";

const run = promisify(execFile);
const provisionCli = join(root, "scripts", "provision.mjs");

async function provisionCliWith(vars: Record<string, string>) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("DIRECTUS_")));
  // This run's Directus registers without email verification (global-setup.ts).
  const given = { ...env, DIRECTUS_URL: inject("directusUrl"), REGISTRATION_VERIFY_EMAIL: "false", ...vars };
  return run(process.execPath, [provisionCli], { env: given }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe("npm run directus:provision", () => {
  it("on a provisioned Directus changes nothing and exits 0", async () => {
    const result = await provisionCliWith({ DIRECTUS_ADMIN_EMAIL: inject("adminEmail"), DIRECTUS_ADMIN_PASSWORD: inject("adminPassword") });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("already provisioned: no changes");
  });

  it("stops with Directus's refusal and exit code 1 when the admin token is wrong", async () => {
    const result = await provisionCliWith({ DIRECTUS_ADMIN_TOKEN: "not-a-token" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\[provision\] GET \/server\/info failed: HTTP 401 INVALID_CREDENTIALS/);
  });
});

describe("failed logins never suspend an account (issue 23)", () => {
  const admin = { url: inject("directusUrl"), email: inject("adminEmail"), password: inject("adminPassword") };
  const { call } = directusRest(admin.url);
  const adminToken = async () => (await call("POST", "/auth/login", { body: { email: admin.email, password: admin.password } })).body.data.access_token as string;
  const loginAttempts = async (token: string) => (await call("GET", "/settings?fields=auth_login_attempts", { token })).body.data.auth_login_attempts;

  it("turns Directus's auth_login_attempts off (null), once: the app throttles failed logins instead", async () => {
    const token = await adminToken();
    // This run's Directus was provisioned by global-setup.ts: off already.
    expect(await loginAttempts(token)).toBeNull();
    // Directus's default, as an operator's fresh install has it.
    await call("PATCH", "/settings", { token, body: { auth_login_attempts: 25 } });
    const first = await provision(admin, { log: () => {}, verifyEmail: false });
    expect(first.changes).toContain("updated settings (auth_login_attempts)");
    expect(await loginAttempts(token)).toBeNull();
    expect((await provision(admin, { log: () => {}, verifyEmail: false })).changes).toEqual([]);
  });
});

describe("the passkeys probe", () => {
  const admin = { url: inject("directusUrl"), email: inject("adminEmail"), password: inject("adminPassword") };

  it("finds the account-sign-in extension and the app's host as Directus's APP_URL names it", async () => {
    const lines: string[] = [];
    await provision(admin, { log: (line: string) => lines.push(line), verifyEmail: false, appUrl: DEV_APP_URL });
    expect(lines).toContain("Directus runs the account-sign-in extension");
    expect(lines).toContain(`Directus takes passkeys for ${new URL(DEV_APP_URL).hostname} (APP_URL, account-sign-in extension)`);
  });
});

describe("the account-ownership probe", () => {
  const admin = { url: inject("directusUrl"), email: inject("adminEmail"), password: inject("adminPassword") };

  it("finds the extension by its refusal of the admin's own account, which stays", async () => {
    const lines: string[] = [];
    await provision(admin, { log: (line: string) => lines.push(line), verifyEmail: false });
    expect(lines).toContain("Directus runs the account-ownership extension");
    const login = await fetch(`${admin.url}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    expect(login.status).toBe(200);
  });
});
