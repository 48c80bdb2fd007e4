import { createCookie } from "react-router";
import { describe, expect, it } from "vitest";
import { createSealedCookie, sealCookieValue } from "#app/server/session/sealed-cookie.server.ts";

const SECRET = "s".repeat(40);
const OLDER = "o".repeat(40);
// Non-ASCII on purpose: the format carries the JSON's UTF-8 bytes, not its UTF-16 code units.
const value = { tokens: { accessToken: "a".repeat(300), expiresAt: 1_800_000_000_000 }, user: { id: "u1", firstName: "Zoë", lastName: "Łukasz 漢字" } };

const cookieValue = (setCookie: string) => setCookie.split(";")[0]!;

describe("createSealedCookie", () => {
  it("reads back what it wrote, with the attributes it was given", async () => {
    const cookie = createSealedCookie("session", { secrets: [SECRET], httpOnly: true, secure: true, maxAge: 60 });
    const header = await cookie.serialize(value);
    expect(header).toMatch(/^session=[^;]+; Max-Age=60; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(await cookie.parse(cookieValue(header))).toEqual(value);
  });

  it("shows nothing of the value: no JSON, no field names, no contents, in any decoding", async () => {
    const raw = decodeURIComponent(cookieValue(await createSealedCookie("session", { secrets: [SECRET] }).serialize(value)).slice("session=".length));
    const decodings = [raw, ...raw.split(".").flatMap((part) => [Buffer.from(part, "base64"), Buffer.from(part, "base64url")].map((bytes) => bytes.toString("utf8")))];
    // Markers long enough that random ciphertext cannot contain them by chance; and the value's own base64.
    const plainBase64 = Buffer.from(JSON.stringify(value)).toString("base64").slice(0, 16);
    for (const text of decodings) {
      for (const marker of ["tokens", "accessToken", "a".repeat(12), "firstName", "Łukasz", plainBase64]) expect(text).not.toContain(marker);
    }
  });

  it("seals the same value differently each time (a fresh IV), and both open", async () => {
    const cookie = createSealedCookie("session", { secrets: [SECRET] });
    const first = cookieValue(await cookie.serialize(value));
    const second = cookieValue(await cookie.serialize(value));
    expect(first).not.toBe(second);
    expect(await cookie.parse(first)).toEqual(value);
    expect(await cookie.parse(second)).toEqual(value);
  });

  it("refuses a cookie signed by React Router's createCookie (the unencrypted format): such sessions sign in again", async () => {
    const theirs = createCookie("session", { secrets: [SECRET] });
    expect(await createSealedCookie("session", { secrets: [SECRET] }).parse(cookieValue(await theirs.serialize(value)))).toBeNull();
  });

  it("refuses a correctly signed value whose ciphertext does not authenticate", async () => {
    const sealed = sealCookieValue(value, SECRET);
    const [body = ""] = sealed.split(".");
    const bytes = Buffer.from(body, "base64url");
    bytes[bytes.length - 1]! ^= 1;
    const forged = bytes.toString("base64url");
    // Re-signed with the right secret, so only the encryption's own tag can catch it.
    const { createHmac } = await import("node:crypto");
    const signed = `${forged}.${createHmac("sha256", SECRET).update(forged).digest("base64").replace(/=+$/, "")}`;
    expect(await createSealedCookie("session", { secrets: [SECRET] }).parse(`session=${encodeURIComponent(signed)}`)).toBeNull();
  });

  it("refuses a cookie whose value or signature was changed", async () => {
    const cookie = createSealedCookie("session", { secrets: [SECRET] });
    const raw = decodeURIComponent(cookieValue(await cookie.serialize(value)).slice("session=".length));
    const dot = raw.lastIndexOf(".");
    const forgedValue = Buffer.from(JSON.stringify({ ...value, user: { id: "admin" } })).toString("base64url");
    const flipped = raw.slice(0, dot + 1) + (raw[dot + 1] === "A" ? "B" : "A") + raw.slice(dot + 2);
    for (const tampered of [`${forgedValue}${raw.slice(dot)}`, flipped, `${raw}!`, raw.slice(0, dot), `${raw.slice(0, dot)}.`, "."]) {
      expect(await cookie.parse(`session=${encodeURIComponent(tampered)}`)).toBeNull();
    }
  });

  it("refuses a cookie signed with a secret it does not hold", async () => {
    const signedElsewhere = await createSealedCookie("session", { secrets: ["x".repeat(40)] }).serialize(value);
    expect(await createSealedCookie("session", { secrets: [SECRET] }).parse(cookieValue(signedElsewhere))).toBeNull();
  });

  it("verifies with every secret and signs with the first, so secrets can rotate", async () => {
    const before = await createSealedCookie("session", { secrets: [OLDER] }).serialize(value);
    const rotated = createSealedCookie("session", { secrets: [SECRET, OLDER] });
    expect(await rotated.parse(cookieValue(before))).toEqual(value);
    const after = await rotated.serialize(value);
    expect(await createSealedCookie("session", { secrets: [SECRET] }).parse(cookieValue(after))).toEqual(value);
  });

  it("answers null without the cookie, and an empty string for an emptied one", async () => {
    const cookie = createSealedCookie("session", { secrets: [SECRET] });
    expect(await cookie.parse(null)).toBeNull();
    expect(await cookie.parse("other=1")).toBeNull();
    expect(await cookie.parse("session=")).toBe("");
    expect(await cookie.serialize("")).toMatch(/^session=; /);
  });

  it("needs a secret", () => {
    expect(() => createSealedCookie("session", { secrets: [] })).toThrow(/at least one secret/);
  });
});
