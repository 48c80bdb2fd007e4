// Finds the cluster's server binaries, installing the Debian packages that hold them when missing
// (apt-get, as root), so `npm run test:cluster` works on a fresh machine.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";

/** Each binary: where Debian puts it, and the package that brings it. */
const BINARIES = {
  postgres: { package: "postgresql", find: () => postgresBin("postgres") },
  initdb: { package: "postgresql", find: () => postgresBin("initdb") },
  "redis-server": { package: "redis-server", find: () => firstExisting(["/usr/bin/redis-server", "/usr/local/bin/redis-server"]) },
  haproxy: { package: "haproxy", find: () => firstExisting(["/usr/sbin/haproxy", "/usr/local/sbin/haproxy", "/usr/bin/haproxy"]) },
};

function firstExisting(paths) {
  return paths.find((path) => existsSync(path)) ?? null;
}

/** The newest /usr/lib/postgresql/<version>/bin/<name>. */
function postgresBin(name) {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((entry) => /^\d+$/.test(entry)).sort((a, b) => Number(b) - Number(a));
  return firstExisting(versions.map((version) => `${base}/${version}/bin/${name}`));
}

/**
 * Resolves the given binaries to paths, running `apt-get update` and `apt-get install` once for the
 * packages of those that are missing.
 * @param {Array<keyof typeof BINARIES>} names
 * @returns {Record<string, string>}
 */
export function ensureBinaries(names, log = (line) => console.log(line)) {
  const missing = [...new Set(names.filter((name) => !BINARIES[name].find()).map((name) => BINARIES[name].package))];
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      throw new Error(`missing ${missing.join(", ")}: install them (apt-get install ${missing.join(" ")}) or run as root`);
    }
    log(`installing ${missing.join(", ")} (apt-get)`);
    // Debian starts a package's service on install; we start our own, so tell invoke-rc.d not to.
    const policy = "/usr/sbin/policy-rc.d";
    const ownPolicy = !existsSync(policy);
    if (ownPolicy) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
      for (const args of [["update", "-qq"], ["install", "-y", "-qq", "--no-install-recommends", ...missing]]) {
        const result = spawnSync("apt-get", args, { env, stdio: "inherit" });
        if (result.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed (exit ${result.status})`);
      }
    } finally {
      if (ownPolicy) rmSync(policy, { force: true });
    }
  }
  const paths = {};
  for (const name of names) {
    const path = BINARIES[name].find();
    if (!path) throw new Error(`${name} not found after installing ${BINARIES[name].package}`);
    paths[name] = path;
  }
  return paths;
}
