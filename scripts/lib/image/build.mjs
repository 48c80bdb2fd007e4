// Builds the Dockerfile as it is, with podman. Two podman-isms, neither a change to the Dockerfile:
// - `--format docker`: the OCI format has no HEALTHCHECK, and buildah drops it without one.
// - npm inside the build reaches the registry the way npm on this machine does: its registry, proxy
//   and CA file (e.g. a TLS-inspecting egress proxy's CA) are read from `npm config` here and
//   bind-mounted for the RUN steps only, as a folder over /usr/local/etc, where npm reads its global
//   config (the folder exists in Debian images, so no mount point is left in a layer). Nothing of
//   this machine is written into the image or the repository; on a machine with the public registry
//   and no custom CA the file only names the registry.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../runtime.mjs";
import { podman, run } from "./podman.mjs";

export const IMAGE = "localhost/directus-auth-react-router:test";

async function npmConfig(key) {
  const { code, stdout } = await run("npm", ["config", "get", key], { env: process.env, cwd: root });
  const value = stdout.trim();
  return code === 0 && value && value !== "null" && value !== "undefined" ? value : null;
}

/** The `-v` option that gives the build's npm this machine's registry settings. */
async function npmMounts(dir) {
  const lines = [`registry=${(await npmConfig("registry")) ?? "https://registry.npmjs.org/"}`];
  for (const key of ["proxy", "https-proxy", "noproxy"]) {
    const value = await npmConfig(key);
    if (value) lines.push(`${key}=${value}`);
  }
  const cafile = (await npmConfig("cafile")) ?? process.env.NODE_EXTRA_CA_CERTS ?? null;
  if (cafile) {
    await copyFile(cafile, join(dir, "npm-ca.crt"));
    lines.push("cafile=/usr/local/etc/npm-ca.crt");
  }
  await writeFile(join(dir, "npmrc"), `${lines.join("\n")}\n`);
  return ["-v", `${dir}:/usr/local/etc:ro`];
}

/** Every image these builds make carries it, so the prune below touches nothing else on the machine. */
const LABEL = "directus-auth-react-router.test-image=1";

/**
 * `podman build` of `dockerfile` (default: the repository's) into IMAGE, layers cached. The build
 * stage is tagged too (`<tag>-build`): untagged, its layers (the full `npm ci`) would count as
 * dangling and be pruned. Then the images of earlier builds that nothing uses any more are removed,
 * so repeated runs do not fill the disk.
 */
export async function buildImage({ dockerfile = join(root, "Dockerfile"), tag = IMAGE, echo = true } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "image-build-"));
  try {
    const npmrc = join(dir, "npm");
    await mkdir(npmrc);
    const common = ["--format", "docker", "--network", "host", "--layers", "--pull=never", "--label", LABEL, "-f", dockerfile, ...(await npmMounts(npmrc))];
    for (const args of [["--target", "build", "-t", `${tag}-build`], ["-t", tag]]) {
      const result = await run("podman", ["build", ...common, ...args, root], { echo, cwd: root });
      if (result.code !== 0) throw new Error(`podman build exited ${result.code}`);
    }
    await podman(["image", "prune", "--force", "--filter", `label=${LABEL}`]);
    return tag;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The image's size in bytes, as podman reports it. */
export async function imageSize(tag = IMAGE) {
  return Number(await podman(["image", "inspect", "--format", "{{.Size}}", tag]));
}
