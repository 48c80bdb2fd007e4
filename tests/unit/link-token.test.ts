import { describe, expect, it } from "vitest";
import { linkTokenProblem, readLinkToken } from "#app/server/account/link-token.server.ts";

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
// Shaped as Directus 11.17.4 signs them (services/users.js): HS256, issuer "directus", exp in seconds.
const token = (payload: Record<string, unknown>) => `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}.c2lnbmF0dXJl`;
const NOW = 1_800_000_000_000;

describe("the token of an emailed link", () => {
  it("tells its address, scope and expiry", () => {
    const reset = token({ email: "José@example.com", scope: "password-reset", hash: "x", iat: 1, exp: NOW / 1000 + 60, iss: "directus" });
    expect(readLinkToken(reset)).toEqual({ email: "José@example.com", scope: "password-reset", expiresAt: NOW + 60_000 });
    expect(linkTokenProblem(reset, "password-reset", NOW)).toBeNull();
  });

  it("is expired once its exp has passed", () => {
    const old = token({ email: "a@example.com", scope: "pending-registration", exp: NOW / 1000 - 1 });
    expect(linkTokenProblem(old, "pending-registration", NOW)).toBe("expired");
  });

  it.each([
    ["a token for the other flow", token({ email: "a@example.com", scope: "pending-registration", exp: NOW / 1000 + 60 })],
    ["two parts", "abc.def"],
    ["a payload that is not JSON", "abc.bm90IGpzb24.def"],
    ["a payload without an email", token({ scope: "password-reset", exp: NOW / 1000 + 60 })],
    ["characters outside base64url", `${token({ email: "a@example.com", scope: "password-reset", exp: 9e9 })}<script>`],
    ["nothing", ""],
  ])("is invalid as %s", (_label, value) => {
    expect(linkTokenProblem(value, "password-reset", NOW)).toBe("invalid");
  });

  // Nobody checks the signature before the page shows the address: only something Directus would
  // take as an address (its own email rule) is ever read out of a token, never free text.
  it.each([
    ["a sentence", "Your account is locked. Call +1 555 0100 to unlock it"],
    ["markup", "<b>Security alert</b>@example.com"],
    ["no domain", "someone@"],
    ["an address followed by a sentence", "a@example.com. Call us now"],
    ["over the email limit", `${"a".repeat(250)}@example.com`],
  ])("is invalid when its email claim is %s, and tells nothing of it", (_label, email) => {
    const forged = token({ email, scope: "pending-registration", exp: NOW / 1000 + 60 });
    expect(readLinkToken(forged)).toBeNull();
    expect(linkTokenProblem(forged, "pending-registration", NOW)).toBe("invalid");
  });
});
