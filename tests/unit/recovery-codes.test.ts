import { describe, expect, it } from "vitest";
import { noticeLink, normaliseRecoveryCode, recoveryCodeSignInNotice, recoveryCodesText, shownCode } from "#app/lib/recovery-codes.ts";
import { loginCodeSchema, recoveryCodesSchema, twoFactorSchema, KEEP_CODES_FIRST } from "#app/lib/two-factor-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";

function form(entries: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(entries)) data.append(name, value);
  return data;
}

describe("reading a typed recovery code", () => {
  it("reads a code as kept: any case, with or without its dash or spaces, O for 0 and I or L for 1", () => {
    for (const typed of ["abcde-12345", "ABCDE12345", " abcde 12345\n", "AbCdE-I2345", "abcde-l2345"]) {
      expect(normaliseRecoveryCode(typed), typed).toBe("abcde12345");
    }
    expect(normaliseRecoveryCode("0o0o0-1i1l1")).toBe("0000011111");
  });

  it("refuses what cannot be a code: the wrong length, letters outside the alphabet (u), other characters, over 64 characters", () => {
    for (const typed of ["", "abcde-1234", "abcde-123456", "abcdu-12345", "abcde_12345", "ábcde-12345", `abcde-12345${" ".repeat(60)}`]) {
      expect(normaliseRecoveryCode(typed), JSON.stringify(typed)).toBeNull();
    }
  });

  it("the code forms answer under the field, and send the code on normalised", () => {
    expect(parseForm(loginCodeSchema, form({ intent: "recovery-code", recoveryCode: "ABCDE-12345" }))).toEqual({
      ok: true,
      data: { intent: "recovery-code", recoveryCode: "abcde12345" },
    });
    const refused = parseForm(loginCodeSchema, form({ intent: "recovery-code", recoveryCode: "nope" }));
    expect(refused.ok || refused.errors.recoveryCode).toMatch(/recovery codes/);
    const long = parseForm(twoFactorSchema, form({ intent: "disable-with-recovery-code", recoveryCode: "a".repeat(65) }));
    expect(long.ok || long.errors.recoveryCode).toMatch(/recovery codes/);
    expect(parseForm(twoFactorSchema, form({ intent: "disable-with-recovery-code", recoveryCode: "abcde 12345" }))).toEqual({
      ok: true,
      data: { intent: "disable-with-recovery-code", recoveryCode: "abcde12345" },
    });
  });

  it("\"I have kept my recovery codes\" needs the box ticked", () => {
    expect(parseForm(recoveryCodesSchema, form({ intent: "kept", kept: "on" })).ok).toBe(true);
    const unticked = parseForm(recoveryCodesSchema, form({ intent: "kept" }));
    expect(unticked.ok || unticked.errors.kept).toBe(KEEP_CODES_FIRST);
    expect(parseForm(recoveryCodesSchema, form({ intent: "renew" }))).toEqual({ ok: true, data: { intent: "renew" } });
  });
});

describe("the downloaded file", () => {
  it("names the account and site, and lists every code as shown, one a line", () => {
    const codes = ["abcde12345", "fghjk-67890"];
    const text = recoveryCodesText(codes, { site: "app.example.com", account: "ada@example.com", createdAt: new Date("2026-12-06T19:00:00Z") });
    const lines = text.split("\n");
    expect(lines[0]).toBe("Recovery codes for ada@example.com at app.example.com");
    expect(lines[1]).toContain("2026-12-06");
    expect(lines).toContain("abcde-12345");
    expect(lines).toContain("fghjk-67890");
    expect(text.endsWith("\n")).toBe(true);
    expect(shownCode("abcde12345")).toBe("abcde-12345");
  });
});

describe("after a sign-in with a recovery code", () => {
  it("says how many remain, and with two or fewer asks to renew them, linking to where that is done", () => {
    expect(recoveryCodeSignInNotice(9)).toBe("You signed in with a recovery code. 9 left.");
    expect(noticeLink(recoveryCodeSignInNotice(3))).toBeNull();
    expect(recoveryCodeSignInNotice(2)).toBe("You signed in with a recovery code. 2 left. Renew them now.");
    expect(recoveryCodeSignInNotice(0)).toBe("You signed in with a recovery code. 0 left. Renew them now.");
    expect(noticeLink(recoveryCodeSignInNotice(1))).toEqual({ to: "/profile/recovery-codes", label: "Renew your recovery codes" });
    expect(noticeLink(null)).toBeNull();
  });
});
