import { describe, expect, it } from "vitest";
import { registrationPassword } from "#app/server/account/registration-password.server.ts";

const SECRET = "s".repeat(40);

describe("the password an address is registered with before its owner confirms it", () => {
  it("is the same for the same address under the same secret, whatever its case or surrounding spaces", () => {
    expect(registrationPassword(" Owner@Example.com", SECRET)).toBe(registrationPassword("owner@example.com", SECRET));
  });

  it("differs by address and by secret (a rotated secret derives another)", () => {
    const one = registrationPassword("owner@example.com", SECRET);
    expect(registrationPassword("other@example.com", SECRET)).not.toBe(one);
    expect(registrationPassword("owner@example.com", "t".repeat(40))).not.toBe(one);
  });

  it("is long and meets Directus's presets: at least 8 characters, and the strong one's capital, small letter, digit and symbol", () => {
    const password = registrationPassword("owner@example.com", SECRET);
    expect(password.length).toBeGreaterThanOrEqual(40);
    // Directus 11's "strong" preset for auth_password_policy.
    const strong = /(?=^.{8,}$)(?=.*\d)(?=.*[A-Z])(?=.*[a-z])(?=.*[!@#$%^&*()_+}{';'?>.<,])(?!.*\s).*$/;
    expect(password).toMatch(strong);
    expect(password).toMatch(/^.{12,}$/);
  });
});
