// The containers an image test starts: each one named and remembered, so afterAll removes every one
// of them (also when a test failed halfway), and nothing else.
import { randomBytes } from "node:crypto";
import { podman, run, type RunResult } from "../../scripts/lib/image/podman.mjs";
import { IMAGE } from "../../scripts/lib/image/build.mjs";

/** The image under test: the one `npm run test:image` just built. */
export const image = process.env.IMAGE_UNDER_TEST ?? IMAGE;

const started = new Set<string>();
/** Every container of these tests is named so (scripts/test-image.mjs removes ones a killed run left). */
const containerName = () => `image-test-${randomBytes(4).toString("hex")}`;

export type Container = {
  name: string;
  /** `podman exec` in it. */
  exec(command: string[]): Promise<RunResult>;
  /**
   * `podman healthcheck run`: the image's HEALTHCHECK command, once, now (no systemd here, so no
   * timer runs it by itself). Exit 0 when it passed; 1 and "unhealthy" when it failed.
   */
  healthcheck(): Promise<RunResult>;
  inspect(format: string): Promise<string>;
  logs(): Promise<string>;
};

/**
 * `podman run -d` on the host's network (these machines run podman as root with host networking
 * only); `options` go before the image, e.g. ["--read-only", "-e", "X=1"].
 */
export async function startContainer(options: string[], command: string[] = []): Promise<Container> {
  const name = containerName();
  started.add(name);
  await podman(["run", "-d", "--name", name, "--network", "host", ...options, image, ...command]);
  return {
    name,
    exec: (args) => run("podman", ["exec", name, ...args]),
    healthcheck: () => run("podman", ["healthcheck", "run", name]),
    inspect: (format) => podman(["inspect", "--format", format, name]),
    logs: async () => {
      const result = await run("podman", ["logs", name]);
      return result.stdout + result.stderr;
    },
  };
}

/**
 * A one-off `podman run --rm` to its end (host network), without the image's HEALTHCHECK: podman
 * would try to set up its timer through systemd, which these machines do not run, and say so on stderr.
 */
export function runOnce(options: string[], command: string[] = []): Promise<RunResult> {
  return run("podman", ["run", "--rm", "--name", containerName(), "--network", "host", "--no-healthcheck", ...options, image, ...command]);
}

/** Removes every container this file started (forcefully: a test may have left one running). */
export async function removeContainers() {
  for (const name of started) {
    await run("podman", ["rm", "--force", "--time", "0", name]);
    started.delete(name);
  }
}
