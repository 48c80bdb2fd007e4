// Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser that
// signed in to an account keeps a long-lived cookie saying so, and a login from it is counted against
// that browser alone, never refused by the account-wide block a stranger's campaign keeps up
// (throttle.server.ts, docs/decisions/013-throttling-not-lockout.md).
//
// One cookie holds a few accounts, newest first. Sealed like the session (AES-GCM, then an HMAC,
// keyed from SESSION_SECRET), and inside it each account is only a keyed hash of its lowercased
// address plus a random nonce naming this browser: a copied cookie shows no address, and a cookie
// made with any other secret, or changed in one byte, proves nothing. Logging out leaves it: it
// proves the browser, not a session. The session middleware writes it, as it writes every cookie.
import { createHmac, randomBytes } from "node:crypto";
import { config } from "../config.server";
import { createSealedCookie } from "./sealed-cookie.server";

/** How many accounts one browser is remembered for; signing in to one more forgets the oldest. */
export const DEVICE_ACCOUNTS_MAX = 5;
/** A year: long enough that the owner's usual browsers stay known between visits. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

type DeviceEntry = { account: string; nonce: string; since: number };

const cookie = createSealedCookie(config.isProduction ? "__Host-device" : "device", {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  secure: config.isProduction,
  maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
  secrets: config.sessionSecrets,
});

// Keyed, so the cookie (were it ever opened) does not carry a guessable hash of the address; every
// secret is tried, so a rotation keeps browsers known.
const accountTag = (email: string, secret: string) => createHmac("sha256", secret).update(`device-cookie:${email.toLowerCase()}`).digest("base64url").slice(0, 22);

function isEntry(value: unknown): value is DeviceEntry {
  if (!value || typeof value !== "object") return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.account === "string" && typeof entry.nonce === "string" && typeof entry.since === "number";
}

async function entriesOf(cookieHeader: string | null): Promise<DeviceEntry[]> {
  const value = await cookie.parse(cookieHeader);
  return Array.isArray(value) ? value.filter(isEntry).slice(0, DEVICE_ACCOUNTS_MAX) : [];
}

/**
 * This browser's nonce for the account, when the request carries a device cookie of ours for it;
 * null otherwise (no cookie, another account's, another secret's, tampered).
 */
export async function knownDevice(cookieHeader: string | null, email: string): Promise<string | null> {
  const entries = await entriesOf(cookieHeader);
  if (entries.length === 0) return null;
  const tags = config.sessionSecrets.map((secret) => accountTag(email, secret));
  return entries.find((entry) => tags.includes(entry.account))?.nonce ?? null;
}

/** The Set-Cookie that adds the account to this browser's device cookie (kept first, with its nonce when it was there). */
export async function rememberDevice(cookieHeader: string | null, email: string): Promise<string> {
  const entries = await entriesOf(cookieHeader);
  const tags = config.sessionSecrets.map((secret) => accountTag(email, secret));
  const account = accountTag(email, config.sessionSecrets[0]!);
  const known = entries.find((entry) => tags.includes(entry.account));
  const mine: DeviceEntry = { account, nonce: known?.nonce ?? randomBytes(16).toString("base64url"), since: known?.since ?? Date.now() };
  const others = entries.filter((entry) => entry !== known);
  return cookie.serialize([mine, ...others].slice(0, DEVICE_ACCOUNTS_MAX));
}
