// The session cookie, signed with HMAC-SHA256 through node:crypto.
// React Router's createCookie imports the HMAC key through WebCrypto (a trip to the thread pool)
// and re-escapes the value one character at a time, on every request. For the one cookie every
// request carries, that was a measurable share of a page's CPU (README, Performance).
// The wire format is createCookie's: base64 of the JSON's UTF-8 bytes, ".", then the base64 HMAC
// without padding. Sessions signed before the switch stay valid; a unit test holds the two to it.
import { createHmac, timingSafeEqual } from "node:crypto";
import { parse, serialize } from "cookie-es";
import type { Cookie, CookieOptions } from "react-router";

type SignedCookieOptions = Omit<CookieOptions, "secrets"> & {
  /** The first signs; every one verifies (older secrets keep sessions alive through a rotation). */
  secrets: readonly string[];
};

/** The signature as the cookie carries it: base64 of the HMAC-SHA256, without "=" padding. */
function signature(value: string, secret: string): string {
  return createHmac("sha256", secret).update(value).digest("base64").replace(/=+$/, "");
}

/** The JSON the cookie carries, if one of the secrets signed it; null otherwise. */
function verify(raw: string, secrets: readonly string[]): unknown {
  const dot = raw.lastIndexOf(".");
  if (dot <= 0) return null;
  const value = raw.slice(0, dot);
  // Compared as text, so only the exact encoding passes (Buffer's base64 decoder skips stray characters).
  const given = Buffer.from(raw.slice(dot + 1));
  for (const secret of secrets) {
    const expected = Buffer.from(signature(value, secret));
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      try {
        return JSON.parse(Buffer.from(value, "base64").toString("utf8"));
      } catch {
        return null;
      }
    }
  }
  return null;
}

export function createSignedCookie(name: string, { secrets, ...options }: SignedCookieOptions): Cookie {
  if (secrets.length === 0) throw new Error(`The ${name} cookie needs at least one secret`);
  const settings = { path: "/", sameSite: "lax" as const, ...options };
  return {
    name,
    isSigned: true,
    get expires() {
      return settings.maxAge === undefined ? settings.expires : new Date(Date.now() + settings.maxAge * 1000);
    },
    async parse(cookieHeader, parseOptions) {
      if (!cookieHeader) return null;
      const raw = parse(cookieHeader, { ...settings, ...parseOptions })[name];
      if (raw === undefined) return null;
      return raw === "" ? "" : verify(raw, secrets);
    },
    async serialize(value, serializeOptions) {
      let encoded = "";
      if (value !== "") {
        const data = Buffer.from(JSON.stringify(value), "utf8").toString("base64");
        encoded = `${data}.${signature(data, secrets[0]!)}`;
      }
      return serialize(name, encoded, { ...settings, ...serializeOptions });
    },
  };
}
