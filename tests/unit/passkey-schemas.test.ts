import { describe, expect, it } from "vitest";
import { passkeySignInSchema, passkeysSchema, PASSKEY_UNREADABLE } from "#app/lib/passkey-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
};
const answer = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: "AbC-_1", rawId: "AbC-_1", type: "public-key", response: { clientDataJSON: "e30" }, ...extra });

describe("the browser's answer to a passkey ceremony", () => {
  it("is taken as an object when it has the shape of one", () => {
    const parsed = parseForm(passkeySignInSchema, form({ intent: "sign-in", response: answer(), redirectTo: "/posts/7" }));
    expect(parsed).toMatchObject({ ok: true, data: { intent: "sign-in", response: { id: "AbC-_1", type: "public-key" }, redirectTo: "/posts/7" } });
  });

  it("is refused over 16 KiB before it is parsed, and when it is not JSON or not a credential", () => {
    const tooLong = answer({ padding: "x".repeat(16 * 1024) });
    for (const response of [tooLong, "{", "null", answer({ type: "password" }), answer({ rawId: "other" }), answer({ id: "not base64url!" })]) {
      expect(parseForm(passkeySignInSchema, form({ intent: "sign-in", response }))).toEqual({ ok: false, errors: { response: PASSKEY_UNREADABLE } });
    }
  });

  it("is refused with a credential id past WebAuthn's 1,023 bytes", () => {
    const id = "A".repeat(1365);
    expect(parseForm(passkeySignInSchema, form({ intent: "sign-in", response: answer({ id, rawId: id }) })).ok).toBe(false);
  });
});

describe("the passkeys page's forms", () => {
  const id = "0b6f3c1e-2a4d-4e5f-9a8b-7c6d5e4f3a2b";

  it("names a passkey with at most 64 characters, trimmed; a rename needs a name", () => {
    expect(parseForm(passkeysSchema, form({ intent: "rename", id, name: "  Laptop  " }))).toEqual({ ok: true, data: { intent: "rename", id, name: "Laptop" } });
    expect(parseForm(passkeysSchema, form({ intent: "rename", id, name: "x".repeat(65) })).ok).toBe(false);
    expect(parseForm(passkeysSchema, form({ intent: "rename", id, name: "   " })).ok).toBe(false);
    expect(parseForm(passkeysSchema, form({ intent: "add", response: answer(), name: "" }))).toMatchObject({ ok: true, data: { name: "" } });
  });

  it("refuses an id that is not the extension's handle", () => {
    expect(parseForm(passkeysSchema, form({ intent: "remove", id: "../users" })).ok).toBe(false);
    expect(parseForm(passkeysSchema, form({ intent: "remove", id }))).toEqual({ ok: true, data: { intent: "remove", id } });
  });
});
