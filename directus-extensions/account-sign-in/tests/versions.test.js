// The session start copies what Directus 11.17.4's login does (docs/decisions/024), with the same
// libraries at the same versions. An upgrade of Directus, or of one of these packages alone, fails
// here: then session-start.js is read again against the new authentication.js, and the
// session-equivalence test (tests/integration/passkey-session.test.ts) says whether it still matches.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = join(fileURLToPath(import.meta.url), "../..");
const directusModules = join(here, "../../directus/node_modules");
/** @param {string} file */
const json = (file) => JSON.parse(readFileSync(file, "utf8"));
const pinned = json(join(here, "package.json")).dependencies;

describe("the extension's dependencies", () => {
  it("are built against Directus 11.17.4, whose login session-start.js replicates", () => {
    expect(json(join(directusModules, "directus/package.json")).version).toBe("11.17.4");
    expect(json(join(directusModules, "@directus/api/package.json")).version).toBe("35.2.0");
  });

  it("pin jsonwebtoken and @directus/utils at exactly the versions Directus's API uses and holds", () => {
    const api = json(join(directusModules, "@directus/api/package.json")).dependencies;
    for (const name of ["jsonwebtoken", "@directus/utils"]) {
      expect([name, pinned[name]]).toEqual([name, api[name]]);
      expect([name, json(join(directusModules, name, "package.json")).version]).toEqual([name, pinned[name]]);
    }
  });

  it("are installed at the pinned versions (exact versions, no ranges)", () => {
    expect(Object.keys(pinned).sort()).toEqual(["@directus/utils", "@simplewebauthn/server", "jsonwebtoken"]);
    for (const [name, version] of Object.entries(pinned)) {
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      expect([name, json(join(here, "node_modules", name, "package.json")).version]).toEqual([name, version]);
    }
  });
});
