// Provisioning's own logic, without any Directus: the message for a Directus that refuses custom
// permission rules (Directus 12 core tier), and the CLI's checks before it contacts anything.
// Provisioning itself runs against a real Directus in tests/integration/provision.test.ts.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { passkeyHostProblem, ProvisionError, resourceRestricted } from "../../scripts/lib/provision.mjs";
import { root } from "../../scripts/lib/runtime.mjs";

const run = promisify(execFile);
const provisionCli = join(root, "scripts", "provision.mjs");

describe("a refused permission rule (Directus 12 core tier)", () => {
  // The error body Directus 12 sends when its core tier refuses a custom permission.
  const refusal = { errors: [{ message: "Custom permissions are not available on this plan.", extensions: { code: "RESOURCE_RESTRICTED" } }] };

  it("becomes an error naming RESOURCE_RESTRICTED, the restriction and the refused call", () => {
    const error = resourceRestricted("POST", "/permissions", 403, refusal);
    expect(error).toBeInstanceOf(ProvisionError);
    expect(error?.code).toBe("RESOURCE_RESTRICTED");
    expect(error?.status).toBe(403);
    expect(error?.message).toContain("Directus 12 core tier refuses custom permission rules; use Directus 11.17");
    expect(error?.message).toContain("refused: POST /permissions: RESOURCE_RESTRICTED: Custom permissions are not available on this plan.");
  });

  it.each([
    ["a forbidden call", { errors: [{ message: "You don't have permission", extensions: { code: "FORBIDDEN" } }] }],
    ["an empty body", null],
    ["a body that is not Directus's", "<html>"],
  ])("is not confused with %s", (_label, body) => {
    expect(resourceRestricted("POST", "/permissions", 403, body)).toBeNull();
  });
});

describe("npm run directus:provision fails fast on missing settings", () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{}, "DIRECTUS_URL"],
    [{ DIRECTUS_URL: "http://127.0.0.1:9" }, "DIRECTUS_ADMIN_TOKEN"],
    [{ DIRECTUS_URL: "http://127.0.0.1:9", DIRECTUS_ADMIN_EMAIL: "a@example.com" }, "DIRECTUS_ADMIN_PASSWORD"],
    [{ DIRECTUS_URL: "http://127.0.0.1:9", DIRECTUS_ADMIN_PASSWORD: "x" }, "DIRECTUS_ADMIN_EMAIL"],
  ];
  it.each(cases)("with %j it names %s", async (vars, missing) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("DIRECTUS_")));
    const result = await run(process.execPath, [provisionCli], { env: { ...env, ...vars } }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${missing} is not set`);
  });
});

describe("the passkeys probe's verdict", () => {
  it("accepts a Directus whose APP_URL names the app's host (port and path aside)", () => {
    expect(passkeyHostProblem("app.example.com", "https://app.example.com:8443/some/path")).toBeNull();
  });

  it("names the setting to change when it names another host: no passkey would work", () => {
    expect(passkeyHostProblem("localhost", "https://app.example.com")).toBe(
      "Directus's APP_URL names the host localhost, but the app runs at https://app.example.com: set APP_URL=https://app.example.com in Directus's environment, or no passkey will work",
    );
  });
});
