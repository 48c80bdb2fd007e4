// Loads each native addon Directus needs; exits non-zero naming the one that does not load.
import { createRequire } from "node:module";
import { join } from "node:path";
import { root } from "./lib/runtime.mjs";

const require = createRequire(join(root, "directus", "node_modules", "directus", "package.json"));
const requireFromApi = createRequire(require.resolve("@directus/api/package.json"));
let failed = false;
for (const name of ["isolated-vm", "sqlite3", "argon2"]) {
  try {
    requireFromApi(name);
    console.log(`[install] ${name} loads under Node ${process.versions.node}`);
  } catch (error) {
    failed = true;
    console.error(`[install] ${name} does not load under Node ${process.versions.node}: ${error.message}`);
  }
}
if (failed) process.exit(1);
