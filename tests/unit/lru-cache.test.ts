import { describe, expect, it } from "vitest";
import { LruCache } from "#app/server/lru-cache.server.ts";

const sized = (maxEntries: number, maxBytes: number) => new LruCache<string>({ maxEntries, maxBytes, sizeOf: (value) => value.length });

describe("LruCache", () => {
  it("returns what was stored, and undefined for what was not", () => {
    const cache = sized(10, 100);
    cache.set("a", "one");
    expect(cache.get("a")).toBe("one");
    expect(cache.get("b")).toBeUndefined();
  });

  it("evicts the least recently used entry past the entry count", () => {
    const cache = sized(2, 100);
    cache.set("a", "1");
    cache.set("b", "2");
    cache.get("a"); // a is now the most recent
    cache.set("c", "3");
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe("1");
    expect(cache.get("c")).toBe("3");
    expect(cache.size).toBe(2);
  });

  it("evicts until the total size fits, and counts a replaced entry once", () => {
    const cache = sized(10, 10);
    cache.set("a", "aaaa");
    cache.set("b", "bbbb");
    cache.set("a", "AAAA");
    expect(cache.bytes).toBe(8);
    cache.set("c", "cccc");
    expect(cache.get("b")).toBeUndefined();
    expect(cache.bytes).toBe(8);
  });

  it("does not keep a value larger than the whole budget", () => {
    const cache = sized(10, 10);
    cache.set("a", "aaaa");
    cache.set("big", "x".repeat(11));
    expect(cache.get("big")).toBeUndefined();
    expect(cache.get("a")).toBe("aaaa");
  });
});
