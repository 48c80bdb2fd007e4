// Podman as these machines can run it (no Docker engine here): Debian's podman with runc, as root,
// host networking. Two settings podman's defaults get wrong here live in a containers.conf that every
// call names through CONTAINERS_CONF: crun stops with "cgroups in hybrid mode not supported", and
// the default ulimits are refused.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CONF = `[engine]\nruntime = "runc"\n\n[containers]\ndefault_ulimits = []\n`;

/** Writes the containers.conf once per process and returns the environment podman runs with. */
export function podmanEnv() {
  if (!process.env.CONTAINERS_CONF) {
    const dir = join(tmpdir(), "directus-auth-image");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "containers.conf");
    writeFileSync(file, CONF);
    process.env.CONTAINERS_CONF = file;
  }
  return process.env;
}

/**
 * Runs a command to its end. `echo`: stream its output as well (long builds). Resolves with the
 * exit code and what it printed; never rejects on a non-zero exit.
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
export function run(command, args, { echo = false, input, env = podmanEnv(), cwd } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, cwd, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (echo) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (echo) process.stderr.write(chunk);
    });
    if (input !== undefined) child.stdin.end(input);
    child.once("error", (error) => resolve({ code: 127, stdout, stderr: stderr + String(error) }));
    child.once("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 0), stdout, stderr }));
  });
}

/** `podman <args>`; throws with podman's own message when it fails. */
export async function podman(args, options = {}) {
  const result = await run("podman", args, options);
  if (result.code !== 0) throw new Error(`podman ${args.join(" ")} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout.trim();
}

export function imageExists(name) {
  return spawnSync("podman", ["image", "exists", name], { env: podmanEnv() }).status === 0;
}

const has = (command) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;

/** The Debian packages the image test needs; installed with apt-get when a command is missing (we run as root). */
const TOOLS = { podman: "podman", runc: "runc", debootstrap: "debootstrap", "podman-compose": "podman-compose" };

export async function ensureTools(log = console.log) {
  const missing = Object.entries(TOOLS).filter(([command]) => !has(command)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  log(`installing ${missing.join(", ")} with apt-get`);
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...missing]]) {
    const result = await run("apt-get", args, { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (result.code !== 0) throw new Error(`apt-get ${args.join(" ")} failed:\n${result.stderr.slice(-2000)}`);
  }
}

/** Removes containers whose names start with `prefix`: ones a run killed too hard to clean up left behind. */
export async function removeLeftovers(prefix) {
  const names = (await podman(["ps", "-a", "--format", "{{.Names}}"])).split("\n").filter((name) => name.startsWith(prefix));
  for (const name of names) await run("podman", ["rm", "--force", "--time", "0", name]);
  return names;
}
