// compose.yaml and the Dockerfile against the cluster test (scripts/lib/cluster/): the same settings
// files, the same proxy config, the same pinned versions and health checks. Nothing here runs
// Docker; it fails when someone changes one side and not the other.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relative } from "node:path";
import { root } from "../../scripts/lib/runtime.mjs";
import { EXTENSIONS_DIR } from "../../scripts/lib/directus-process.mjs";
import {
  APP_CLUSTER_ENV,
  appEnv,
  createSettings,
  DIRECTUS_CLUSTER_ENV,
  directusEnv,
  haproxyEnv,
  INSTANCES,
  type ClusterSettings,
} from "../../scripts/lib/cluster/settings.mjs";

const read = (path: string) => readFileSync(join(root, path), "utf8");
const compose = read("compose.yaml").split("\n");
const dockerfile = read("Dockerfile");
const haproxyCfg = read("scripts/lib/cluster/haproxy.cfg");

/**
 * The lines nested under a path of keys in compose.yaml (two-space indentation, as written there):
 * enough to read a mapping's keys or find a value without a YAML parser.
 */
function block(path: string[]): string[] {
  let lines = compose;
  let indent = 0;
  for (const key of path) {
    const start = lines.findIndex((line) => line.startsWith(`${" ".repeat(indent)}${key}:`));
    if (start === -1) throw new Error(`compose.yaml has no ${path.join(".")}`);
    const end = lines.findIndex((line, i) => i > start && line.trim() !== "" && !line.trimStart().startsWith("#") && !line.startsWith(" ".repeat(indent + 1)));
    lines = lines.slice(start + 1, end === -1 ? undefined : end);
    indent += 2;
  }
  return lines;
}

/** The keys of a mapping in compose.yaml. */
function keys(path: string[]): string[] {
  const indent = " ".repeat(path.length * 2);
  return block(path).flatMap((line) => (line.startsWith(indent) && !line.startsWith(`${indent} `) ? (line.match(/^\s*([\w-]+):/)?.[1] ?? []) : []));
}

/** One environment value in compose.yaml, unquoted. */
function environmentValue(path: string[], name: string): string | undefined {
  const line = block([...path, "environment"]).find((entry) => entry.trimStart().startsWith(`${name}:`));
  return line?.slice(line.indexOf(":") + 1).trim().replace(/^"(.*)"$/, "$1");
}

const without = (names: string[], ...excluded: Array<Record<string, string>>) =>
  names.filter((name) => !excluded.some((env) => name in env)).sort();

let dir: string;
let settings: ClusterSettings;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "deploy-test-"));
  settings = await createSettings(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the settings files both read (deploy/*.env)", () => {
  it.each(["deploy/directus.env", "deploy/app.env"])("%s holds plain KEY=value lines, read alike by Compose and Node", (file) => {
    for (const line of read(file).split("\n")) {
      if (line === "" || line.startsWith("#")) continue;
      // No quotes, spaces, `#` or `$`: the two parsers differ on those.
      expect(line).toMatch(/^[A-Z][A-Z0-9_]*=[^\s"'#$]*$/);
    }
  });

  it("are what the cluster test starts Directus and the app with", () => {
    expect(DIRECTUS_CLUSTER_ENV).toEqual(parseEnv(read("deploy/directus.env")));
    expect(APP_CLUSTER_ENV).toEqual(parseEnv(read("deploy/app.env")));
    expect(directusEnv(settings)).toMatchObject(DIRECTUS_CLUSTER_ENV);
    expect(appEnv(settings)).toMatchObject(APP_CLUSTER_ENV);
  });

  it("let Directus take X-Forwarded-For only from the proxy's private network, never from any proxy", () => {
    // Directus's default (true) believes whatever a direct caller writes there, defeating per-IP limits.
    expect(DIRECTUS_CLUSTER_ENV.IP_TRUST_PROXY).toBe("loopback,uniquelocal");
  });

  it("deploy/identity-providers.env stays out of git (filled in, it holds client secrets); its committed example offers no provider", () => {
    expect(read(".gitignore").split("\n")).toContain("/deploy/identity-providers.env");
    expect(execFileSync("git", ["ls-files", "deploy/identity-providers.env"], { cwd: root, encoding: "utf8" })).toBe("");
    expect(parseEnv(read("deploy/identity-providers.env.example"))).toEqual({});
    // Compose refuses to start without it: the README's quick start copies the example first.
    expect(compose.join("\n")).toContain("cp deploy/identity-providers.env.example deploy/identity-providers.env");
  });

  it("are what compose.yaml gives Directus and the app", () => {
    expect(block(["x-directus"])).toContain("  env_file: [deploy/directus.env, deploy/identity-providers.env]");
    expect(block(["services", "app"])).toContain("    env_file: [deploy/app.env, deploy/identity-providers.env]");
  });
});

describe("compose.yaml", () => {
  it("runs the Directus the project pins", () => {
    const pinned = JSON.parse(read("directus/package.json")).dependencies.directus;
    const images = compose.flatMap((line) => line.match(/image:\s*directus\/directus:(\S+)/)?.[1] ?? []);
    expect(images).toEqual([pinned]);
  });

  it("gives Directus exactly the per-deployment settings the cluster test gives it, none of the shared ones again", () => {
    // The test-only settings (short sessions, lax rate limits) stay out of production.
    const perDeployment = without(Object.keys(directusEnv(settings)), DIRECTUS_CLUSTER_ENV, settings.directus.env);
    expect(keys(["x-directus", "environment"]).sort()).toEqual(perDeployment);
  });

  it("gives the app exactly the per-deployment settings the cluster test gives it, Directus through the proxy", () => {
    expect(keys(["services", "app", "environment"]).sort()).toEqual(without(Object.keys(appEnv(settings)), APP_CLUSTER_ENV));
    const directusBind = environmentValue(["services", "proxy"], "DIRECTUS_PROXY_BIND");
    expect(environmentValue(["services", "app"], "DIRECTUS_URL")).toBe(`http://proxy${directusBind}`);
  });

  it("mounts the extensions every Directus of the cluster test loads where the image loads them, and they must load", () => {
    // The image runs in /directus with Directus's default EXTENSIONS_PATH, ./extensions.
    expect(block(["x-directus", "volumes"])).toContain(`    - ./${relative(root, EXTENSIONS_DIR)}:/directus/extensions:ro`);
    expect(directusEnv(settings).EXTENSIONS_PATH).toBeUndefined();
    expect(DIRECTUS_CLUSTER_ENV.EXTENSIONS_MUST_LOAD).toBe("true");
  });

  it("runs as many Directus and app instances as the cluster test", () => {
    expect(block(["services", "directus", "deploy"])).toContain(`      replicas: ${INSTANCES}`);
    expect(block(["services", "app", "deploy"])).toContain(`      replicas: ${INSTANCES}`);
  });

  it("proxies with the cluster test's haproxy.cfg, every variable it reads set", () => {
    expect(block(["services", "proxy", "volumes"])).toContain("      - ./scripts/lib/cluster/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
    const variables = [...new Set([...haproxyCfg.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]))].sort();
    expect(Object.keys(haproxyEnv(settings)).sort()).toEqual(variables);
    expect(keys(["services", "proxy", "environment"]).sort()).toEqual(variables);
  });

  it("points each HAProxy server at the port its service listens on", () => {
    const appPort = dockerfile.match(/ENV .*\bPORT=(\d+)/)?.[1];
    for (let i = 1; i <= INSTANCES; i++) {
      expect(environmentValue(["services", "proxy"], `DIRECTUS_${i}_ADDR`)).toBe("directus:8055");
      expect(environmentValue(["services", "proxy"], `APP_${i}_ADDR`)).toBe(`app:${appPort}`);
    }
  });

  it("publishes only the app; Directus (its admin app) on the host's loopback at most", () => {
    // Anyone who reaches Directus directly skips every check the app makes (issue 23).
    const published = block(["services", "proxy", "ports"]).map((line) => line.trim().replace(/^- "?|"$/g, ""));
    expect(published).toEqual(["${APP_PORT:-3000}:3000", "127.0.0.1:${DIRECTUS_PORT:-8055}:8055"]);
    for (const service of keys(["services"]).filter((name) => name !== "proxy")) {
      expect(block(["services", service]).some((line) => /^\s{4}ports:/.test(line))).toBe(false);
    }
  });

  it("gives the app the shared Redis for its counters, as the cluster test does", () => {
    expect(environmentValue(["services", "app"], "REDIS_URL")).toBe(environmentValue(["x-directus"], "REDIS"));
  });

  it("asks for every variable it reads from .env in deploy/.env.example", () => {
    const used = new Set([...compose.join("\n").matchAll(/\$\{(\w+)/g)].map((match) => match[1]));
    expect([...used].sort()).toEqual(Object.keys(parseEnv(read("deploy/.env.example"))).sort());
  });
});

describe("health checks", () => {
  /** A backend section of haproxy.cfg, up to the blank line that ends it. */
  const backend = (name: string) => haproxyCfg.split(/^backend /m).find((section) => section.startsWith(`${name}\n`))?.split("\n\n")[0] ?? "";
  const checked = (name: string) => backend(name).match(/option httpchk GET (\S+)/)?.[1];

  it("HAProxy checks /server/health on Directus and /healthz on the app, on as many servers as the test runs", () => {
    expect(checked("directus")).toBe("/server/health");
    expect(checked("app")).toBe("/healthz");
    const servers = (name: string) => backend(name).match(/^\s+server /gm)?.length;
    expect([servers("directus"), servers("app")]).toEqual([INSTANCES, INSTANCES]);
  });

  it("falls back to every app instance that answers /healthz at all when none reaches Directus", () => {
    expect(haproxyCfg).toMatch(/^\s+use_backend app if \{ nbsrv\(app\) gt 0 \}\n\s+default_backend app_answering$/m);
    expect(checked("app_answering")).toBe("/healthz");
    expect(backend("app_answering")).toContain("http-check expect rstatus ^(200|503)$");
    const addresses = (name: string) => [...backend(name).matchAll(/^\s+server \S+ (\S+) check$/gm)].map((match) => match[1]);
    expect(addresses("app_answering")).toEqual(addresses("app"));
  });

  it("Docker checks the same paths", () => {
    expect(dockerfile.match(/^HEALTHCHECK [^]*?\n[^\n]*CMD [^\n]*/m)?.[0]).toContain(`:' + (process.env.PORT || 3000) + '${checked("app")}'`);
    expect(block(["services", "directus", "healthcheck"]).join("\n")).toContain(`:8055${checked("directus")}'`);
  });
});

describe("the Dockerfile", () => {
  it("runs the Node the project pins", () => {
    expect(dockerfile).toMatch(new RegExp(`^ARG NODE_VERSION=${read(".nvmrc").trim().replaceAll(".", "\\.")}$`, "m"));
  });

  it("runs as node, with production dependencies only, and never installs the embedded Directus", () => {
    const final = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(final).toMatch(/^USER node$/m);
    expect(final).toContain("npm ci --omit=dev --ignore-scripts");
    expect(dockerfile).toMatch(/^ENV SKIP_DIRECTUS_INSTALL=1$/m);
  });
});
