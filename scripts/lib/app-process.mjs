// Runs the production build (`node server.mjs`) as a child process on a free port, for the tests
// and the benchmark, and waits until it answers.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { getFreePort } from "./directus-process.mjs";
import { root } from "./runtime.mjs";

export async function startApp({ directusUrl, cwd = root, env = {}, nodeArgs = [], host = "127.0.0.1", port, startTimeoutMs = 30_000 }) {
  port ??= await getFreePort();
  const child = spawn(process.execPath, [...nodeArgs, "server.mjs"], {
    cwd,
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DIRECTUS_URL: directusUrl,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      // The address its emails' links use; a deployment sets its public URL.
      APP_URL: `http://${host}:${port}`,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => {
    output += chunk;
    if (process.env.DEBUG_APP) process.stderr.write(chunk);
  });
  const exited = new Promise((done) => child.once("exit", done));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await exited;
  };

  const url = `http://${host}:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  // Any HTTP answer means the server is listening.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited during start-up:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`app did not answer within ${startTimeoutMs} ms:\n${output}`);
    }
    if (await fetch(`${url}/healthz`).then(() => true, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, process: child, pid: child.pid, stop, output: () => output };
}
