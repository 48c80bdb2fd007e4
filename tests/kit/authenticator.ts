// The kit's `authenticator`: Chromium's virtual authenticator (the CDP WebAuthn domain) on a page,
// standing in for a laptop's fingerprint reader or a phone: a platform authenticator that holds
// discoverable credentials and verifies its user without asking. Chromium only.
import type { Page } from "@playwright/test";
import type { SoftwareCredential } from "../support/software-authenticator.ts";

export type VirtualAuthenticator = {
  /** The credentials it holds now (as CDP reports them). */
  credentials: () => Promise<Array<{ credentialId: string; rpId?: string; signCount: number }>>;
  /** Puts a passkey the kit made (`account({ passkey: true }).passkey`) in it, as if made on this device. */
  add: (credential: SoftwareCredential) => Promise<void>;
};

/** CDP's binary fields are standard base64; WebAuthn's ids are base64url. */
const base64 = (base64url: string) => Buffer.from(base64url, "base64url").toString("base64");

/** Gives the page's browser an authenticator; it lasts as long as the page. */
export async function addAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return {
    credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials,
    add: async (credential) => {
      const privateKey = credential.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
      await cdp.send("WebAuthn.addCredential", {
        authenticatorId,
        credential: {
          credentialId: base64(credential.id),
          isResidentCredential: true,
          rpId: credential.rpId,
          privateKey,
          userHandle: base64(credential.userHandle),
          signCount: credential.counter,
        },
      });
    },
  };
}
