// Directus's own event emitter: the one its hooks listen on (`auth.jwt`, `auth.login`). An extension
// is handed only a private emitter, isolated from those events, yet a session started here must
// emit them as a password login does, or hooks such as account-sessions' expiry would miss it.
//
// The Directus process's entry script (node …/directus/cli.js, or …/@directus/api/dist/cli/run.js as
// this project starts it) resolves @directus/api; importing its emitter module by that resolved path
// gives the same module instance Directus itself loaded. Under a process manager (the official image
// runs cli.js through pm2) the entry script is the manager's, so the working directory, the Directus
// project Directus was started in, is asked next. Resolved when the extension loads, so a Directus
// laid out otherwise stops at start-up (EXTENSIONS_MUST_LOAD) instead of signing in half-way.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The path of Directus's emitter module in this process.
 * @param {string | undefined} [entry] the entry script @param {string} [cwd] the working directory
 */
export function directusEmitterPath(entry = process.argv[1], cwd = process.cwd()) {
  const from = [entry, join(cwd, "package.json")].filter((start) => typeof start === "string" && start !== "");
  for (const start of from) {
    try {
      return createRequire(/** @type {string} */ (start)).resolve("@directus/api/emitter");
    } catch {
      // Not resolvable from there: the next place.
    }
  }
  throw new Error("account-sign-in: cannot find Directus's emitter from the entry script or the working directory");
}

/**
 * Directus's emitter, loaded once.
 * @param {string} path from directusEmitterPath
 * @returns {() => Promise<import("./session-start.js").Emitter>}
 */
export function directusEmitter(path) {
  /** @type {Promise<any> | undefined} */
  let loaded;
  return () => (loaded ??= import(pathToFileURL(path).href).then((module) => module.default));
}
