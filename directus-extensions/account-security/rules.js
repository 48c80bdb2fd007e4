// The extension's rules, free of Directus so that they can be tested alone: what an email-change
// link's token holds and how it is checked, the bounds on input, which user updates the owner is told
// about, and the messages. notices.js and email-change.js wire them to Directus.
import { createHmac, timingSafeEqual } from "node:crypto";

/** Bounds checked before any work: directus_users.email is varchar(128); a token or URL is far smaller than 2 KB. */
export const LIMITS = { email: 128, token: 2048, url: 2048 };

export const EMAIL_CHANGE_SCOPE = "email-change";
export const EMAIL_CHANGE_CANCEL_SCOPE = "email-change-cancel";
// Not "directus": Directus's own token checks require issuer "directus", so neither side ever takes
// the other's tokens (a session token is no email-change link, and this link is no session).
export const TOKEN_ISSUER = "account-security";
/** How long an email-change link (and its cancel link) works. */
export const EMAIL_CHANGE_TTL_SECONDS = 60 * 60;
/** Email-change requests that mail anything, per account in any hour: a script with a session cannot flood inboxes. */
export const EMAIL_CHANGES_PER_HOUR = 3;

/** @param {unknown} value */
const encode = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** @param {unknown} secret @param {string} data */
const mac = (secret, data) => createHmac("sha256", String(secret)).update(data).digest("base64url");

/** @param {string} a @param {string} b */
function sameText(a, b) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Ties a link to the address the account had when the link was asked for: once the email changes
 * (this link used, or another), the binding no longer matches and the link is spent. Keyed, so the
 * token does not carry a guessable hash of the old address.
 * @param {unknown} secret @param {string} email
 */
export function emailBinding(secret, email) {
  return mac(secret, `email-change-binding:${email.toLowerCase()}`).slice(0, 22);
}

/**
 * Every link token of this extension: a JWT (HS256 with Directus's SECRET) under its own issuer,
 * with a scope saying what it is for and `ttlSeconds` to live.
 * @param {unknown} secret @param {Record<string, unknown>} claims @param {number} now epoch ms @param {number} [ttlSeconds]
 */
export function signToken(secret, claims, now, ttlSeconds = EMAIL_CHANGE_TTL_SECONDS) {
  const iat = Math.floor(now / 1000);
  const header = encode({ alg: "HS256", typ: "JWT" });
  const payload = encode({ ...claims, iat, exp: iat + ttlSeconds, iss: TOKEN_ISSUER });
  return `${header}.${payload}.${mac(secret, `${header}.${payload}`)}`;
}

/**
 * Checks signature, issuer, scope and expiry, in that order (an expired link is only called expired
 * once it is known to be ours), and returns the claims.
 * @param {unknown} token @param {unknown} secret @param {string} scope @param {number} now epoch ms
 * @returns {{ ok: true, claims: Record<string, unknown> } | { ok: false, problem: "invalid" | "expired" }}
 */
export function verifyToken(token, secret, scope, now) {
  /** @type {{ ok: false, problem: "invalid" }} */
  const invalid = { ok: false, problem: "invalid" };
  if (typeof token !== "string" || token.length > LIMITS.token) return invalid;
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((part) => /^[\w-]+$/.test(part))) return invalid;
  const [header = "", payload = "", signature = ""] = parts;
  if (!sameText(mac(secret, `${header}.${payload}`), signature)) return invalid;
  let head;
  let claims;
  try {
    head = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return invalid;
  }
  if (head?.alg !== "HS256" || claims?.iss !== TOKEN_ISSUER || claims.scope !== scope) return invalid;
  if (typeof claims.id !== "string" || typeof claims.exp !== "number") return invalid;
  if (claims.exp * 1000 <= now) return { ok: false, problem: "expired" };
  return { ok: true, claims };
}

/**
 * The confirmation link's token: a JWT (HS256, Directus's SECRET) naming the user, the pending change
 * (`cid`, a row of the change store), the new address and the current one's binding.
 * @param {{ userId: string, changeId: string, newEmail: string, currentEmail: string }} claims
 * @param {unknown} secret
 * @param {number} [now] epoch ms
 */
export function signEmailChangeToken({ userId, changeId, newEmail, currentEmail }, secret, now = Date.now()) {
  return signToken(secret, { scope: EMAIL_CHANGE_SCOPE, id: userId, cid: changeId, email: newEmail, bound: emailBinding(secret, currentEmail) }, now);
}

/**
 * @typedef {{ userId: string, changeId: string, newEmail: string, bound: string }} EmailChangeClaims
 * @typedef {{ ok: true, claims: EmailChangeClaims } | { ok: false, problem: "invalid" | "expired" }} TokenCheck
 */

/** @param {unknown} token @param {unknown} secret @param {number} [now] epoch ms @returns {TokenCheck} */
export function verifyEmailChangeToken(token, secret, now = Date.now()) {
  const checked = verifyToken(token, secret, EMAIL_CHANGE_SCOPE, now);
  if (!checked.ok) return checked;
  const { id, cid, email, bound } = checked.claims;
  if (typeof cid !== "string" || typeof email !== "string" || typeof bound !== "string") return { ok: false, problem: "invalid" };
  return { ok: true, claims: { userId: String(id), changeId: String(cid), newEmail: email, bound } };
}

/**
 * The cancel link's token, mailed to the account's current address: it names the same pending change
 * and can only void it. It carries that current address (its holder got it there), not the new one.
 * @param {{ userId: string, changeId: string, currentEmail: string }} claims @param {unknown} secret @param {number} [now] epoch ms
 */
export function signCancelToken({ userId, changeId, currentEmail }, secret, now = Date.now()) {
  return signToken(secret, { scope: EMAIL_CHANGE_CANCEL_SCOPE, id: userId, cid: changeId, email: currentEmail }, now);
}

/**
 * @param {unknown} token @param {unknown} secret @param {number} [now] epoch ms
 * @returns {{ ok: true, claims: { userId: string, changeId: string } } | { ok: false, problem: "invalid" | "expired" }}
 */
export function verifyCancelToken(token, secret, now = Date.now()) {
  const checked = verifyToken(token, secret, EMAIL_CHANGE_CANCEL_SCOPE, now);
  if (!checked.ok) return checked;
  if (typeof checked.claims.cid !== "string") return { ok: false, problem: "invalid" };
  return { ok: true, claims: { userId: String(checked.claims.id), changeId: checked.claims.cid } };
}

/** Whether a link's binding matches the account's address now. @param {string} bound @param {unknown} secret @param {string} currentEmail */
export function isBoundTo(bound, secret, currentEmail) {
  return sameText(bound, emailBinding(secret, currentEmail));
}

/**
 * An allow-list setting as Directus may hand it over: a string (comma-separated) or, once its env
 * casting saw a comma, an array.
 * @param {unknown} value
 * @returns {string[]}
 */
export function readAllowList(value) {
  const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [];
  return list.map((entry) => String(entry).trim()).filter(Boolean);
}

/**
 * Directus's own allow-list rule (@directus/api utils/is-url-allowed.js): the URL is on the list, or
 * its origin + path is; query and fragment do not count.
 * @param {string} url @param {string[]} allowList
 */
export function isUrlAllowed(url, allowList) {
  if (allowList.includes(url)) return true;
  const allowed = allowList.flatMap((entry) => {
    try {
      const { origin, pathname } = new URL(entry);
      return [origin + pathname];
    } catch {
      return [];
    }
  });
  try {
    const { origin, pathname } = new URL(url);
    return allowed.includes(origin + pathname);
  } catch {
    return false;
  }
}

/** The page the link opens, with the token as `?token=`. @param {string} base @param {string} token */
export function confirmationLink(base, token) {
  const url = new URL(base);
  url.searchParams.set("token", token);
  return url.toString();
}

/** The same page with the cancel token as `?cancel=` (so it needs no allow list of its own). @param {string} base @param {string} token */
export function cancelLink(base, token) {
  const url = new URL(base);
  url.searchParams.set("cancel", token);
  return url.toString();
}

/**
 * The body of POST /email-change, bounded before anything else looks at it.
 * @param {unknown} body
 * @returns {{ ok: true, email: string, url: string } | { ok: false, reason: string }}
 */
export function readEmailChangeRequest(body) {
  const { email, url } = /** @type {Record<string, unknown>} */ (body && typeof body === "object" ? body : {});
  if (typeof email !== "string" || email.length === 0 || email.length > LIMITS.email) return { ok: false, reason: `"email" must be a string of 1 to ${LIMITS.email} characters` };
  if (typeof url !== "string" || url.length === 0 || url.length > LIMITS.url) return { ok: false, reason: `"url" must be a string of 1 to ${LIMITS.url} characters` };
  return { ok: true, email, url };
}

/**
 * The body of POST /email-change/confirm and /email-change/cancel.
 * @param {unknown} body
 * @returns {{ ok: true, token: string } | { ok: false, reason: string }}
 */
export function readConfirmRequest(body) {
  const { token } = /** @type {Record<string, unknown>} */ (body && typeof body === "object" ? body : {});
  if (typeof token !== "string" || token.length === 0 || token.length > LIMITS.token) return { ok: false, reason: `"token" must be a string of 1 to ${LIMITS.token} characters` };
  return { ok: true, token };
}

/**
 * @typedef {"password" | "email" | "two-factor-off"} NoticeKind
 * @typedef {{ id: string, email: string | null, tfa_secret: string | null }} AccountBefore
 * @typedef {{ kind: NoticeKind, to: string, newEmail?: string }} Notice
 */

/** Whether an update touches anything the owner is told about (so other updates cost no read). @param {Record<string, unknown>} payload */
export function mayNotify(payload) {
  return payload !== null && typeof payload === "object" && ("password" in payload || "email" in payload || "tfa_secret" in payload);
}

/**
 * What one account's owner is told about an update, given the account as it was before it. The email
 * notice goes to the old address; the others to the address the account has afterwards. Writing the
 * same address back (the app does, to end other sessions) is no change, nor is a change of case.
 * @param {Record<string, unknown>} payload @param {AccountBefore} before
 * @returns {Notice[]}
 */
export function noticesFor(payload, before) {
  if (!before.email) return [];
  const newEmail = typeof payload.email === "string" && payload.email.toLowerCase() !== before.email.toLowerCase() ? payload.email : null;
  const after = newEmail ?? before.email;
  /** @type {Notice[]} */
  const notices = [];
  if (payload.password !== undefined) notices.push({ kind: "password", to: after });
  if (newEmail) notices.push({ kind: "email", to: before.email, newEmail });
  if ("tfa_secret" in payload && payload.tfa_secret === null && before.tfa_secret !== null) notices.push({ kind: "two-factor-off", to: after });
  return notices;
}

/**
 * A signed-in user writing another address onto their own account directly (PATCH /users/me), which
 * would skip the link to the new address: refused. Writing the same address back stays allowed (the
 * app does, to end other sessions), and so do administrators and the confirm endpoint (no accountability).
 * @param {Record<string, unknown>} payload @param {AccountBefore} before @param {{ user?: string | null, admin?: boolean } | null | undefined} accountability
 */
export function isUnconfirmedEmailChange(payload, before, accountability) {
  if (typeof payload.email !== "string" || !before.email || !accountability?.user || accountability.admin === true) return false;
  return accountability.user === before.id && payload.email.toLowerCase() !== before.email.toLowerCase();
}

/** `someone@example.com` → `s…@example.com`: enough for the old owner to recognise, not to read off. @param {string} email */
export function maskEmail(email) {
  const at = email.lastIndexOf("@");
  return at <= 0 ? "…" : `${email[0]}…${email.slice(at)}`;
}

/** @param {string} text */
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * @typedef {{ to: string, subject: string, text: string, html: string }} Mail
 */

/** @param {string} to @param {string} subject @param {string[]} paragraphs @param {{ href: string, label: string }} [link] @returns {Mail} */
export function mail(to, subject, paragraphs, link) {
  const text = [...paragraphs, ...(link ? [`${link.label}: ${link.href}`] : [])].join("\n\n");
  const html = [
    `<h1>${escapeHtml(subject)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`] : []),
  ].join("\n");
  return { to, subject, text, html };
}

const NOT_YOU = "If this was you, there is nothing to do. If it was not, reset your password from the login page now and tell the site's administrator.";

/** The short message for a notice: what changed and when, no secrets and no links. @param {Notice} notice @param {Date} [when] */
export function noticeMail(notice, when = new Date()) {
  const at = `${when.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  switch (notice.kind) {
    case "password":
      return mail(notice.to, "Your password was changed", [`The password of your account (${notice.to}) was changed at ${at}.`, NOT_YOU]);
    case "email":
      return mail(notice.to, "Your email address was changed", [
        `Your account no longer uses this address (${notice.to}): since ${at} it uses ${maskEmail(notice.newEmail ?? "")}.`,
        "If this was you, there is nothing to do. If it was not, tell the site's administrator: this address can no longer be used to log in or to reset the password.",
      ]);
    case "two-factor-off":
      return mail(notice.to, "Two-factor sign-in was turned off", [`Two-factor sign-in for your account (${notice.to}) was turned off at ${at}: a password alone now signs in.`, NOT_YOU]);
  }
}

export const CONFIRM_SUBJECT = "Confirm your new email address";

/** The link to the new address: it works only for the account that asked, signed in. @param {string} to @param {string} link */
export function confirmationMail(to, link) {
  const hours = EMAIL_CHANGE_TTL_SECONDS / 3600;
  return mail(
    to,
    CONFIRM_SUBJECT,
    [
      `Someone asked to use this address (${to}) for their account. To make the change, open the link below, sign in to that account if asked, and confirm; until then the account keeps its old address.`,
      `The link works once, for ${hours} hour${hours === 1 ? "" : "s"}, and only for the account that asked. If you did not ask for this, ignore this email: nothing changes.`,
    ],
    { href: link, label: "Confirm the new address" },
  );
}

export const CHANGE_ASKED_SUBJECT = "Your email address is about to change";

/**
 * To the account's current address when a change is asked for: what, when, and a link that cancels
 * it (the only link in a notice, and it can only protect the owner).
 * @param {string} to @param {string} newEmail @param {string} link @param {Date} [when]
 */
export function changeAskedMail(to, newEmail, link, when = new Date()) {
  const at = `${when.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return mail(
    to,
    CHANGE_ASKED_SUBJECT,
    [
      `At ${at} your account (${to}) asked to use ${maskEmail(newEmail)} instead. Nothing changes until that address's link is confirmed by your account, signed in.`,
      "If this was you, there is nothing to do. If it was not, cancel the change with the link below, then reset your password from the login page: whoever asked was signed in to your account.",
    ],
    { href: link, label: "Cancel the change" },
  );
}

/** To an address that already has an account: nothing to confirm, nothing changed. @param {string} to */
export function addressTakenMail(to) {
  return mail(to, CONFIRM_SUBJECT, [
    `Someone asked to move an account to this address (${to}), but it already belongs to an account, so nothing was changed.`,
    "If this was you, log in with this address instead, or choose another one. Otherwise ignore this email.",
  ]);
}
