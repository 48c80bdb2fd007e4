// Hook: no one reads or writes the extension's tables through Directus's REST or GraphQL, an
// administrator included. Directus serves any table of its database under /items (and GraphQL) to an
// administrator, registered as a collection or not; every such access goes through ItemsService,
// which emits these filters first. This extension itself uses knex, never ItemsService.
// `refuseOverRest` is the guard for any list of tables: account-ownership imports it for its own
// table (the extensions ship together in one EXTENSIONS_PATH), so there is one guard, not two.
import { RECOVERY_TABLES } from "./recovery-store.js";
import { TABLES } from "./store.js";

/** Directus's error shape (what @directus/errors makes), so its error handler answers 403 with this code. */
export class TableNotServed extends Error {
  name = "DirectusError";
  code = "FORBIDDEN";
  status = 403;
  extensions = {};
  constructor() {
    super("You don't have permission to access this.");
  }
}

const EVENTS = ["query", "create", "update", "delete"];

/** Refuses every query, create, update and delete of `tables` through ItemsService. @param {Function} filter a hook's `filter` @param {readonly string[]} tables */
export function refuseOverRest(filter, tables) {
  for (const table of tables) {
    for (const event of EVENTS) {
      filter(`${table}.items.${event}`, () => {
        throw new TableNotServed();
      });
    }
  }
}

/** @param {{ filter: Function }} register */
export default function tableGuard({ filter }) {
  refuseOverRest(filter, [...TABLES, ...RECOVERY_TABLES]);
}
