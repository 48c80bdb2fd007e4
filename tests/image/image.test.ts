// The production image, built from the Dockerfile as it is (npm run test:image), run with podman
// against throwaway Directus instances of the embedded Directus: what a person deploying it relies on.
// Every container this file starts is removed in afterAll, also after a failure.
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFreePort, startDirectus, type RunningDirectus } from "../../scripts/lib/directus-process.mjs";
import { provision } from "../../scripts/lib/provision.mjs";
import { root } from "../../scripts/lib/runtime.mjs";
import { imageSize } from "../../scripts/lib/image/build.mjs";
import { podman } from "../../scripts/lib/image/podman.mjs";
import { startDirectusProxy, type DirectusProxy } from "../support/directus-proxy.ts";
import { DirectusAdmin, HttpSession, uniqueEmail } from "../support/http-session.ts";
import { reserveAppUrl, startTestDirectus, type TestDirectus } from "../support/services.ts";
import { image, removeContainers, runOnce, startContainer, type Container } from "./container.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Directus pads logins and registrations against timing attacks; the test needs them quick.
const FAST_AUTH = { LOGIN_STALL_TIME: "50", REGISTER_STALL_TIME: "50" };
// As compose.yaml stops an app replica: SIGTERM, then SIGKILL after this many seconds.
const GRACE_SECONDS = 15;

/** A bootstrapped, unprovisioned Directus data directory: one bootstrap for both instances below. */
let template = "";
let directus: TestDirectus;
let proxy: DirectusProxy;
let app: Container;
let appUrl: string;

/** The production settings the README and compose.yaml give the app (deploy/app.env: TRUST_PROXY). */
function appOptions(port: number, url: string, directusUrl: string): string[] {
  return [
    "--env-file", join(root, "deploy", "app.env"),
    "-e", `DIRECTUS_URL=${directusUrl}`,
    "-e", `SESSION_SECRET=${randomBytes(32).toString("hex")}`,
    "-e", `APP_URL=${url}`,
    "-e", `PORT=${port}`,
    // Host networking: listen on loopback only, not on every address of this machine.
    "-e", "HOST=127.0.0.1",
    "-e", `REGISTER_STALL_TIME=${FAST_AUTH.REGISTER_STALL_TIME}`,
  ];
}

async function waitForHealthz(url: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${url}/healthz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    // A server that cannot start (a file missing from the image, say) says why at once.
    const state = await app.inspect("{{.State.Status}}");
    if (state !== "running") throw new Error(`the container is ${state}:\n${await app.logs()}`);
    if (Date.now() > deadline) throw new Error(`${url}/healthz answered ${status} for ${timeoutMs} ms:\n${await app.logs()}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  const reserved = await reserveAppUrl();
  appUrl = reserved.url;
  template = await mkdtemp(join(tmpdir(), "image-directus-"));
  const bootstrapped = await startDirectus({ port: await getFreePort(), dataDir: template, appUrl, log: () => {} });
  await bootstrapped.stop();
  directus = await startTestDirectus(FAST_AUTH, { template, appUrl });
  await provision({ url: directus.url, email: directus.adminEmail, password: directus.adminPassword }, { log: () => {}, verifyEmail: true, appUrl });
  // Between the container and Directus, so a test can hold a request in flight.
  proxy = await startDirectusProxy(directus.url);
  app = await startContainer([
    // A read-only root filesystem and not even podman's default tmpfs on /tmp, /var/tmp and /run:
    // the server writes nothing.
    "--read-only",
    "--read-only-tmpfs=false",
    ...appOptions(reserved.port, appUrl, proxy.url),
  ]);
  await waitForHealthz(appUrl);
}, 180_000);

afterAll(async () => {
  await removeContainers();
  await proxy?.stop();
  await directus?.stop();
  if (template) await rm(template, { recursive: true, force: true });
});

describe("the image's contents", () => {
  it("holds no dev dependency and no test, and prints its size", async () => {
    const check = `
      const fs = require("node:fs");
      const dev = Object.keys(require("/app/package.json").devDependencies);
      const found = dev.filter((name) => fs.existsSync("/app/node_modules/" + name));
      const tests = ["/app/tests", "/app/playwright.config.ts", "/app/vitest.config.ts", "/app/directus", "/app/.git"].filter((path) => fs.existsSync(path));
      console.log(JSON.stringify({ found, tests }));`;
    const result = await runOnce([], ["node", "-e", check]);
    expect(result.stderr).toBe("");
    // TypeScript alone: @react-router/node names it as an optional peer dependency, and
    // npm ci --omit=dev still installs those ("devOptional" in package-lock.json). No test runner,
    // no browser driver, no React Router dev package, no Vite.
    expect(JSON.parse(result.stdout)).toEqual({ found: ["typescript"], tests: [] });
    const size = await imageSize(image);
    console.log(`image ${image}: ${(size / 1e6).toFixed(0)} MB`);
    expect(size).toBeGreaterThan(0);
  });
});

describe("a container of the image", () => {
  it("runs as a non-root user", async () => {
    expect(await podman(["image", "inspect", "--format", "{{.Config.User}}", image])).toBe("node");
    const id = await app.exec(["node", "-e", "console.log(process.getuid(), process.getgid())"]);
    expect(id.stdout.trim()).toBe("1000 1000");
  });

  it("cannot write its own code, even on a writable filesystem", async () => {
    // A container without --read-only: only file ownership and modes protect /app there.
    const walk = `
      const fs = require("node:fs"), path = require("node:path");
      const writable = [];
      const visit = (p) => {
        try { fs.accessSync(p, fs.constants.W_OK); writable.push(p); } catch {}
        const stat = fs.lstatSync(p);
        if (stat.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
      };
      visit("/app");
      console.log(JSON.stringify(writable.slice(0, 20)));`;
    const result = await runOnce([], ["node", "-e", walk]);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it("serves from a read-only root filesystem with no tmpfs", async () => {
    expect(await app.inspect("{{.HostConfig.ReadonlyRootfs}}")).toBe("true");
    const mounts = JSON.parse(await app.inspect("{{json .Mounts}}")) as unknown[];
    expect(mounts).toEqual([]);
    const write = await app.exec(["node", "-e", "require('node:fs').writeFileSync('/tmp/x', 'x')"]);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain("EROFS");
    expect((await fetch(`${appUrl}/login`)).status).toBe(200);
  });

  it("registers, logs in, shows the dashboard and logs out, in production mode", async () => {
    expect(await app.exec(["node", "-e", "console.log(process.env.NODE_ENV)"]).then((r) => r.stdout.trim())).toBe("production");
    const visitor = new HttpSession(appUrl, { mailDir: directus.mailDir });
    const { email, password, id } = await visitor.register(uniqueEmail("image"));
    // The production cookie: __Host- prefixed, hence Secure.
    expect(visitor.cookie("__Host-session")).toBeTruthy();
    const out = await visitor.logout();
    expect(out.path).not.toBe("/dashboard");
    expect((await visitor.get("/dashboard")).path).toMatch(/^\/login/);

    const again = new HttpSession(appUrl);
    const dashboard = await again.login(email, password);
    expect(dashboard.body).toContain(id);
    await again.logout();
    expect((await again.get("/dashboard")).path).toMatch(/^\/login/);
  });

  it("reports healthy through its HEALTHCHECK while Directus answers, unhealthy while it does not", async () => {
    const config = JSON.parse(await podman(["image", "inspect", "--format", "{{json .Config.Healthcheck}}", image])) as { Test: string[]; StartPeriod: number; Retries: number };
    expect(config.Test.join(" ")).toContain("/healthz");
    // Failures inside the start period do not count: wait it out, as a long-running container would.
    const startedAt = Date.parse(await app.inspect("{{.State.StartedAt}}"));
    await sleep(Math.max(0, startedAt + config.StartPeriod / 1e6 + 500 - Date.now()));
    const status = () => app.inspect("{{.State.Health.Status}}");

    expect((await app.healthcheck()).code).toBe(0);
    expect(await status()).toBe("healthy");
    await directus.halt();
    try {
      for (let i = 0; i < config.Retries; i++) {
        const failed = await app.healthcheck();
        expect([failed.code, failed.stdout.trim()]).toEqual([1, "unhealthy"]);
      }
      // As many failures in a row as the image allows: the container is unhealthy.
      expect(await status()).toBe("unhealthy");
    } finally {
      await directus.restart();
    }
    expect((await app.healthcheck()).code).toBe(0);
    expect(await status()).toBe("healthy");
  });

  // Last: it stops the container.
  it("finishes a request in flight on SIGTERM and exits 0 within the grace period", async () => {
    const visitor = new HttpSession(appUrl, { mailDir: directus.mailDir });
    const { id } = await visitor.register(uniqueEmail("sigterm"));
    proxy.setMode({ kind: "delay", ms: 1_500 });
    try {
      const inFlight = visitor.get("/dashboard", { follow: false }).then((reply) => ({ reply, at: Date.now() }));
      await sleep(300); // the request now waits on the delayed Directus
      const signalledAt = Date.now();
      // podman stop: SIGTERM (the image sets no other STOPSIGNAL), SIGKILL only after the grace period.
      await podman(["stop", "--time", String(GRACE_SECONDS), app.name]);
      const stoppedAt = Date.now();
      const { reply, at } = await inFlight;
      expect(reply.status).toBe(200);
      expect(reply.body).toContain(id);
      expect(at).toBeGreaterThan(signalledAt);
      expect(await app.inspect("{{.State.ExitCode}}")).toBe("0");
      expect(stoppedAt - signalledAt).toBeLessThan(GRACE_SECONDS * 1000);
      expect(await app.logs()).toContain("SIGTERM received");
    } finally {
      proxy.setMode({ kind: "pass" });
    }
  });
});

describe("npm run directus:provision in the image", () => {
  let fresh: RunningDirectus | null = null;
  let dataDir = "";
  afterAll(async () => {
    await fresh?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("provisions a fresh Directus, as the Dockerfile's comment and the README document it", async () => {
    // Bootstrapped only: no posts collection, no role, registration closed.
    dataDir = await mkdtemp(join(tmpdir(), "image-provision-"));
    await cp(template, dataDir, { recursive: true });
    fresh = await startDirectus({ port: await getFreePort(), dataDir, appUrl, log: () => {} });
    const admin = new DirectusAdmin(fresh.url, fresh.adminEmail, fresh.adminPassword);
    expect((await admin.call("GET", "/collections/posts")).status).not.toBe(200);

    const result = await runOnce(
      ["-e", `DIRECTUS_URL=${fresh.url}`, "-e", `DIRECTUS_ADMIN_EMAIL=${fresh.adminEmail}`, "-e", `DIRECTUS_ADMIN_PASSWORD=${fresh.adminPassword}`, "-e", `APP_URL=${appUrl}`],
      ["npm", "run", "directus:provision"],
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect((await admin.call("GET", "/collections/posts")).status).toBe(200);
    const settings = await admin.call<{ public_registration: boolean }>("GET", "/settings");
    expect(settings.data.public_registration).toBe(true);
  }, 180_000);
});
