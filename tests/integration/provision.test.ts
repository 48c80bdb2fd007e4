// npm run directus:provision as an operator runs it, against the real Directus of this run (which
// tests/integration/global-setup.ts has provisioned already).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { root } from "../../scripts/lib/runtime.mjs";

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
