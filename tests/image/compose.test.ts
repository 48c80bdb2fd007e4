// compose.yaml read by a real Compose implementation's own code: podman-compose's (Debian's
// package, which test:image installs; it has no `config` command, so its functions are called
// directly): PyYAML's safe_load (anchors and `<<` merges), its normalisation, its `${…}`
// interpolation with deploy/.env.example's values and its dependency walk. tests/unit/deploy.test.ts
// holds the file to the cluster test line by line; this proves the file parses into what it means.
// Nothing here runs a container: the official PostgreSQL, Redis, Directus and HAProxy images cannot
// be pulled on these machines.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "../../scripts/lib/image/podman.mjs";
import { root } from "../../scripts/lib/runtime.mjs";

const PARSE = `
import json, sys
import yaml
import podman_compose as pc
env = pc.dotenv_to_dict(sys.argv[2])
# The secrets .env.example leaves empty, filled as a person would.
for key, value in list(env.items()):
    if value == "":
        env[key] = "secret-" + key.lower()
with open(sys.argv[1]) as f:
    compose = pc.normalize(yaml.safe_load(f))
compose = pc.rec_subs(compose, env)
pc.flat_deps(compose["services"])
print(json.dumps(compose, default=sorted))
`;

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  env_file?: string[];
  healthcheck?: { test?: string[]; disable?: boolean; interval?: string };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  ports?: string[];
  volumes?: string[];
  stop_grace_period?: string;
};

let services: Record<string, Service>;
let volumes: Record<string, unknown>;

beforeAll(async () => {
  // Debian's python3, where python3-yaml and podman-compose are installed (not a pyenv one on PATH).
  const result = await run("/usr/bin/python3", ["-c", PARSE, join(root, "compose.yaml"), join(root, "deploy", ".env.example")], { env: process.env });
  if (result.code !== 0) throw new Error(`podman-compose's parser refused compose.yaml:\n${result.stderr}`);
  ({ services, volumes } = JSON.parse(result.stdout));
});

describe("compose.yaml, as podman-compose reads it", () => {
  it("has the production services, the named volumes, and no stray keys", () => {
    expect(Object.keys(services).sort()).toEqual(["app", "directus", "directus-bootstrap", "postgres", "provision", "proxy", "redis"]);
    expect(Object.keys(volumes).sort()).toEqual(["postgres", "uploads"]);
  });

  it("builds the app and the provisioning job from the Dockerfile here, one image", () => {
    for (const name of ["app", "provision"]) {
      expect(services[name]!.build).toBe(".");
      expect(services[name]!.image).toBe("directus-auth-react-router:latest");
    }
    expect(services.provision!.command).toEqual(["npm", "run", "directus:provision"]);
    expect(existsSync(join(root, "Dockerfile"))).toBe(true);
  });

  it("merges the Directus anchor into both Directus services, with .env's values interpolated", () => {
    for (const name of ["directus", "directus-bootstrap"]) {
      const service = services[name]!;
      expect(service.image).toMatch(/^directus\/directus:\d+\.\d+\.\d+$/);
      expect(service.entrypoint).toEqual(["node", "/directus/cli.js"]);
      expect(service.environment?.DB_PASSWORD).toBe("secret-postgres_password");
      expect(service.environment?.SECRET).toBe("secret-directus_secret");
      expect(service.environment?.USER_REGISTER_URL_ALLOW_LIST).toBe("http://localhost:3000/verify-email");
    }
    expect(services["directus-bootstrap"]!.command).toEqual(["bootstrap"]);
    expect(services.directus!.command).toEqual(["start"]);
  });

  it("publishes the app, and Directus on the host's loopback only, through the proxy alone", () => {
    expect(services.proxy!.ports).toEqual(["3000:3000", "127.0.0.1:8055:8055"]);
    for (const [name, service] of Object.entries(services)) if (name !== "proxy") expect(service.ports ?? []).toEqual([]);
  });

  it("health-checks PostgreSQL, Redis and Directus, and leaves the app to the image's HEALTHCHECK", () => {
    for (const name of ["postgres", "redis", "directus"]) expect(services[name]!.healthcheck?.test?.[0]).toBe("CMD");
    expect(services.directus!.healthcheck?.test?.join(" ")).toContain("/server/health");
    expect(services.app!.healthcheck).toBeUndefined();
    // A one-off job: the image's HEALTHCHECK would never report it healthy.
    expect(services.provision!.healthcheck).toEqual({ disable: true });
  });

  it("starts each tier only once the one below is ready", () => {
    const conditions = Object.fromEntries(
      Object.entries(services).map(([name, service]) => [name, Object.fromEntries(Object.entries(service.depends_on ?? {}).map(([on, { condition }]) => [on, condition]))]),
    );
    expect(conditions).toEqual({
      postgres: {},
      redis: {},
      "directus-bootstrap": { postgres: "service_healthy", redis: "service_healthy" },
      directus: { "directus-bootstrap": "service_completed_successfully" },
      provision: { directus: "service_healthy" },
      app: { provision: "service_completed_successfully" },
      proxy: {},
    });
  });

  it("gives app replicas a stop grace period past server.mjs's 10 s drain", () => {
    expect(services.app!.deploy?.replicas).toBe(2);
    expect(services.app!.stop_grace_period).toBe("15s");
  });

  it("names only files and folders that exist in the repository", () => {
    const paths = Object.values(services).flatMap((service) => [
      ...(service.env_file ?? []),
      ...(service.volumes ?? []).map((volume) => volume.split(":")[0]!).filter((source) => source.startsWith(".")),
    ]);
    expect(paths.length).toBeGreaterThan(0);
    // deploy/identity-providers.env is made from its committed example before use (it may hold client
    // secrets, so git ignores it): a fresh clone has the example.
    const madeBeforeUse = new Set(["deploy/identity-providers.env"]);
    for (const path of paths) expect(existsSync(join(root, madeBeforeUse.has(path) ? `${path}.example` : path)), path).toBe(true);
  });
});
