// The passkey routes' rules, free of Directus so that they can be tested alone: the relying party
// (from APP_URL), the bounds every input meets before any work, the answers' shapes, a passkey's
// default name. endpoint.js wires them to Directus and @simplewebauthn/server.

/** How long a challenge may be answered: WebAuthn's own timeout is minutes; five is the ceiling. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

/**
 * Bounds checked before any work. Byte sizes are of the decoded base64url values: a credential id is
 * at most 1,023 bytes (WebAuthn §5.1: credential ids are ≤ 1023 bytes), the rest far more than any
 * authenticator sends. A name is what a person reads on a list.
 */
export const LIMITS = {
  body: 32 * 1024,
  credentialId: 1023,
  clientDataJSON: 4 * 1024,
  attestationObject: 16 * 1024,
  authenticatorData: 4 * 1024,
  signature: 1024,
  // Our user handles are a Directus user id (36 characters); WebAuthn allows 64 bytes.
  userHandle: 64,
  name: 64,
  transports: 8,
  transport: 32,
  passkeysPerAccount: 50,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** @param {unknown} value @returns {value is string} */
export const isUuid = (value) => typeof value === "string" && value.length === 36 && UUID.test(value);

/**
 * A base64url string whose decoded value is at most `maxBytes`, judged by its length before anything
 * is decoded. @param {unknown} value @param {number} maxBytes @returns {value is string}
 */
export function isBase64urlWithin(value, maxBytes) {
  return typeof value === "string" && value.length > 0 && value.length <= Math.ceil((maxBytes * 4) / 3) && BASE64URL.test(value);
}

/**
 * The relying party: its id is APP_URL's host name, the origin its origin. WebAuthn refuses an IP
 * address as the relying party id in browsers, hence a host name such as localhost in development.
 * @param {unknown} appUrl @returns {{ rpID: string, origin: string, rpName: string }}
 */
export function relyingParty(appUrl) {
  if (typeof appUrl !== "string" || appUrl === "") throw new Error("account-sign-in: APP_URL (the app's public URL) is not set");
  const url = new URL(appUrl);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`account-sign-in: APP_URL must be an http(s) URL, not ${appUrl}`);
  return { rpID: url.hostname, origin: url.origin, rpName: url.hostname };
}

/** @param {unknown} value @returns {Record<string, unknown> | null} */
const objectOf = (value) => (value && typeof value === "object" && !Array.isArray(value) ? /** @type {Record<string, unknown>} */ (value) : null);

/**
 * A passkey's name as given: trimmed, 1 to LIMITS.name characters, no control characters.
 * @param {unknown} value @returns {string | null}
 */
export function readName(value) {
  if (typeof value !== "string" || value.length > LIMITS.name * 4) return null;
  const name = value.trim();
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || [...name].length > LIMITS.name || /[\u0000-\u001f\u007f]/.test(name)) return null;
  return name;
}

/**
 * The credential part shared by both responses: id and rawId equal, bounded, type "public-key".
 * @param {Record<string, unknown>} credential
 */
function readCredentialHead(credential) {
  const { id, rawId, type } = credential;
  if (!isBase64urlWithin(id, LIMITS.credentialId) || rawId !== id || type !== "public-key") return null;
  const attachment = credential["authenticatorAttachment"];
  return {
    id,
    rawId: id,
    type: /** @type {"public-key"} */ ("public-key"),
    clientExtensionResults: {},
    ...(attachment === "platform" || attachment === "cross-platform" ? { authenticatorAttachment: /** @type {"platform" | "cross-platform"} */ (attachment) } : {}),
  };
}

/**
 * The body of POST /passkeys/registration, bounded and rebuilt from known fields only, so nothing
 * unbounded reaches the library. @param {unknown} body
 * @returns {{ ok: true, challengeId: string, response: import("@simplewebauthn/server").RegistrationResponseJSON, name: string | null } | { ok: false }}
 */
export function readRegistration(body) {
  const fields = objectOf(body);
  const credential = objectOf(fields?.["response"]);
  const inner = objectOf(credential?.["response"]);
  if (!fields || !credential || !inner || !isUuid(fields["challenge_id"])) return { ok: false };
  const head = readCredentialHead(credential);
  const { clientDataJSON, attestationObject, transports } = inner;
  if (!head || !isBase64urlWithin(clientDataJSON, LIMITS.clientDataJSON) || !isBase64urlWithin(attestationObject, LIMITS.attestationObject)) return { ok: false };
  const given = Array.isArray(transports) ? transports : [];
  if (given.length > LIMITS.transports || !given.every((t) => typeof t === "string" && t.length > 0 && t.length <= LIMITS.transport && /^[a-z-]+$/.test(t))) return { ok: false };
  let name = null;
  if (fields["name"] !== undefined && fields["name"] !== null && fields["name"] !== "") {
    name = readName(fields["name"]);
    if (!name) return { ok: false };
  }
  return {
    ok: true,
    challengeId: fields["challenge_id"],
    name,
    response: { ...head, response: { clientDataJSON, attestationObject, transports: /** @type {any} */ (given) } },
  };
}

/**
 * The body of POST /passkeys/authentication, bounded the same way. @param {unknown} body
 * @returns {{ ok: true, challengeId: string, response: import("@simplewebauthn/server").AuthenticationResponseJSON } | { ok: false }}
 */
export function readAuthentication(body) {
  const fields = objectOf(body);
  const credential = objectOf(fields?.["response"]);
  const inner = objectOf(credential?.["response"]);
  if (!fields || !credential || !inner || !isUuid(fields["challenge_id"])) return { ok: false };
  const head = readCredentialHead(credential);
  const { clientDataJSON, authenticatorData, signature, userHandle } = inner;
  if (
    !head ||
    !isBase64urlWithin(clientDataJSON, LIMITS.clientDataJSON) ||
    !isBase64urlWithin(authenticatorData, LIMITS.authenticatorData) ||
    !isBase64urlWithin(signature, LIMITS.signature) ||
    (userHandle !== undefined && userHandle !== null && !isBase64urlWithin(userHandle, LIMITS.userHandle))
  ) {
    return { ok: false };
  }
  return {
    ok: true,
    challengeId: fields["challenge_id"],
    response: { ...head, response: { clientDataJSON, authenticatorData, signature, ...(typeof userHandle === "string" ? { userHandle } : {}) } },
  };
}

/** A user's WebAuthn user handle: their Directus id, as bytes (no personal data, stable). @param {string} userId */
export const userHandleOf = (userId) => new TextEncoder().encode(userId);

/** The user id a response's user handle names, or null. @param {string | undefined} userHandle */
export function userIdOfHandle(userHandle) {
  if (!userHandle) return null;
  const text = Buffer.from(userHandle, "base64url").toString("utf8");
  return isUuid(text) ? text : null;
}

// Order matters: browsers built on Chrome also name Chrome (and Safari); Chrome names Safari.
const BROWSERS = /** @type {Array<[string, RegExp]>} */ ([
  ["Edge", /\bEdg(?:e|A|iOS)?\//],
  ["Opera", /\bOPR\//],
  ["Samsung Internet", /\bSamsungBrowser\//],
  ["Firefox", /\b(?:Firefox|FxiOS)\//],
  ["Chrome", /\b(?:HeadlessChrome|Chrome|CriOS)\//],
  ["Safari", /\bVersion\/\d+[\d.]*(?: Mobile\/\w+)? Safari\//],
]);
// iOS before macOS (an iPhone says "like Mac OS X"); Android and ChromeOS before Linux.
const SYSTEMS = /** @type {Array<[string, RegExp]>} */ ([
  ["Windows", /\bWindows NT\b/],
  ["iOS", /\b(?:iPhone|iPad|iPod)\b/],
  ["Android", /\bAndroid\b/],
  ["ChromeOS", /\bCrOS\b/],
  ["macOS", /\b(?:Macintosh|Mac OS X)\b/],
  ["Linux", /\bLinux\b/],
]);

/**
 * A passkey's name when none is given: the browser and system it was added from ("Chrome on
 * Linux"), which is what a person recognises on the list; "Passkey" when the User-Agent says nothing known.
 * @param {string | null | undefined} userAgent
 */
export function defaultName(userAgent) {
  const text = (userAgent ?? "").slice(0, 512);
  const browser = BROWSERS.find(([, pattern]) => pattern.test(text))?.[0];
  const system = SYSTEMS.find(([, pattern]) => pattern.test(text))?.[0];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? (system ? `Passkey on ${system}` : "Passkey");
}

/**
 * @typedef {{ id: string, user_id: string, credential_id: string, public_key: string, counter: number | string, transports: string | null, name: string, device_type: string, backed_up: boolean | number, created_at: number | string, last_used_at: number | string | null }} PasskeyRow
 */

/** What a passkey's owner sees of it: never the public key or the credential id. @param {PasskeyRow} row */
export function publicPasskey(row) {
  return {
    id: row.id,
    name: row.name,
    created_at: new Date(Number(row.created_at)).toISOString(),
    last_used_at: row.last_used_at === null || row.last_used_at === undefined ? null : new Date(Number(row.last_used_at)).toISOString(),
    backed_up: Boolean(row.backed_up),
    device_type: row.device_type,
  };
}

/**
 * A duration setting (SESSION_COOKIE_TTL, REFRESH_TOKEN_TTL) in milliseconds, read as Directus reads
 * it (its getMilliseconds, through the `ms` package: a bare number is milliseconds).
 * @param {unknown} value @param {number} [fallback]
 */
export function durationMs(value, fallback) {
  if ((typeof value !== "string" && typeof value !== "number") || value === "") return fallback;
  const match = /^(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$/i.exec(String(value));
  if (!match || String(value).length > 100) return fallback;
  const amount = parseFloat(/** @type {string} */ (match[1]));
  const unit = (match[2] ?? "ms").toLowerCase();
  const second = 1000;
  const minute = 60 * second;
  const hour = 60 * minute;
  const day = 24 * hour;
  /** @type {Array<[RegExp, number]>} */
  const units = [
    [/^(years?|yrs?|y)$/, day * 365.25],
    [/^(weeks?|w)$/, day * 7],
    [/^(days?|d)$/, day],
    [/^(hours?|hrs?|h)$/, hour],
    [/^(minutes?|mins?|m)$/, minute],
    [/^(seconds?|secs?|s)$/, second],
    [/^(milliseconds?|msecs?|ms)$/, 1],
  ];
  const factor = units.find(([pattern]) => pattern.test(unit))?.[1] ?? 1;
  return amount * factor;
}
