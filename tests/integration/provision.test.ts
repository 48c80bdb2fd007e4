// npm run directus:provision as an operator runs it, against the real Directus of this run (which
// tests/integration/global-setup.ts has provisioned already).
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getFreePort } from "../../scripts/lib/directus-process.mjs";
import { provision } from "../../scripts/lib/provision.mjs";
import { root } from "../../scripts/lib/runtime.mjs";
import { accountLinks, DEV_APP_URL } from "../../app/lib/account-links.ts";
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

/**
 * Runs `npm run directus` (what `npm run dev` starts) on a data folder of its own until it is ready or
 * exits, then stops it: all it printed, and its exit code (null when it was stopped after "ready").
 */
async function runDirectus(dataDir: string, vars: Record<string, string> = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("DIRECTUS_") && !key.endsWith("_URL_ALLOW_LIST")));
  const child = spawn(process.execPath, [join(root, "scripts", "directus.mjs")], {
    env: { ...env, DIRECTUS_DATA_DIR: dataDir, DIRECTUS_PORT: String(await getFreePort()), ...vars },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const ready = new Promise<void>((done) => child.stdout.on("data", () => output.includes("Ctrl+C to stop") && done()));
  const code = await Promise.race([exited, ready.then(() => "ready" as const)]);
  if (code === "ready") {
    child.kill("SIGTERM");
    await exited;
  }
  return { output, code: code === "ready" ? null : code };
}

describe("npm run directus (and so npm run dev) prints only what is wrong", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "directus-script-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("a first start whose checks pass shows no error and no stack", { timeout: 180_000 }, async () => {
    const { output, code } = await runDirectus(dataDir);
    expect(code).toBeNull();
    expect(output).toContain(`[provision] Directus accepts ${accountLinks(DEV_APP_URL).resetPassword} (PASSWORD_RESET_URL_ALLOW_LIST)`);
    // Directus's own log of the reset check's refusal (an address with no account) said FORBIDDEN, with its stack.
    expect(output).not.toMatch(/FORBIDDEN|"level":50|stack|\n\s+at /i);
  });

  it("a reset link Directus refuses is one line that says what to set, and the script stops", { timeout: 120_000 }, async () => {
    const { output, code } = await runDirectus(dataDir, { PASSWORD_RESET_URL_ALLOW_LIST: "https://elsewhere.example/reset-password" });
    expect(code).toBe(1);
    const problems = output.split("\n").filter((line) => /refuses|FORBIDDEN|error/i.test(line));
    expect(problems).toEqual([
      `[provision] Directus refuses the app's link ${accountLinks(DEV_APP_URL).resetPassword}: add it to PASSWORD_RESET_URL_ALLOW_LIST in Directus's environment`,
    ]);
    expect(output).not.toMatch(/stack|\n\s+at /i);
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

  it("finds the extension by its refusal of the admin's own account, which stays, and its activity", async () => {
    const lines: string[] = [];
    await provision(admin, { log: (line: string) => lines.push(line), verifyEmail: false });
    expect(lines).toContain("Directus runs the account-ownership extension");
    expect(lines).toContain("Directus serves the account's activity and export (account-ownership extension)");
    const login = await fetch(`${admin.url}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    expect(login.status).toBe(200);
  });
});
