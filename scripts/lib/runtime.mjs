// Where things are, and the guard that we run on the project's pinned Node.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const nodeHeadersDir = join(root, "node_modules", "node", "node_modules", `node-${process.platform}-${process.arch}`);
export const directusBin = join(root, "directus", "node_modules", "directus", "cli.js");

const [major, minor] = process.versions.node.split(".").map(Number);

export function assertPinnedNode() {
  if (major < 22 || (major === 22 && minor < 22)) {
    console.error(
      `Node ${process.versions.node} is running, but this project needs Node >= 22.22. ` +
        "Run it through npm scripts (they use the Node pinned in devDependencies), or install Node 22.",
    );
    process.exit(1);
  }
}

/**
 * The test scripts' child processes (each test's Directus, about 60 a run, and app) keep V8's
 * compiled code in the project's cache folder: a Directus start compiles thousands of modules, and
 * the cache takes about a tenth off its CPU. Node checks each entry against the file's contents.
 */
export function useCompileCache() {
  process.env.NODE_COMPILE_CACHE ||= join(root, "node_modules", ".cache", "node-compile-cache");
}
