import { describe, expect, it } from "vitest";
import { confirmItsYouSchema, loginCodeSchema, twoFactorSchema } from "#app/lib/two-factor-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";

function form(entries: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(entries)) data.append(name, value);
  return data;
}

const SIX_DIGITS = "Enter the six digits your authenticator app shows";

describe("the sign-in code form", () => {
  it("takes six digits, also as an app shows them (123 456) or pasted with spaces around", () => {
    for (const typed of ["123456", "123 456", " 123456\n", "\t123 456 "]) {
      expect(parseForm(loginCodeSchema, form({ intent: "verify", code: typed }))).toEqual({ ok: true, data: { intent: "verify", code: "123456" } });
    }
  });

  it("refuses what is not six digits, with one message under the code", () => {
    for (const typed of ["", "12345", "1234567", "12345a", "١٢٣٤٥٦", "12\u00003456", "123-456", "1".repeat(100)]) {
      const result = parseForm(loginCodeSchema, form({ intent: "verify", code: typed }));
      expect(result.ok, JSON.stringify(typed)).toBe(false);
      if (!result.ok) expect(result.errors.code).toMatch(/six digits|code/);
    }
    const missing = parseForm(loginCodeSchema, form({ intent: "verify" }));
    expect(missing.ok || missing.errors.code).toBe(SIX_DIGITS);
  });

  it("starts over without a code, and names an unknown intent", () => {
    expect(parseForm(loginCodeSchema, form({ intent: "start-over" }))).toEqual({ ok: true, data: { intent: "start-over" } });
    for (const fields of [{}, { intent: "sudo" }, { code: "123456" }] as Array<Record<string, string>>) {
      const result = parseForm(loginCodeSchema, form(fields));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.intent).toBe("This form could not be read. Please reload the page and try again.");
    }
  });
});

describe("the two-factor settings form", () => {
  it("reads each intent with its own fields", () => {
    // Starting takes no password: "confirm it's you" comes first, by what the account has; one sent along is dropped.
    expect(parseForm(twoFactorSchema, form({ intent: "start", password: "pw" }))).toEqual({ ok: true, data: { intent: "start" } });
    expect(parseForm(twoFactorSchema, form({ intent: "enable", code: "654 321" }))).toEqual({ ok: true, data: { intent: "enable", code: "654321" } });
    expect(parseForm(twoFactorSchema, form({ intent: "disable", code: "654321" }))).toEqual({ ok: true, data: { intent: "disable", code: "654321" } });
    expect(parseForm(twoFactorSchema, form({ intent: "cancel" }))).toEqual({ ok: true, data: { intent: "cancel" } });
  });

  it("asks for a code to enable or disable", () => {
    for (const intent of ["enable", "disable"]) {
      const result = parseForm(twoFactorSchema, form({ intent, code: "12" }));
      expect(result.ok || result.errors.code).toBe(SIX_DIGITS);
    }
  });
});

describe("the \"confirm it's you\" form", () => {
  it("reads the password, the provider, or the provider with a code", () => {
    expect(parseForm(confirmItsYouSchema, form({ intent: "password", password: "pw" }))).toEqual({ ok: true, data: { intent: "password", password: "pw" } });
    expect(parseForm(confirmItsYouSchema, form({ intent: "provider" }))).toEqual({ ok: true, data: { intent: "provider" } });
    expect(parseForm(confirmItsYouSchema, form({ intent: "provider-code", code: "123 456" }))).toEqual({
      ok: true,
      data: { intent: "provider-code", code: "123456" },
    });
  });

  it("asks for the password and the code each under its field, and names an unknown intent", () => {
    const password = parseForm(confirmItsYouSchema, form({ intent: "password", password: "" }));
    expect(password.ok || password.errors.password).toBe("Password is required");
    const code = parseForm(confirmItsYouSchema, form({ intent: "provider-code", code: "12" }));
    expect(code.ok || code.errors.code).toBe(SIX_DIGITS);
    for (const fields of [{}, { intent: "sudo" }, { password: "pw" }] as Array<Record<string, string>>) {
      const result = parseForm(confirmItsYouSchema, form(fields));
      expect(result.ok || result.errors.intent).toBe("This form could not be read. Please reload the page and try again.");
    }
  });
});
