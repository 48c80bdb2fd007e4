// How Directus 11.17.4 refuses an emailed link's token, per flow (services/users.js, utils/jwt.js):
// verify-email answers a used link with INVALID_PAYLOAD ("Invalid verification code"), a reset with
// FORBIDDEN (the token's password hash no longer matches); both answer TOKEN_EXPIRED and INVALID_TOKEN.
import { describe, expect, it } from "vitest";
import { linkProblem } from "#app/server/account/registration.server.ts";

function directusError(status: number, code: string, message = "refused") {
  return { message, errors: [{ message, extensions: { code } }], response: new Response(null, { status }) };
}

describe("a refused link", () => {
  it.each([
    ["verification", "INVALID_PAYLOAD", 401, "TOKEN_EXPIRED", "expired"],
    ["verification", "INVALID_PAYLOAD", 403, "INVALID_TOKEN", "invalid"],
    ["verification", "INVALID_PAYLOAD", 400, "INVALID_PAYLOAD", "used"],
    ["verification", "INVALID_PAYLOAD", 403, "FORBIDDEN", "invalid"],
    ["reset", "FORBIDDEN", 403, "FORBIDDEN", "used"],
    ["reset", "FORBIDDEN", 401, "TOKEN_EXPIRED", "expired"],
    ["reset", "FORBIDDEN", 403, "INVALID_TOKEN", "invalid"],
  ] as const)("in %s (used = %s): %i %s is %s", (_flow, usedCode, status, code, problem) => {
    expect(linkProblem(directusError(status, code), usedCode)).toBe(problem);
  });

  it.each([
    ["a password Directus's policy refuses", directusError(400, "FAILED_VALIDATION")],
    ["too many requests", directusError(429, "REQUESTS_EXCEEDED")],
    ["an outage", new TypeError("fetch failed")],
  ])("is not %s", (_label, error) => {
    expect(linkProblem(error, "FORBIDDEN")).toBeNull();
  });
});
