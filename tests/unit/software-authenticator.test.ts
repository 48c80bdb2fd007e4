import { describe, expect, it } from "vitest";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "../../directus-extensions/account-sign-in/node_modules/@simplewebauthn/server/esm/index.js";
import { SoftwareAuthenticator } from "../support/software-authenticator.ts";

// The software authenticator is checked against the library the extension verifies with, so a
// test built on it speaks WebAuthn as a browser would, and each switch breaks exactly what it names.
const origin = "http://localhost:5173";
const rpID = "localhost";

async function registered(authenticator = new SoftwareAuthenticator(), settings: { counts?: boolean } = {}) {
  const options = await generateRegistrationOptions({
    rpName: "Test",
    rpID,
    userName: "ada@example.com",
    userID: new TextEncoder().encode("user-1"),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
  const response = authenticator.register(options, { origin, ...settings });
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: true,
  });
  if (!verification.verified) throw new Error("registration did not verify");
  return { authenticator, options, response, credential: verification.registrationInfo.credential };
}

async function verifyAssertion(
  response: Parameters<typeof verifyAuthenticationResponse>[0]["response"],
  challenge: string,
  credential: Parameters<typeof verifyAuthenticationResponse>[0]["credential"],
) {
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    credential,
    requireUserVerification: true,
  });
}

describe("SoftwareAuthenticator", () => {
  it("makes a registration the library verifies: ES256, attestation none, user verified", async () => {
    const { response, options, credential, authenticator } = await registered();
    expect(response.type).toBe("public-key");
    expect(response.id).toBe(response.rawId);
    expect(credential.id).toBe(response.id);
    expect(authenticator.credentials).toHaveLength(1);
    expect(authenticator.credentials[0]?.id).toBe(response.id);
    expect(authenticator.credentials[0]?.userHandle).toBe(options.user.id);
  });

  it("signs an assertion the library verifies, carrying the user handle and a rising counter", async () => {
    const { authenticator, credential, options: creation } = await registered();
    const options = await generateAuthenticationOptions({ rpID, userVerification: "required" });
    const response = authenticator.authenticate(options, { origin });
    expect(response.response.userHandle).toBe(creation.user.id);
    const verification = await verifyAssertion(response, options.challenge, credential);
    expect(verification.verified).toBe(true);
    expect(verification.authenticationInfo.newCounter).toBe(1);
    const again = await generateAuthenticationOptions({ rpID, userVerification: "required" });
    const second = await verifyAssertion(authenticator.authenticate(again, { origin }), again.challenge, {
      ...credential,
      counter: 1,
    });
    expect(second.authenticationInfo.newCounter).toBe(2);
  });

  it("picks a credential from allowCredentials, and refuses when it holds none of them", async () => {
    const { authenticator, credential } = await registered();
    const options = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }] });
    expect(authenticator.authenticate(options, { origin }).id).toBe(credential.id);
    const foreign = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: "AAAA" }] });
    expect(() => authenticator.authenticate(foreign, { origin })).toThrow(/no credential/);
  });

  it("refuses to register again where excludeCredentials names one it holds, unless told to", async () => {
    const { authenticator, credential } = await registered();
    const options = await generateRegistrationOptions({
      rpName: "Test",
      rpID,
      userName: "ada@example.com",
      excludeCredentials: [{ id: credential.id }],
    });
    expect(() => authenticator.register(options, { origin })).toThrow(/excluded/);
    expect(authenticator.register(options, { origin, ignoreExcludeCredentials: true }).id).not.toBe(credential.id);
  });

  it("switches: another origin, another rpId and no user verification each fail verification", async () => {
    const { authenticator, credential } = await registered();
    const options = await generateAuthenticationOptions({ rpID, userVerification: "required" });
    await expect(
      verifyAssertion(authenticator.authenticate(options, { origin: "http://evil.test" }), options.challenge, credential),
    ).rejects.toThrow(/origin/i);
    await expect(
      verifyAssertion(authenticator.authenticate(options, { origin, rpId: "evil.test" }), options.challenge, credential),
    ).rejects.toThrow(/RP ID/i);
    await expect(
      verifyAssertion(authenticator.authenticate(options, { origin, userVerified: false }), options.challenge, credential),
    ).rejects.toThrow(/verif/i);
  });

  it("switches: a counter set backwards fails; an authenticator that does not count stays at 0", async () => {
    const { authenticator, credential } = await registered();
    const options = await generateAuthenticationOptions({ rpID });
    await expect(
      verifyAssertion(authenticator.authenticate(options, { origin, counter: 3 }), options.challenge, {
        ...credential,
        counter: 5,
      }),
    ).rejects.toThrow(/counter/i);

    const still = await registered(new SoftwareAuthenticator(), { counts: false });
    const first = still.authenticator.authenticate(options, { origin });
    const verification = await verifyAssertion(first, options.challenge, still.credential);
    expect(verification.authenticationInfo.newCounter).toBe(0);
    expect(still.authenticator.credentials[0]?.counter).toBe(0);
  });

  it("switches: another's credential id presented with this key fails; a chosen user handle is sent as given", async () => {
    const mine = await registered();
    const theirs = await registered();
    const options = await generateAuthenticationOptions({ rpID });
    const forged = mine.authenticator.authenticate(options, { origin, credentialId: theirs.credential.id });
    expect(forged.id).toBe(theirs.credential.id);
    const verification = await verifyAssertion(forged, options.challenge, theirs.credential).catch(() => ({ verified: false }));
    expect(verification.verified).toBe(false);

    // A credential taken from another authenticator signs as that authenticator would.
    const borrowed = mine.authenticator.authenticate(options, { origin, credential: theirs.authenticator.credentials[0] });
    expect((await verifyAssertion(borrowed, options.challenge, theirs.credential)).verified).toBe(true);

    expect(mine.authenticator.authenticate(options, { origin, userHandle: "b3RoZXI" }).response.userHandle).toBe("b3RoZXI");
    expect(mine.authenticator.authenticate(options, { origin, userHandle: null }).response.userHandle).toBeUndefined();
  });
});
