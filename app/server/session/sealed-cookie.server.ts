// The session cookie, sealed: AES-256-GCM encrypts the JSON (so a copied cookie shows no token,
// email or id), then an HMAC-SHA256 signs it as before, both keyed from SESSION_SECRET through
// node:crypto. React Router's createCookie only signs, through WebCrypto and per-character
// escaping on every request; this is the same Cookie interface for createCookieSessionStorage.
// Wire format: base64url(iv | ciphertext | tag), ".", then the base64 HMAC without padding.
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from "node:crypto";
import { parse, serialize } from "cookie-es";
import type { Cookie, CookieOptions } from "react-router";
import { timedAsync } from "../http/stage-timings.server";

type SealedCookieOptions = Omit<CookieOptions, "secrets"> & {
  /** The first seals; every one opens (older secrets keep sessions alive through a rotation). */
  secrets: readonly string[];
};

const IV_BYTES = 12;
const TAG_BYTES = 16;
// A key of its own for encryption, so the signing secret is never used as an AES key directly.
const keyCache = new Map<string, Buffer>();
function encryptionKey(secret: string): Buffer {
  let key = keyCache.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, "", "session-cookie aes-256-gcm", 32));
    keyCache.set(secret, key);
  }
  return key;
}

// The signing key as a KeyObject, made once per secret rather than from the string on every request.
const signingKeyCache = new Map<string, KeyObject>();
function signingKey(secret: string): KeyObject {
  let key = signingKeyCache.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, "utf8"));
    signingKeyCache.set(secret, key);
  }
  return key;
}

/** The signature as the cookie carries it: base64 of the HMAC-SHA256, without "=" padding. */
function signature(value: string, secret: string): string {
  return createHmac("sha256", signingKey(secret)).update(value).digest("base64").replace(/=+$/, "");
}

/** Encrypts and signs a JSON-able value with the first secret. */
export function sealCookieValue(value: unknown, secret: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey(secret), iv);
  const sealed = Buffer.concat([iv, cipher.update(JSON.stringify(value), "utf8"), cipher.final(), cipher.getAuthTag()]).toString("base64url");
  return `${sealed}.${signature(sealed, secret)}`;
}

/** The value inside, if one of the secrets sealed it; null for anything else (tampered, foreign, old format). */
export function unsealCookieValue(raw: string, secrets: readonly string[]): unknown {
  const dot = raw.lastIndexOf(".");
  if (dot <= 0) return null;
  const sealed = raw.slice(0, dot);
  // Compared as text, so only the exact encoding passes (Buffer's base64 decoder skips stray characters).
  const given = Buffer.from(raw.slice(dot + 1));
  for (const secret of secrets) {
    const expected = Buffer.from(signature(sealed, secret));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) continue;
    const bytes = Buffer.from(sealed, "base64url");
    if (bytes.length <= IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv("aes-256-gcm", encryptionKey(secret), bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const json = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
      return JSON.parse(json);
    } catch {
      return null;
    }
  }
  return null;
}

export function createSealedCookie(name: string, { secrets, ...options }: SealedCookieOptions): Cookie {
  if (secrets.length === 0) throw new Error(`The ${name} cookie needs at least one secret`);
  const settings = { path: "/", sameSite: "lax" as const, ...options };
  const cookie: Cookie = {
    name,
    isSigned: true,
    get expires() {
      return settings.maxAge === undefined ? settings.expires : new Date(Date.now() + settings.maxAge * 1000);
    },
    async parse(cookieHeader, parseOptions) {
      if (!cookieHeader) return null;
      const raw = parse(cookieHeader, { ...settings, ...parseOptions })[name];
      if (raw === undefined) return null;
      return raw === "" ? "" : unsealCookieValue(raw, secrets);
    },
    async serialize(value, serializeOptions) {
      const encoded = value === "" ? "" : sealCookieValue(value, secrets[0]!);
      return serialize(name, encoded, { ...settings, ...serializeOptions });
    },
  };
  // Under APP_STAGE_TIMINGS only (stage-timings.server.ts); otherwise the same functions.
  cookie.parse = timedAsync("session cookie: open (HMAC, AES-GCM, JSON)", cookie.parse);
  cookie.serialize = timedAsync("session cookie: seal", cookie.serialize);
  return cookie;
}
