// Production builds for the benchmark, each in a temporary directory: the app from a snapshot of its
// source (so the figures describe the source as it is, and a build someone else runs in build/
// meanwhile cannot swap files under it), and the bare React Router app in bare-app/.
import { spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { root } from "../lib/runtime.mjs";
import { onCleanup } from "./cleanup.mjs";

const reactRouterBin = join(root, "node_modules", "@react-router", "dev", "bin.cjs");
const bareAppSource = join(dirname(fileURLToPath(import.meta.url)), "bare-app");

// What a production build needs; copied so the benchmark builds and serves its own snapshot.
const SNAPSHOT = ["app", "package.json", "react-router.config.ts", "vite.config.ts", "tsconfig.json", "server.mjs"];

function run(command, args, options = {}) {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], ...options });
    const kill = async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
    };
    onCleanup(kill);
    child.once("error", fail);
    child.once("exit", (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}

async function tempDir(prefix) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function reactRouterBuild(dir) {
  // Vite resolves from the project root it builds, so NODE_PATH would not reach our packages.
  await symlink(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  await run(process.execPath, [reactRouterBin, "build"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
}

/** Builds `source` (a checkout) in a temporary copy; returns the folder holding server.mjs and build/. */
export async function buildSnapshot(source) {
  const dir = await tempDir("bench-app-");
  for (const entry of SNAPSHOT) await cp(join(source, entry), join(dir, entry), { recursive: true });
  await reactRouterBuild(dir);
  return dir;
}

/**
 * Builds bare-app/ with the same toolchain, beside the same server.mjs. Its package.json is written
 * here from the project's own, so the bare app always runs the versions the app does.
 */
export async function buildBareApp() {
  const dir = await tempDir("bench-bare-rr-");
  await cp(bareAppSource, dir, { recursive: true });
  await writeFile(join(dir, "package.json"), await barePackageJson());
  await cp(join(root, "server.mjs"), join(dir, "server.mjs"));
  await reactRouterBuild(dir);
  return dir;
}

// The template's dependencies: without isbot listed, `react-router build` would run `npm install` here
// (through the node_modules symlink, into the project's own). The app itself no longer needs isbot.
async function barePackageJson() {
  const project = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
  return JSON.stringify({
    name: "bare",
    private: true,
    type: "module",
    dependencies: Object.fromEntries(
      ["@react-router/node", "isbot", "react", "react-dom", "react-router"].map((name) => [name, project.dependencies[name] ?? project.devDependencies[name]]),
    ),
  });
}
