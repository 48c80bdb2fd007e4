// The README's "Write your own end-to-end tests" shows tests/e2e/example.spec.ts, which CI runs with
// the other specs: the copy in the README must be that file, to the letter, so the two never drift.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/** The body of the first ```ts block after the section's heading. */
function exampleInReadme(readme: string): string | null {
  const section = readme.indexOf("\n## Write your own end-to-end tests\n");
  if (section < 0) return null;
  const block = readme.slice(section).match(/\n```ts\n([\s\S]*?)```\n/);
  return block?.[1] ?? null;
}

describe("the README's example spec", () => {
  it("is tests/e2e/example.spec.ts, verbatim", () => {
    expect(exampleInReadme(read("README.md"))).toBe(read("tests/e2e/example.spec.ts"));
  });

  it("names every accessible name the kit's page helpers rely on in the page contract", () => {
    const readme = read("README.md");
    const contract = readme.slice(readme.indexOf("\n### The page contract\n"), readme.indexOf("\n## Changelog\n"));
    const used = [read("tests/kit/pages.ts"), read("tests/e2e/example.spec.ts")]
      .flatMap((source) => [...source.matchAll(/getByLabel\("([^"]+)"|getByRole\("\w+", \{ name: "([^"]+)"/g)].map((match) => (match[1] ?? match[2])!));
    expect(used.length).toBeGreaterThan(10);
    for (const name of new Set(used)) expect(contract, name).toContain(`“${name}”`);
  });
});
