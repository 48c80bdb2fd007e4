// Directus' native addons must load under the Node that runs the project (the pinned Node 22):
// they are built against its headers by scripts/install-directus.mjs.
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { directusBin } from "../../scripts/lib/runtime.mjs";

const requireFromDirectus = createRequire(directusBin);
const requireFromApi = createRequire(requireFromDirectus.resolve("@directus/api/package.json"));

describe(`native addons under Node ${process.versions.node}`, () => {
  it("runs on the pinned Node 22", () => {
    expect(Number(process.versions.node.split(".")[0])).toBe(22);
  });

  it("isolated-vm loads and runs code in an isolate", async () => {
    const ivm = requireFromApi("isolated-vm");
    const isolate = new ivm.Isolate({ memoryLimit: 16 });
    try {
      const context = await isolate.createContext();
      expect(await context.eval("6 * 7")).toBe(42);
    } finally {
      isolate.dispose();
    }
  });

  it.each(["sqlite3", "argon2"])("%s loads", (name) => {
    expect(() => requireFromApi(name)).not.toThrow();
  });

  it("resolves the addons from the embedded Directus", () => {
    expect(requireFromApi.resolve("isolated-vm")).toContain(join("directus", "node_modules"));
  });
});
