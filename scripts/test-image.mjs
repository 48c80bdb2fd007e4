// npm run test:image: the production image, built from the Dockerfile as it is and run with podman
// (no Docker engine on these machines). Installs podman, runc, debootstrap and podman-compose when
// missing, makes the stand-in base image only when no image of that name exists
// (scripts/lib/image/base-image.mjs), builds (podman's layer cache makes a rebuild quick), then runs
// the checks in tests/image (Vitest) against throwaway embedded Directus instances. Prints each
// phase's time and ends with one line: "N passed, N failed".
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBaseImage } from "./lib/image/base-image.mjs";
import { buildImage, IMAGE, imageSize } from "./lib/image/build.mjs";
import { ensureTools, podmanEnv, removeLeftovers } from "./lib/image/podman.mjs";
import { assertPinnedNode, root } from "./lib/runtime.mjs";
import { addVitestReport, createTotals, failureLines, isGreen, summaryLine } from "./lib/test-totals.mjs";

assertPinnedNode();
const started = Date.now();
const totals = createTotals();
const timings = [];
let child = null;

/** Runs one phase, printing and keeping its time. */
async function phase(name, work) {
  const at = Date.now();
  console.log(`\n[image] ${name}`);
  try {
    return await work();
  } finally {
    const seconds = (Date.now() - at) / 1000;
    timings.push(`${name}: ${seconds.toFixed(1)} s`);
    console.log(`[image] ${name} took ${seconds.toFixed(1)} s`);
  }
}

process.on("SIGINT", () => {
  // Vitest's afterAll removes the containers it started; give it the signal and wait for it.
  if (child) child.kill("SIGINT");
  else process.exit(130);
});

const dir = await mkdtemp(join(tmpdir(), "test-image-"));
try {
  await phase("tools", () => ensureTools((line) => console.log(`[image] ${line}`)));
  podmanEnv();
  // tests/image names every container it starts so; one killed run must not trouble the next.
  const leftovers = await removeLeftovers("image-test-");
  if (leftovers.length) console.log(`[image] removed containers an earlier run left: ${leftovers.join(", ")}`);
  const made = await phase("base image", () => ensureBaseImage({ log: (line) => console.log(`[image] ${line}`) }));
  if (!made) console.log("[image] the base image is here already (made before, or the official one)");
  await phase("build", () => buildImage());
  console.log(`[image] ${IMAGE}: ${((await imageSize()) / 1e6).toFixed(0)} MB`);

  const report = join(dir, "vitest.json");
  const status = await phase("checks", () =>
    new Promise((resolve) => {
      child = spawn(
        join(root, "node_modules", ".bin", "vitest"),
        ["run", "--config", "tests/image/vitest.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
        { cwd: root, stdio: "inherit", env: { ...process.env, IMAGE_UNDER_TEST: IMAGE } },
      );
      child.once("error", () => resolve(1));
      child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    }),
  );
  child = null;
  addVitestReport(totals, report, status, "vitest");
} catch (error) {
  totals.problems.push(error instanceof Error ? error.message : String(error));
} finally {
  await rm(dir, { recursive: true, force: true });
}

for (const problem of totals.problems) console.error(`test:image: ${problem}`);
console.log(`\n[image] ${timings.join(", ")}; test:image took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(["", ...failureLines(totals, root), summaryLine(totals)].join("\n"));
process.exit(isGreen(totals) ? 0 : 1);
