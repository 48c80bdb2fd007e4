// Recovery codes alone: their alphabet and shape, how typed input is read, and the stored hash.
import { scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ALPHABET, CODES_PER_BATCH, hashOf, newBatch, newSalt, normalisedCode, shownCode } from "../recovery-codes.js";

describe("a batch", () => {
  it("is ten distinct codes of ten Crockford base32 characters, shown as xxxxx-xxxxx", () => {
    expect(ALPHABET).toBe("0123456789abcdefghjkmnpqrstvwxyz");
    const batch = newBatch();
    expect(batch).toHaveLength(CODES_PER_BATCH);
    expect(new Set(batch).size).toBe(CODES_PER_BATCH);
    for (const code of batch) {
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{10}$/);
      expect(shownCode(code)).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
      expect(normalisedCode(shownCode(code))).toBe(code);
    }
  });

  it("uses every symbol of the alphabet (no bias to a part of it)", () => {
    const seen = new Set(Array.from({ length: 40 }, () => newBatch().join("")).join(""));
    expect([...seen].sort().join("")).toBe(ALPHABET);
  });
});

describe("typed input", () => {
  it("is trimmed, lower-cased, freed of spaces and dashes, and reads o as 0 and i, l as 1", () => {
    expect(normalisedCode("  ABCDE-FGH2K ")).toBe("abcdefgh2k");
    expect(normalisedCode("abcde fgh2k")).toBe("abcdefgh2k");
    expect(normalisedCode("O0IL1-abcde")).toBe("00111abcde");
    expect(normalisedCode("a-b-c-d-e-f-g-h-j-k")).toBe("abcdefghjk");
  });

  it("is no code when it is not ten alphabet characters, or longer than 64 characters as typed", () => {
    for (const input of ["", "abcde-fgh2", "abcde-fgh2kk", "abcde-fgh2u", "abcde_fgh2k", "äbcde-fgh2k", 12345, null, undefined, {}]) {
      expect([input, normalisedCode(input)]).toEqual([input, null]);
    }
    expect(normalisedCode(`abcdefgh2k${" ".repeat(54)}`)).toBe("abcdefgh2k");
    expect(normalisedCode(`abcdefgh2k${" ".repeat(55)}`)).toBeNull();
  });
});

describe("the stored hash", () => {
  it("is scrypt(code, salt, 32 bytes, N=2^14, r=8, p=1), a fresh 16-byte salt each batch", async () => {
    const salt = newSalt();
    expect(salt).toMatch(/^[0-9a-f]{32}$/);
    expect(newSalt()).not.toBe(salt);
    const hash = await hashOf("abcdefgh2k", salt);
    expect(hash).toBe(scryptSync("abcdefgh2k", salt, 32, { N: 16384, r: 8, p: 1 }).toString("hex"));
    expect(await hashOf("abcdefgh2m", salt)).not.toBe(hash);
    expect(await hashOf("abcdefgh2k", newSalt())).not.toBe(hash);
  });
});
