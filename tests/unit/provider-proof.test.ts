import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { proofOf } from "#app/server/sign-in/provider-proof.server.ts";

// A state cookie as Directus signs it (jsonwebtoken, HS256): the app reads the claim, never checks the signature.
function stateCookie(claims: Record<string, unknown>, name = "openid.development") {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}`;
  return `${name}=${unsigned}.${createHmac("sha256", "secret").update(unsigned).digest("base64url")}`;
}

const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

describe("the provider's proof, read from Directus's state cookie", () => {
  it("is the verifier claim of the flow", () => {
    expect(proofOf(stateCookie({ verifier: VERIFIER, redirect: "http://app/auth/login/development/callback", prompt: false, iss: "directus" }))).toBe(VERIFIER);
    expect(proofOf(stateCookie({ verifier: VERIFIER }, "oauth2.github"))).toBe(VERIFIER);
  });

  it("is nothing when the cookie holds no readable verifier", () => {
    expect(proofOf("openid.development=")).toBeNull();
    expect(proofOf("openid.development=not-a-jwt")).toBeNull();
    expect(proofOf("openid.development=a.%%%.c")).toBeNull();
    expect(proofOf("openid.development=a.b.c.d")).toBeNull();
    expect(proofOf(stateCookie({ redirect: "x" }))).toBeNull();
    expect(proofOf(stateCookie({ verifier: 42 }))).toBeNull();
    expect(proofOf(stateCookie({ verifier: "" }))).toBeNull();
    expect(proofOf(stateCookie({ verifier: "a".repeat(257) }))).toBeNull();
    expect(proofOf(stateCookie({ verifier: "has space" }))).toBeNull();
  });
});
