// Provisioning against a Directus that refuses custom permission rules (Directus 12 core tier),
// and the CLI's fail-fast checks. Uses a small fake Directus on loopback; no real services.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST_FIELDS, ProvisionError, provision } from "../../scripts/lib/provision.mjs";
import { root } from "../../scripts/lib/runtime.mjs";

const run = promisify(execFile);
const provisionCli = join(root, "scripts", "provision.mjs");

/** Answers like a Directus 12 core-tier server whose schema is in place but which refuses permission rules. */
function fakeDirectus12(): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== "Bearer admin-token") {
      return send(401, { errors: [{ message: "Invalid user credentials.", extensions: { code: "INVALID_CREDENTIALS" } }] });
    }
    const route = `${req.method} ${path}`;
    switch (route) {
      case "GET /server/info":
        return send(200, { data: { version: "12.0.0" } });
      case "GET /collections/posts":
        return send(200, { data: { collection: "posts", schema: { name: "posts" } } });
      case "GET /fields/posts":
        return send(200, {
          data: POST_FIELDS.map((f) => ({ field: f.field, type: f.type, meta: f.meta, schema: { is_nullable: f.schema.is_nullable ?? true } })),
        });
      case "GET /relations/posts":
        return send(200, {
          data: POST_FIELDS.filter((f) => f.relatedCollection).map((f) => ({ field: f.field, related_collection: f.relatedCollection })),
        });
      case "GET /policies":
      case "GET /permissions":
        return send(200, { data: [] });
      case "POST /policies":
        return send(200, { data: { id: "policy-1" } });
      case "POST /permissions":
        return send(403, {
          errors: [{ message: "Custom permissions are not available on this plan.", extensions: { code: "RESOURCE_RESTRICTED" } }],
        });
      default:
        return send(500, { errors: [{ message: `fake: unexpected ${route}` }] });
    }
  });
}

describe("provisioning Directus 12 core tier", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = fakeDirectus12();
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it("stops with an error naming RESOURCE_RESTRICTED and the Directus 12 core-tier restriction", async () => {
    const error = await provision({ url, token: "admin-token" }, { log: () => {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as ProvisionError).code).toBe("RESOURCE_RESTRICTED");
    expect((error as Error).message).toContain("RESOURCE_RESTRICTED");
    expect((error as Error).message).toContain("Directus 12 core tier refuses custom permission rules; use Directus 11.17");
  });

  it("npm run directus:provision exits non-zero with that message", async () => {
    const result = await run(process.execPath, [provisionCli], {
      env: { ...process.env, DIRECTUS_URL: url, DIRECTUS_ADMIN_TOKEN: "admin-token" },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Directus 12 core tier refuses custom permission rules");
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
