import { describe, expect, it } from "vitest";
import {
  changeEmailSchema,
  changePasswordSchema,
  confirmRegistrationSchema,
  forgotPasswordSchema,
  limits,
  loginSchema,
  parseForm,
  postSchema,
  openResetLinkSchema,
  profileSchema,
  registerEmailSchema,
  registerSchema,
  resetPasswordSchema,
} from "#app/lib/validation.ts";

function form(entries: Array<[string, string | File]>): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

const ONE_MB = "a".repeat(1024 * 1024);

describe("parseForm", () => {
  it("accepts a good login and trims the email", () => {
    const result = parseForm(loginSchema, form([["email", "  ada@example.com \n"], ["password", " secret with spaces "], ["redirectTo", "/posts/3"]]));
    expect(result).toEqual({
      ok: true,
      data: { email: "ada@example.com", password: " secret with spaces ", redirectTo: "/posts/3" },
    });
  });

  it("rejects a field sent twice instead of picking one", () => {
    const result = parseForm(loginSchema, form([["email", "ada@example.com"], ["email", "eve@example.com"], ["password", "pw"]]));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.email).toBe("Send this field once, as text");
  });

  it("reads each field once: no lookup by name, which would scan every field per name", () => {
    class NoLookups extends FormData {
      override get(): never {
        throw new Error("get scans every field");
      }
      override getAll(): never {
        throw new Error("getAll scans every field");
      }
    }
    const many = new NoLookups();
    many.append("email", "ada@example.com");
    many.append("password", "pw");
    for (let i = 0; i < 10_000; i++) many.append(`f${i}`, "");
    many.append("email", "eve@example.com");
    expect(parseForm(loginSchema, many)).toEqual({ ok: false, errors: { email: "Send this field once, as text" } });
  });

  it("rejects a file where text is expected", () => {
    const result = parseForm(loginSchema, form([["email", new File(["ada@example.com"], "email.txt")], ["password", "pw"]]));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.email).toBe("Send this field once, as text");
  });

  it("names each missing field", () => {
    const result = parseForm(loginSchema, new FormData());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.email).toBe("Email is required");
      expect(result.errors.password).toBe("Password is required");
    }
  });

  it("rejects a blank email after trimming", () => {
    const result = parseForm(loginSchema, form([["email", "   "], ["password", "pw"]]));
    expect(result).toEqual({ ok: false, errors: { email: "Email is required" } });
  });

  it("rejects an email that is not one", () => {
    const result = parseForm(registerSchema, form([["email", "not-an-email"], ["password", "long enough password"]]));
    expect(result).toEqual({ ok: false, errors: { email: "Enter a valid email address" } });
  });

  it.each([
    ["email", loginSchema, [["email", `${ONE_MB}@example.com`], ["password", "pw"]]],
    ["password", loginSchema, [["email", "ada@example.com"], ["password", ONE_MB]]],
    ["title", postSchema, [["title", ONE_MB], ["content", "x"]]],
    ["content", postSchema, [["title", "Hello"], ["content", ONE_MB]]],
    ["firstName", profileSchema, [["firstName", ONE_MB], ["lastName", "Lovelace"]]],
  ] as const)("rejects a 1 MB %s", (field, schema, entries) => {
    const result = parseForm(schema, form(entries.map(([name, value]) => [name, value])));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field]).toMatch(/at most|too long/i);
  });

  it("enforces the register password length from limits", () => {
    const short = "p".repeat(limits.passwordMin - 1);
    const exact = "p".repeat(limits.passwordMin);
    expect(parseForm(registerSchema, form([["email", "ada@example.com"], ["password", short]])).ok).toBe(false);
    expect(parseForm(registerSchema, form([["email", "ada@example.com"], ["password", exact]])).ok).toBe(true);
  });

  it("accepts a post at the content limit, and empty content, but not a form without the content field", () => {
    expect(parseForm(postSchema, form([["title", "  Hello  "], ["content", "c".repeat(limits.contentMax)]])).ok).toBe(true);
    expect(parseForm(postSchema, form([["title", "  Hello  "], ["content", ""]]))).toEqual({ ok: true, data: { title: "Hello", content: "" } });
    // A submission without the field would otherwise erase the content of the post being edited.
    expect(parseForm(postSchema, form([["title", "  Hello  "]]))).toEqual({ ok: false, errors: { content: "The content field is missing from the form" } });
  });

  it.each([
    ["NUL in a title", postSchema, [["title", "a\u0000b"], ["content", ""]], "title"],
    ["an RTL override in a title", postSchema, [["title", "\u202Egnp.exe"], ["content", ""]], "title"],
    ["an escape code in content", postSchema, [["title", "Hello"], ["content", "\u001B[31m"]], "content"],
    ["NUL in a name", profileSchema, [["firstName", "a\u0000"], ["lastName", ""]], "firstName"],
    ["a newline in a password", registerSchema, [["email", "ada@example.com"], ["password", "long enough\npassword"]], "password"],
  ] as const)("rejects %s", (_label, schema, entries, field) => {
    const result = parseForm(schema, form(entries.map(([name, value]) => [name, value])));
    expect(result).toEqual({ ok: false, errors: { [field]: "Remove the invisible control characters" } });
  });

  it("keeps emoji, line breaks in content and right-to-left marks", () => {
    expect(parseForm(postSchema, form([["title", "Hello 😀 \u200Fשלום"], ["content", "line one\r\n\tline two"]])).ok).toBe(true);
  });
});

describe("the account forms' schemas", () => {
  it("take a new password only when it is typed the same twice, and say so beside the second", () => {
    const differ = parseForm(resetPasswordSchema, form([["password", "a new passphrase"], ["confirmPassword", "a new passphrasE"]]));
    expect(differ).toEqual({ ok: false, errors: { confirmPassword: "The two passwords are not the same" } });
    const same = parseForm(resetPasswordSchema, form([["password", "a new passphrase"], ["confirmPassword", "a new passphrase"]]));
    expect(same).toEqual({ ok: true, data: { password: "a new passphrase", confirmPassword: "a new passphrase" } });
  });

  it("hold a new password to the registration rules, also when the two differ", () => {
    const short = parseForm(changePasswordSchema, form([["currentPassword", "old"], ["password", "short"], ["confirmPassword", "other"]]));
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.errors.password).toBe(`Password must be at least ${limits.passwordMin} characters`);
  });

  it("take a new address Directus takes for an email change; the password is for \"confirm it's you\", so one sent along is dropped", () => {
    const result = parseForm(changeEmailSchema, form([["email", "josé@example.com"], ["currentPassword", ""]]));
    expect(result).toEqual({ ok: true, data: { email: "josé@example.com" } });
    const bad = parseForm(changeEmailSchema, form([["email", "no-at-sign"], ["currentPassword", "pw"]]));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.email).toBe("Enter a valid email address");
  });

  it("register with an email only when the password is chosen after confirming: a password sent along is dropped", () => {
    const result = parseForm(registerEmailSchema, form([["email", "ada@example.com"], ["password", "a stranger's password"]]));
    expect(result).toEqual({ ok: true, data: { email: "ada@example.com" } });
  });

  it("confirm a registration with the link's token and a new password typed twice", () => {
    const token = "eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImFAYi5jIn0.c2ln";
    const good = parseForm(confirmRegistrationSchema, form([["token", token], ["password", "a new passphrase"], ["confirmPassword", "a new passphrase"]]));
    expect(good).toEqual({ ok: true, data: { token, password: "a new passphrase", confirmPassword: "a new passphrase" } });
    const differ = parseForm(confirmRegistrationSchema, form([["token", token], ["password", "a new passphrase"], ["confirmPassword", "other"]]));
    expect(differ).toEqual({ ok: false, errors: { confirmPassword: "The two passwords are not the same" } });
    const noToken = parseForm(confirmRegistrationSchema, form([["password", "a new passphrase"], ["confirmPassword", "a new passphrase"]]));
    expect(noToken).toEqual({ ok: false, errors: { token: "This form needs the link from your email" } });
    expect(parseForm(openResetLinkSchema, form([["token", `${token}\n`]])).ok).toBe(false);
  });

  it("take any plausible address for a reset request, as login does", () => {
    expect(parseForm(forgotPasswordSchema, form([["email", " ada@example.com "]]))).toEqual({ ok: true, data: { email: "ada@example.com" } });
  });
});
