// Directus's own event emitter: the one its hooks listen on (`auth.jwt`, `auth.login`). An extension
// is handed only a private emitter, isolated from those events, yet a session started here must
// emit them as a password login does, or hooks such as account-sessions' expiry would miss it.
//
// The Directus process's entry script (node …/directus/cli.js, or …/@directus/api/dist/cli/run.js as
// this project starts it) resolves @directus/api; importing its emitter module by that resolved path
// gives the same module instance Directus itself loaded. Resolved when the extension loads, so a
// Directus laid out otherwise stops at start-up (EXTENSIONS_MUST_LOAD) instead of signing in half-way.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** The path of Directus's emitter module in this process. @param {string | undefined} [entry] */
export function directusEmitterPath(entry = process.argv[1]) {
  if (!entry) throw new Error("account-sign-in: cannot tell where Directus runs from (no entry script)");
  return createRequire(entry).resolve("@directus/api/emitter");
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
