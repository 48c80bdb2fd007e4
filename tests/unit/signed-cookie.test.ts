import { createCookie } from "react-router";
import { describe, expect, it } from "vitest";
import { createSignedCookie } from "#app/server/signed-cookie.server.ts";

const SECRET = "s".repeat(40);
const OLDER = "o".repeat(40);
// Non-ASCII on purpose: the format carries the JSON's UTF-8 bytes, not its UTF-16 code units.
const value = { tokens: { accessToken: "a".repeat(300), expiresAt: 1_800_000_000_000 }, user: { id: "u1", firstName: "Zoë", lastName: "Łukasz 漢字" } };

const cookieValue = (setCookie: string) => setCookie.split(";")[0]!;

describe("createSignedCookie", () => {
  it("reads back what it wrote, with the attributes it was given", async () => {
    const cookie = createSignedCookie("session", { secrets: [SECRET], httpOnly: true, secure: true, maxAge: 60 });
    const header = await cookie.serialize(value);
    expect(header).toMatch(/^session=[^;]+; Max-Age=60; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(await cookie.parse(cookieValue(header))).toEqual(value);
  });

  it("reads cookies React Router's createCookie signed, and writes the same header: sessions survive the switch", async () => {
    const options = { httpOnly: true, secure: true, sameSite: "lax", path: "/", maxAge: 60 } as const;
    const theirs = createCookie("session", { ...options, secrets: [SECRET] });
    const ours = createSignedCookie("session", { ...options, secrets: [SECRET] });
    expect(await ours.parse(cookieValue(await theirs.serialize(value)))).toEqual(value);
    expect(await theirs.parse(cookieValue(await ours.serialize(value)))).toEqual(value);
    expect(await ours.serialize(value)).toBe(await theirs.serialize(value));
  });

  it("refuses a cookie whose value or signature was changed", async () => {
    const cookie = createSignedCookie("session", { secrets: [SECRET] });
    const raw = decodeURIComponent(cookieValue(await cookie.serialize(value)).slice("session=".length));
    const dot = raw.lastIndexOf(".");
    const forgedValue = Buffer.from(JSON.stringify({ ...value, user: { id: "admin" } })).toString("base64");
    const flipped = raw.slice(0, dot + 1) + (raw[dot + 1] === "A" ? "B" : "A") + raw.slice(dot + 2);
    for (const tampered of [`${forgedValue}${raw.slice(dot)}`, flipped, `${raw}!`, raw.slice(0, dot), `${raw.slice(0, dot)}.`, "."]) {
      expect(await cookie.parse(`session=${encodeURIComponent(tampered)}`)).toBeNull();
    }
  });

  it("refuses a cookie signed with a secret it does not hold", async () => {
    const signedElsewhere = await createSignedCookie("session", { secrets: ["x".repeat(40)] }).serialize(value);
    expect(await createSignedCookie("session", { secrets: [SECRET] }).parse(cookieValue(signedElsewhere))).toBeNull();
  });

  it("verifies with every secret and signs with the first, so secrets can rotate", async () => {
    const before = await createSignedCookie("session", { secrets: [OLDER] }).serialize(value);
    const rotated = createSignedCookie("session", { secrets: [SECRET, OLDER] });
    expect(await rotated.parse(cookieValue(before))).toEqual(value);
    const after = await rotated.serialize(value);
    expect(await createSignedCookie("session", { secrets: [SECRET] }).parse(cookieValue(after))).toEqual(value);
  });

  it("answers null without the cookie, and an empty string for an emptied one", async () => {
    const cookie = createSignedCookie("session", { secrets: [SECRET] });
    expect(await cookie.parse(null)).toBeNull();
    expect(await cookie.parse("other=1")).toBeNull();
    expect(await cookie.parse("session=")).toBe("");
    expect(await cookie.serialize("")).toMatch(/^session=; /);
  });

  it("needs a secret", () => {
    expect(() => createSignedCookie("session", { secrets: [] })).toThrow(/at least one secret/);
  });
});
