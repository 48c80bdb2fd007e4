// A local stand-in for the official node:<version>-bookworm-slim image, which cannot be pulled here
// (no container registry is reachable). Made only when no image of that name exists: Debian bookworm
// (debootstrap --variant=minbase, from the Debian archive apt-get already uses on this machine), the
// pinned Node from the npm `node` package this project installs, npm from the npm registry, and a
// `node` user with uid 1000, as the official image has. See docs/decisions/017-a-stand-in-base-image.md.
import { chmod, copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { nodeHeadersDir, root } from "../runtime.mjs";
import { imageExists, podman, run } from "./podman.mjs";

/** The npm line Node 22 ships with; the official image's npm. */
const NPM_VERSION = "10.9.9";

/** The Node the project pins (.nvmrc; tests/unit/deploy.test.ts holds the Dockerfile to it). */
export const nodeVersion = () => readFileSync(join(root, ".nvmrc"), "utf8").trim();

/** The name the Dockerfile's FROM resolves to, fully qualified as the official image's would be. */
export const baseImageName = (version = nodeVersion()) => `docker.io/library/node:${version}-bookworm-slim`;

/** The Debian mirror serving bookworm in apt's own sources (deb822 .sources files or sources.list). */
export async function debianMirror() {
  const files = ["/etc/apt/sources.list", ...(existsSync("/etc/apt/sources.list.d") ? (await readdir("/etc/apt/sources.list.d")).map((name) => join("/etc/apt/sources.list.d", name)) : [])];
  for (const file of files.filter((name) => existsSync(name))) {
    const text = await readFile(file, "utf8");
    if (file.endsWith(".sources")) {
      for (const block of text.split(/\n\s*\n/)) {
        const field = (name) => block.match(new RegExp(`^${name}:\\s*(.+)$`, "mi"))?.[1].trim().split(/\s+/) ?? [];
        if (field("Suites").includes("bookworm") && field("Types").includes("deb")) return field("URIs")[0];
      }
    } else {
      const line = text.split("\n").find((entry) => /^deb\s+(\[[^\]]*\]\s+)?\S+\s+bookworm\s/.test(entry));
      if (line) return line.replace(/^deb\s+(\[[^\]]*\]\s+)?/, "").split(/\s+/)[0];
    }
  }
  throw new Error("no Debian bookworm mirror in /etc/apt/sources.list*");
}

/** Makes the stand-in when no image of that name exists; returns whether it made one. */
export async function ensureBaseImage({ log = console.log } = {}) {
  const version = nodeVersion();
  const name = baseImageName(version);
  if (imageExists(name)) return false;
  const nodePackage = JSON.parse(await readFile(join(nodeHeadersDir, "package.json"), "utf8"));
  if (nodePackage.version !== version) throw new Error(`node_modules has Node ${nodePackage.version}, .nvmrc pins ${version}: run npm ci`);

  const work = await mkdtemp(join("/var/tmp", "node-base-"));
  const rootfs = join(work, "rootfs");
  try {
    const mirror = await debianMirror();
    log(`${name} is not here: making a stand-in (Debian bookworm from ${mirror}, Node ${version}, npm ${NPM_VERSION})`);
    const bootstrap = await run("debootstrap", ["--variant=minbase", "bookworm", rootfs, mirror]);
    if (bootstrap.code !== 0) throw new Error(`debootstrap failed:\n${(bootstrap.stdout + bootstrap.stderr).slice(-3000)}`);

    // Node where the official image has it, with its headers (node-gyp finds them there).
    const local = join(rootfs, "usr", "local");
    await mkdir(join(local, "bin"), { recursive: true });
    await copyFile(join(nodeHeadersDir, "bin", "node"), join(local, "bin", "node"));
    await chmod(join(local, "bin", "node"), 0o755);
    await cp(join(nodeHeadersDir, "include"), join(local, "include"), { recursive: true });

    // npm as published (its dependencies are bundled in the tarball).
    const packed = await run("npm", ["pack", `npm@${NPM_VERSION}`, "--pack-destination", work, "--silent"], { env: process.env });
    if (packed.code !== 0) throw new Error(`npm pack npm@${NPM_VERSION} failed: ${packed.stderr}`);
    const npmDir = join(local, "lib", "node_modules", "npm");
    await mkdir(npmDir, { recursive: true });
    const untar = await run("tar", ["-xzf", join(work, packed.stdout.trim().split("\n").pop()), "-C", npmDir, "--strip-components=1"]);
    if (untar.code !== 0) throw new Error(`unpacking npm failed: ${untar.stderr}`);
    await symlink("../lib/node_modules/npm/bin/npm-cli.js", join(local, "bin", "npm"));
    await symlink("../lib/node_modules/npm/bin/npx-cli.js", join(local, "bin", "npx"));

    // The official image's user, and no package lists or caches.
    for (const args of [["groupadd", "--gid", "1000", "node"], ["useradd", "--uid", "1000", "--gid", "node", "--shell", "/bin/bash", "--create-home", "node"]]) {
      const result = await run("chroot", [rootfs, ...args]);
      if (result.code !== 0) throw new Error(`chroot ${args.join(" ")} failed: ${result.stderr}`);
    }
    for (const dir of ["var/lib/apt/lists", "var/cache/apt", "var/log", "tmp"]) {
      await rm(join(rootfs, dir), { recursive: true, force: true });
      await mkdir(join(rootfs, dir), { recursive: true });
    }
    await chmod(join(rootfs, "tmp"), 0o1777);

    const tarball = join(work, "rootfs.tar");
    const tar = await run("tar", ["-C", rootfs, "--numeric-owner", "-cf", tarball, "."]);
    if (tar.code !== 0) throw new Error(`tar failed: ${tar.stderr}`);
    await podman([
      "import",
      "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "--change", `ENV NODE_VERSION=${version}`,
      "--change", `LABEL org.opencontainers.image.description="Local stand-in for the official node:${version}-bookworm-slim (scripts/lib/image/base-image.mjs)"`,
      "--change", 'CMD ["node"]',
      "--message", "stand-in for the official image",
      tarball,
      name,
    ]);
    log(`made ${name} (a stand-in for the official image, local to this machine)`);
    return true;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
