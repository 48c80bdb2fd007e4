// The hook that keeps the extension's tables out of Directus's REST and GraphQL (every such access goes
// through ItemsService, which emits these filters first); tests/integration/passkey-session.test.ts
// proves it against the real Directus, an administrator's token included.
import { describe, expect, it } from "vitest";
import bundle from "../index.js";
import recoveryHooks from "../recovery-hooks.js";
import { CODE_POINTS, PROVIDER_PROOFS, RECOVERY_CODES } from "../recovery-store.js";
import { CHALLENGES, PASSKEYS } from "../store.js";
import tableGuard from "../table-guard.js";

describe("the table guard", () => {
  it("refuses every query, create, update and delete of its tables (passkeys and recovery) with Directus's 403", () => {
    /** @type {Record<string, Function>} */
    const filters = {};
    tableGuard({ filter: (/** @type {string} */ event, /** @type {Function} */ handler) => (filters[event] = handler) });
    expect(Object.keys(filters).sort()).toEqual(
      [PASSKEYS, CHALLENGES, RECOVERY_CODES, PROVIDER_PROOFS, CODE_POINTS].flatMap((table) => ["create", "delete", "query", "update"].map((event) => `${table}.items.${event}`)).sort(),
    );
    for (const handler of Object.values(filters)) {
      expect(() => handler({})).toThrow(expect.objectContaining({ status: 403, code: "FORBIDDEN" }));
    }
  });

  it("is registered by the bundle beside the recovery hooks and the endpoint", () => {
    expect(bundle.hooks.map((hook) => hook.config)).toContain(tableGuard);
    expect(bundle.hooks.map((hook) => hook.config)).toContain(recoveryHooks);
    expect(bundle.endpoints.map((endpoint) => endpoint.config.id)).toEqual(["account-sign-in"]);
  });
});
