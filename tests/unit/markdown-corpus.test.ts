import { describe, expect, it } from "vitest";
import { limits, postSchema } from "#app/lib/validation.ts";
import { buildCorpus, CONTENT_MAX, fuzzCases, realisticPosts } from "../../scripts/lib/markdown-corpus.mjs";

describe("the hostile Markdown corpus", () => {
  it("uses the app's content limit", () => {
    expect(CONTENT_MAX).toBe(limits.contentMax);
  });

  it("holds only posts the form accepts, most of them at the limit", () => {
    const items = [...buildCorpus(), ...Object.entries(realisticPosts).map(([name, make]) => ({ name, text: make() }))];
    for (const { name, text } of items) {
      expect(postSchema.safeParse({ title: name, content: text }).success, name).toBe(true);
      expect(text.length, name).toBeGreaterThan(CONTENT_MAX * 0.9);
    }
  });

  it("fuzzes the same cases for the same seed, different ones for another", () => {
    const names = (seed: number) => [...fuzzCases({ seed, count: 20 })].map((c) => c.text.slice(0, 50));
    expect(names(3)).toEqual(names(3));
    expect(names(3)).not.toEqual(names(4));
    for (const { text } of fuzzCases({ seed: 3, count: 50 })) expect(postSchema.safeParse({ title: "t", content: text }).success).toBe(true);
  });
});
