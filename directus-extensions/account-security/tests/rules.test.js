// The extension's rules alone: the email-change token, the input bounds, which updates are told.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  cancelLink,
  changeAskedMail,
  confirmationLink,
  confirmationMail,
  emailBinding,
  EMAIL_CHANGE_TTL_SECONDS,
  isBoundTo,
  isUnconfirmedEmailChange,
  isUrlAllowed,
  LIMITS,
  maskEmail,
  noticeMail,
  noticesFor,
  readAllowList,
  readConfirmRequest,
  readEmailChangeRequest,
  signCancelToken,
  signEmailChangeToken,
  verifyCancelToken,
  verifyEmailChangeToken,
} from "../rules.js";

const SECRET = "a-secret-of-directus";
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const claims = { userId: "u-1", changeId: "c-1", newEmail: "new@example.com", currentEmail: "Old@Example.com" };
const payloadOf = (/** @type {string} */ token) => JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));

describe("the email-change token", () => {
  it("carries the user, the new address, a binding to the current one, an hour's expiry and its own issuer; not the old address", () => {
    const token = signEmailChangeToken(claims, SECRET, NOW);
    const payload = payloadOf(token);
    expect(payload).toMatchObject({ scope: "email-change", id: "u-1", cid: "c-1", email: "new@example.com", iss: "account-security" });
    expect(payload.exp - payload.iat).toBe(EMAIL_CHANGE_TTL_SECONDS);
    expect(EMAIL_CHANGE_TTL_SECONDS).toBe(3600);
    expect(token.toLowerCase()).not.toContain("old@example.com");
    expect(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).not.toMatch(/old@/i);
    expect(verifyEmailChangeToken(token, SECRET, NOW + 1000)).toEqual({ ok: true, claims: { userId: "u-1", changeId: "c-1", newEmail: "new@example.com", bound: payload.bound } });
  });

  it("is expired from its expiry on, and only then", () => {
    const token = signEmailChangeToken(claims, SECRET, NOW);
    expect(verifyEmailChangeToken(token, SECRET, NOW + EMAIL_CHANGE_TTL_SECONDS * 1000 - 1000).ok).toBe(true);
    expect(verifyEmailChangeToken(token, SECRET, NOW + EMAIL_CHANGE_TTL_SECONDS * 1000)).toEqual({ ok: false, problem: "expired" });
  });

  it("is invalid when tampered with, signed with another key, cut short, oversized or not a string", () => {
    const token = signEmailChangeToken(claims, SECRET, NOW);
    const [header, body, signature] = token.split(".");
    const other = Buffer.from(JSON.stringify({ ...payloadOf(token), email: "attacker@example.com" })).toString("base64url");
    for (const bad of [
      `${header}.${other}.${signature}`,
      signEmailChangeToken(claims, "another-secret", NOW),
      `${header}.${body}`,
      `${header}.${body}.${signature}x`,
      `${token}${"a".repeat(LIMITS.token)}`,
      "not a token",
      42,
      null,
    ]) {
      expect(verifyEmailChangeToken(bad, SECRET, NOW)).toEqual({ ok: false, problem: "invalid" });
    }
  });

  it("is invalid with another scope or issuer even when signed with the key (Directus's own tokens are not links)", () => {
    // Chosen contents signed with the right key: what only a holder of SECRET could make.
    const [header] = signEmailChangeToken(claims, SECRET, NOW).split(".");
    for (const payload of [
      { ...payloadOf(signEmailChangeToken(claims, SECRET, NOW)), scope: "password-reset" },
      { ...payloadOf(signEmailChangeToken(claims, SECRET, NOW)), iss: "directus" },
      { ...payloadOf(signEmailChangeToken(claims, SECRET, NOW)), id: 7 },
      { ...payloadOf(signEmailChangeToken(claims, SECRET, NOW)), cid: undefined },
    ]) {
      const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
      const signature = createHmac("sha256", SECRET).update(`${header}.${body}`).digest("base64url");
      expect(verifyEmailChangeToken(`${header}.${body}.${signature}`, SECRET, NOW)).toEqual({ ok: false, problem: "invalid" });
    }
  });

  it("is bound to the address the account had, in any case, and to nothing else", () => {
    const { bound } = payloadOf(signEmailChangeToken(claims, SECRET, NOW));
    expect(isBoundTo(bound, SECRET, "old@example.com")).toBe(true);
    expect(isBoundTo(bound, SECRET, "new@example.com")).toBe(false);
    expect(isBoundTo(bound, "another-secret", "old@example.com")).toBe(false);
    expect(emailBinding(SECRET, "a@example.com")).not.toBe(emailBinding(SECRET, "b@example.com"));
  });
});

describe("the cancel token", () => {
  const cancelClaims = { userId: "u-1", changeId: "c-1", currentEmail: "old@example.com" };

  it("names the user and the pending change, carries the current address (where it is mailed), never the new one", () => {
    const token = signCancelToken(cancelClaims, SECRET, NOW);
    expect(payloadOf(token)).toMatchObject({ scope: "email-change-cancel", id: "u-1", cid: "c-1", email: "old@example.com", iss: "account-security" });
    expect(verifyCancelToken(token, SECRET, NOW + 1000)).toEqual({ ok: true, claims: { userId: "u-1", changeId: "c-1" } });
    expect(verifyCancelToken(token, SECRET, NOW + EMAIL_CHANGE_TTL_SECONDS * 1000)).toEqual({ ok: false, problem: "expired" });
    expect(verifyCancelToken(signCancelToken(cancelClaims, "another-secret", NOW), SECRET, NOW)).toEqual({ ok: false, problem: "invalid" });
  });

  it("and the confirmation token are not interchangeable", () => {
    expect(verifyCancelToken(signEmailChangeToken(claims, SECRET, NOW), SECRET, NOW)).toEqual({ ok: false, problem: "invalid" });
    expect(verifyEmailChangeToken(signCancelToken(cancelClaims, SECRET, NOW), SECRET, NOW)).toEqual({ ok: false, problem: "invalid" });
  });
});

describe("input bounds", () => {
  it("takes an email of at most 128 characters and a URL of at most 2048", () => {
    const url = "http://localhost:3000/confirm-email";
    expect(readEmailChangeRequest({ email: "a@example.com", url })).toEqual({ ok: true, email: "a@example.com", url });
    expect(readEmailChangeRequest({ email: `${"a".repeat(116)}@example.com`, url }).ok).toBe(true);
    expect(readEmailChangeRequest({ email: `${"a".repeat(117)}@example.com`, url }).ok).toBe(false);
    expect(readEmailChangeRequest({ email: "a@example.com", url: `${url}?${"x".repeat(LIMITS.url)}` }).ok).toBe(false);
    for (const body of [undefined, null, "a@example.com", {}, { email: ["a@example.com"], url }, { email: "", url }, { email: "a@example.com" }]) {
      expect(readEmailChangeRequest(body).ok).toBe(false);
    }
  });

  it("takes a token of at most 2048 characters", () => {
    expect(readConfirmRequest({ token: "x".repeat(LIMITS.token) })).toEqual({ ok: true, token: "x".repeat(LIMITS.token) });
    for (const body of [{ token: "x".repeat(LIMITS.token + 1) }, { token: "" }, { token: 1 }, {}, null]) expect(readConfirmRequest(body).ok).toBe(false);
  });
});

describe("the confirmation page's URL", () => {
  it("is allowed as Directus allows its own links: the URL or its origin and path on the list", () => {
    const list = readAllowList("http://localhost:3000/confirm-email, https://app.example.com/confirm-email");
    expect(list).toEqual(["http://localhost:3000/confirm-email", "https://app.example.com/confirm-email"]);
    expect(readAllowList(["http://a.test/x"])).toEqual(["http://a.test/x"]);
    expect(readAllowList(undefined)).toEqual([]);
    expect(isUrlAllowed("http://localhost:3000/confirm-email", list)).toBe(true);
    expect(isUrlAllowed("https://app.example.com/confirm-email?from=x", list)).toBe(true);
    expect(isUrlAllowed("https://evil.example.com/confirm-email", list)).toBe(false);
    expect(isUrlAllowed("http://localhost:3000/login", list)).toBe(false);
    expect(isUrlAllowed("not a url", list)).toBe(false);
    expect(isUrlAllowed("http://localhost:3000/confirm-email", [])).toBe(false);
  });

  it("carries the token as ?token=, and the cancel token as ?cancel= on the same page", () => {
    expect(confirmationLink("http://localhost:3000/confirm-email", "a.b.c")).toBe("http://localhost:3000/confirm-email?token=a.b.c");
    expect(cancelLink("http://localhost:3000/confirm-email", "a.b.c")).toBe("http://localhost:3000/confirm-email?cancel=a.b.c");
  });
});

describe("which updates tell the owner", () => {
  const before = { id: "u-1", email: "Old@Example.com", tfa_secret: "SECRET" };

  it("a password change: the owner, at the address the account has", () => {
    expect(noticesFor({ password: "new" }, before)).toEqual([{ kind: "password", to: "Old@Example.com" }]);
    expect(noticesFor({ password: "new", status: "active" }, before)).toEqual([{ kind: "password", to: "Old@Example.com" }]);
  });

  it("an email change: the OLD address; not the same address written back, nor a change of case", () => {
    expect(noticesFor({ email: "new@example.com" }, before)).toEqual([{ kind: "email", to: "Old@Example.com", newEmail: "new@example.com" }]);
    expect(noticesFor({ email: "Old@Example.com" }, before)).toEqual([]);
    expect(noticesFor({ email: "old@example.com" }, before)).toEqual([]);
  });

  it("two-factor turned off: only when it was on", () => {
    expect(noticesFor({ tfa_secret: null }, before)).toEqual([{ kind: "two-factor-off", to: "Old@Example.com" }]);
    expect(noticesFor({ tfa_secret: null }, { ...before, tfa_secret: null })).toEqual([]);
    expect(noticesFor({ tfa_secret: "NEWSECRET" }, { ...before, tfa_secret: null })).toEqual([]);
  });

  it("nothing for other fields, or for an account without an address", () => {
    expect(noticesFor({ first_name: "A", status: "active" }, before)).toEqual([]);
    expect(noticesFor({ password: "new" }, { ...before, email: null })).toEqual([]);
  });
});

describe("a direct email write", () => {
  const before = { id: "u-1", email: "ann@example.com", tfa_secret: null };
  it("is refused when a user writes another address onto their own account, and only then", () => {
    expect(isUnconfirmedEmailChange({ email: "x@example.com" }, before, { user: "u-1", admin: false })).toBe(true);
    expect(isUnconfirmedEmailChange({ email: "ANN@example.com" }, before, { user: "u-1", admin: false })).toBe(false);
    expect(isUnconfirmedEmailChange({ first_name: "A" }, before, { user: "u-1", admin: false })).toBe(false);
    expect(isUnconfirmedEmailChange({ email: "x@example.com" }, before, { user: "u-1", admin: true })).toBe(false);
    expect(isUnconfirmedEmailChange({ email: "x@example.com" }, before, null)).toBe(false);
  });
});

describe("the messages", () => {
  const when = new Date(NOW);

  it("say what changed and when, with no secret and no link", () => {
    for (const notice of /** @type {const} */ ([
      { kind: "password", to: "a@example.com" },
      { kind: "email", to: "a@example.com", newEmail: "someone.new@example.org" },
      { kind: "two-factor-off", to: "a@example.com" },
    ])) {
      const mail = noticeMail(notice, when);
      expect(mail.to).toBe("a@example.com");
      expect(mail.text).toContain("2026-01-01 12:00 UTC");
      expect(mail.html).not.toMatch(/<a\b/);
      expect(mail.text).not.toMatch(/https?:/);
    }
    expect(noticeMail({ kind: "email", to: "a@example.com", newEmail: "someone.new@example.org" }, when).text).toContain("s…@example.org");
    expect(noticeMail({ kind: "email", to: "a@example.com", newEmail: "someone.new@example.org" }, when).text).not.toContain("someone.new");
  });

  it("the link to the new address says it works only for the account that asked, signed in", () => {
    const mail = confirmationMail("new@example.com", "http://localhost:3000/confirm-email?token=a.b.c");
    expect(mail.text).toContain("only for the account that asked");
    expect(mail.text).toContain("sign in to that account");
  });

  it("the notice of a change asked for goes to the current address, masks the new one and links to cancelling it", () => {
    const mail = changeAskedMail("a@example.com", "someone.new@example.org", "http://localhost:3000/confirm-email?cancel=a.b.c", when);
    expect(mail.to).toBe("a@example.com");
    expect(mail.text).toContain("2026-01-01 12:00 UTC");
    expect(mail.text).toContain("s…@example.org");
    expect(mail.text).not.toContain("someone.new");
    expect(mail.html).toContain('<a href="http://localhost:3000/confirm-email?cancel=a.b.c">Cancel the change</a>');
  });

  it("escape what they quote", () => {
    expect(noticeMail({ kind: "password", to: "<b>@example.com" }, when).html).not.toContain("<b>");
    expect(maskEmail("x")).toBe("…");
  });
});
