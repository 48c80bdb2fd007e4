// Finding Directus's own emitter from the Directus process's entry script, both ways Directus is started:
// `node …/directus/cli.js` (the image) and `node …/@directus/api/dist/cli/run.js` (this project).
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { directusEmitter, directusEmitterPath } from "../directus-emitter.js";

const modules = realpathSync(join(fileURLToPath(import.meta.url), "../../../../directus/node_modules"));
const emitterFile = join(modules, "@directus/api/dist/emitter.js");

describe("Directus's emitter", () => {
  it("is the API's emitter.js, from either entry script", () => {
    expect(directusEmitterPath(join(modules, "directus/cli.js"))).toBe(emitterFile);
    expect(directusEmitterPath(join(modules, "@directus/api/dist/cli/run.js"))).toBe(emitterFile);
  });

  it("cannot be found from a process that is not Directus: the extension then fails to load", () => {
    expect(() => directusEmitterPath("/nowhere/cli.js")).toThrow();
    expect(() => directusEmitterPath("")).toThrow(/entry script/);
  });

  it("is imported once, its default export being the emitter", async () => {
    const load = directusEmitter(join(fileURLToPath(import.meta.url), "../fixtures/emitter.js"));
    expect(load()).toBe(load());
    const emitter = await load();
    expect(await emitter.emitFilter("auth.jwt", { id: "x" }, {}, {})).toEqual({ id: "x" });
  });
});
