// Starts the real services a test run needs: a throwaway Directus (temporary database, provisioned
// with the project's own code) and, for browser tests, the production build of the app.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getFreePort, startDirectus } from "../../scripts/lib/directus-process.mjs";
import { provision } from "../../scripts/lib/provision.mjs";

export type TestDirectus = { url: string; adminEmail: string; adminPassword: string; stop: () => Promise<void> };

export async function startTestDirectus(env: Record<string, string> = {}): Promise<TestDirectus> {
  const dataDir = await mkdtemp(join(tmpdir(), "directus-test-"));
  const port: number = await getFreePort();
  const directus = await startDirectus({
    port,
    dataDir,
    env: { RATE_LIMITER_ENABLED: "false", RATE_LIMITER_REGISTRATION_ENABLED: "false", ACCESS_TOKEN_TTL: "5s", ...env },
    log: (line: string) => process.env.DEBUG_DIRECTUS && console.log(`[test directus] ${line}`),
  });
  await provision({ url: directus.url, email: directus.adminEmail, password: directus.adminPassword }, { log: () => {} });
  return {
    url: directus.url,
    adminEmail: directus.adminEmail,
    adminPassword: directus.adminPassword,
    stop: async () => {
      await directus.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type TestApp = { url: string; process: ChildProcess; stop: () => Promise<void> };

export async function startTestApp(directusUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  const port: number = await getFreePort();
  const child = spawn(process.execPath, ["server.mjs"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DIRECTUS_URL: directusUrl,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => {
    output += chunk;
    if (process.env.DEBUG_APP) process.stderr.write(chunk);
  });
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 30_000;
  // Any HTTP answer means the server is listening.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited during start-up:\n${output}`);
    if (Date.now() > deadline) throw new Error(`app did not answer within 30 s:\n${output}`);
    const answered = await fetch(`${url}/healthz`).then(() => true, () => false);
    if (answered) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  };
  return { url, process: child, stop };
}
