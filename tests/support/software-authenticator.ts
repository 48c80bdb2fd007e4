// A software WebAuthn authenticator for Node tests: what a browser plus a platform authenticator
// hand the server, made without a browser. EC P-256 keys (ES256), attestation format "none",
// discoverable credentials with a user handle. Each switch breaks exactly one thing a server must
// check (origin, relying party id, user verification, signature counter, which credential, user
// handle), so a hardening test can prove each refusal. The e2e tests use Chromium's own virtual
// authenticator instead; this one is for tests over HTTP.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { encodeCBOR, type CBORType } from "@levischuck/tiny-cbor";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/browser";

/** A credential the authenticator holds. Pass it to another authenticator's `authenticate` to sign as its holder. */
export interface SoftwareCredential {
  /** The credential id, base64url: what the server stores and `allowCredentials` names. */
  readonly id: string;
  /** The relying party id it was made for. */
  readonly rpId: string;
  /** The user handle (`user.id` of the creation options, base64url), returned on sign-in. */
  readonly userHandle: string;
  /** The signature counter last sent; stays 0 when the authenticator does not count. */
  counter: number;
  /** Whether this authenticator counts signatures (many synced passkeys do not: always 0). */
  readonly counts: boolean;
  readonly privateKey: KeyObject;
}

/** Switches for `register`. Only `origin` is needed; the rest default to an honest authenticator. */
export interface RegisterSettings {
  /** The page's origin as the browser would report it in clientDataJSON. */
  origin: string;
  /** The relying party id hashed into the authenticator data; default `options.rp.id`, else the origin's host. */
  rpId?: string;
  /** The UV flag; default true. */
  userVerified?: boolean;
  /** Whether the authenticator counts signatures; default true (first sign-in sends 1). */
  counts?: boolean;
  /** The counter in the registration's authenticator data; default 0. */
  counter?: number;
  /** Backup eligible and backed up (a synced passkey, "multiDevice"); default false. */
  backedUp?: boolean;
  /** Register even when `excludeCredentials` names a credential this authenticator holds (a browser would not). */
  ignoreExcludeCredentials?: boolean;
  /** Transports reported; default ["internal"]. */
  transports?: string[];
}

/** Switches for `authenticate`. Only `origin` is needed. */
export interface AuthenticateSettings {
  origin: string;
  /** The relying party id hashed into the authenticator data; default `options.rpId`, else the origin's host. */
  rpId?: string;
  /** The UV flag; default true. */
  userVerified?: boolean;
  /**
   * The signature counter to send (also kept as the credential's counter), e.g. lower than the
   * server's to play a cloned authenticator. Default: the next count, or 0 when it does not count.
   */
  counter?: number;
  /** Sign with this credential (one of this authenticator's or another's), whatever `allowCredentials` says. */
  credential?: SoftwareCredential;
  /** Present this credential id (id and rawId) while signing with the chosen credential's key. */
  credentialId?: string;
  /** The user handle to send: a base64url string, or null to send none. Default: the credential's. */
  userHandle?: string | null;
}

// Authenticator data flags (WebAuthn §6.1).
const USER_PRESENT = 0x01;
const USER_VERIFIED = 0x04;
const BACKUP_ELIGIBLE = 0x08;
const BACKED_UP = 0x10;
const ATTESTED_CREDENTIAL_DATA = 0x40;
const ES256 = -7;

export class SoftwareAuthenticator {
  /** The credentials made so far, oldest first. */
  readonly credentials: SoftwareCredential[] = [];
  // The flags each credential was registered with, so its assertions say the same.
  readonly #backedUp = new Map<string, boolean>();

  /** Makes a new credential for creation options, as `navigator.credentials.create()` would. */
  register(options: PublicKeyCredentialCreationOptionsJSON, settings: RegisterSettings): RegistrationResponseJSON {
    if (!options.pubKeyCredParams.some((parameter) => parameter.alg === ES256)) {
      throw new Error("software authenticator: the options do not allow ES256");
    }
    const rpId = settings.rpId ?? options.rp.id ?? new URL(settings.origin).hostname;
    const excluded = new Set((options.excludeCredentials ?? []).map((descriptor) => descriptor.id));
    if (!settings.ignoreExcludeCredentials && this.credentials.some((held) => held.rpId === rpId && excluded.has(held.id))) {
      throw new Error("software authenticator: an excluded credential is held here (InvalidStateError)");
    }

    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const rawId = randomBytes(32);
    const credential: SoftwareCredential = {
      id: rawId.toString("base64url"),
      rpId,
      userHandle: options.user.id,
      counter: settings.counter ?? 0,
      counts: settings.counts ?? true,
      privateKey,
    };
    const backedUp = settings.backedUp ?? false;
    this.credentials.push(credential);
    this.#backedUp.set(credential.id, backedUp);

    const jwk = publicKey.export({ format: "jwk" });
    const coseKey = new Map<number, CBORType>([
      [1, 2], // kty: EC2
      [3, ES256], // alg
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x ?? "", "base64url")],
      [-3, Buffer.from(jwk.y ?? "", "base64url")],
    ]);
    const credentialIdLength = Buffer.alloc(2);
    credentialIdLength.writeUInt16BE(rawId.length);
    const authenticatorData = Buffer.concat([
      authenticatorDataHead(rpId, flags(settings.userVerified, backedUp) | ATTESTED_CREDENTIAL_DATA, credential.counter),
      Buffer.alloc(16), // AAGUID: zeros, as authenticators without attestation send
      credentialIdLength,
      rawId,
      encodeCBOR(coseKey),
    ]);
    const attestationObject = encodeCBOR(
      new Map<string, CBORType>([
        ["fmt", "none"],
        ["attStmt", new Map<string, CBORType>()],
        ["authData", authenticatorData],
      ]),
    );
    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON: clientData("webauthn.create", options.challenge, settings.origin).toString("base64url"),
        attestationObject: Buffer.from(attestationObject).toString("base64url"),
        authenticatorData: authenticatorData.toString("base64url"),
        transports: settings.transports ?? ["internal"],
        publicKeyAlgorithm: ES256,
        publicKey: publicKey.export({ format: "der", type: "spki" }).toString("base64url"),
      },
    };
  }

  /** Signs a request's challenge, as `navigator.credentials.get()` would. Throws when it holds no fitting credential. */
  authenticate(options: PublicKeyCredentialRequestOptionsJSON, settings: AuthenticateSettings): AuthenticationResponseJSON {
    const rpId = settings.rpId ?? options.rpId ?? new URL(settings.origin).hostname;
    const credential = settings.credential ?? this.#pick(options, options.rpId ?? new URL(settings.origin).hostname);
    const counter = settings.counter ?? (credential.counts ? credential.counter + 1 : 0);
    credential.counter = counter;

    const backedUp = this.#backedUp.get(credential.id) ?? false;
    const authenticatorData = authenticatorDataHead(rpId, flags(settings.userVerified, backedUp), counter);
    const clientDataJSON = clientData("webauthn.get", options.challenge, settings.origin);
    const signature = sign(
      "sha256",
      Buffer.concat([authenticatorData, createHash("sha256").update(clientDataJSON).digest()]),
      credential.privateKey,
    );
    const id = settings.credentialId ?? credential.id;
    const userHandle = settings.userHandle === undefined ? credential.userHandle : settings.userHandle;
    return {
      id,
      rawId: id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON: clientDataJSON.toString("base64url"),
        authenticatorData: authenticatorData.toString("base64url"),
        signature: signature.toString("base64url"),
        ...(userHandle === null ? {} : { userHandle }),
      },
    };
  }

  // allowCredentials names the credentials the server accepts; without it (discoverable sign-in)
  // the newest credential for the relying party is the one a person would pick.
  #pick(options: PublicKeyCredentialRequestOptionsJSON, rpId: string): SoftwareCredential {
    const allowed = options.allowCredentials?.length ? new Set(options.allowCredentials.map((d) => d.id)) : null;
    const candidates = this.credentials.filter((held) => held.rpId === rpId && (!allowed || allowed.has(held.id)));
    const credential = candidates.at(-1);
    if (!credential) throw new Error("software authenticator: no credential for this request (NotAllowedError)");
    return credential;
  }
}

function flags(userVerified: boolean | undefined, backedUp: boolean): number {
  return USER_PRESENT | (userVerified === false ? 0 : USER_VERIFIED) | (backedUp ? BACKUP_ELIGIBLE | BACKED_UP : 0);
}

function authenticatorDataHead(rpId: string, flagByte: number, counter: number): Buffer {
  const head = Buffer.alloc(37);
  createHash("sha256").update(rpId).digest().copy(head, 0);
  head.writeUInt8(flagByte, 32);
  head.writeUInt32BE(counter >>> 0, 33);
  return head;
}

function clientData(type: "webauthn.create" | "webauthn.get", challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}
