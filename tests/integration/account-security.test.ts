// The account-security extension (directus-extensions/account-security) in the real Directus 11.17.4
// the integration run starts: the owner is told about password, email and two-factor changes, and an
// email change waits for the link mailed to the new address, confirmed by the account itself.
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { directusRest } from "../support/directus-rest.ts";
import { emailedLink, emailsTo, SUBJECTS } from "../support/mail.ts";
import { currentCode } from "../support/totp.ts";

const url = inject("directusUrl");
const mailDir = inject("mailDir");
const confirmUrl = inject("emailChangeUrl");
const { call, sessionLogin: login, errorCode: code, newUser } = directusRest(url);


const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;
const cancelTokenOf = (link: string) => new URL(link).searchParams.get("cancel")!;
const me = (token: string) => call("GET", "/users/me?fields=email", { token });

describe("notices to the owner", () => {
  it("a password change from the profile mails the owner", async () => {
    const user = await newUser("notice-password");
    const since = Date.now();
    expect((await call("PATCH", "/users/me", { token: user.token, body: { password: "another-password-1" } })).status).toBe(200);
    const [mail] = await waitFor(() => emailsTo(mailDir, { to: user.email, subject: SUBJECTS.passwordChanged, since }));
    expect(mail!.text).toContain(user.email);
    expect(mail!.links.filter((link) => link.includes("token="))).toEqual([]);
  });

  it("a password reset by link mails the owner too", async () => {
    const user = await newUser("notice-reset");
    const since = Date.now();
    const resetPage = `${new URL(confirmUrl).origin}/reset-password`;
    expect((await call("POST", "/auth/password/request", { body: { email: user.email, reset_url: resetPage } })).status).toBe(204);
    const link = await emailedLink(mailDir, { to: user.email, subject: SUBJECTS.reset, path: "/reset-password", since });
    expect((await call("POST", "/auth/password/reset", { body: { token: tokenOf(link), password: "reset-password-1" } })).status).toBe(204);
    expect(await waitFor(() => emailsTo(mailDir, { to: user.email, subject: SUBJECTS.passwordChanged, since }))).toHaveLength(1);
  });

  it("turning two-factor off mails the owner; turning it on and writing the same email back do not", async () => {
    const user = await newUser("notice-tfa");
    const generated = await call("POST", "/users/me/tfa/generate", { token: user.token, body: { password: user.password } });
    const secret = generated.body.data.secret as string;
    expect((await call("POST", "/users/me/tfa/enable", { token: user.token, body: { secret, otp: await currentCode(secret) } })).status).toBe(204);
    expect((await call("PATCH", "/users/me", { token: user.token, body: { email: user.email } })).status).toBe(200);
    const since = Date.now();
    expect((await call("POST", "/users/me/tfa/disable", { token: user.token, body: { otp: await currentCode(secret) } })).status).toBe(204);
    expect(await waitFor(() => emailsTo(mailDir, { to: user.email, subject: SUBJECTS.twoFactorOff, since }))).toHaveLength(1);
    // Only the notice it was owed: the earlier updates told nobody.
    const all = (await emailsTo(mailDir, { to: user.email, subject: SUBJECTS.passwordChanged })).concat(
      await emailsTo(mailDir, { to: user.email, subject: SUBJECTS.emailChanged }),
    );
    expect(all).toEqual([]);
  });
});

describe("an email change confirmed by the new address", () => {
  it("changes nothing until the link is confirmed; then the address changes, sessions end, the old address is told, and the link is spent", async () => {
    const user = await newUser("change-from");
    const newEmail = `change-to-${randomUUID().slice(0, 8)}@example.com`;
    const since = Date.now();
    const asked = await call("POST", "/account-security/email-change", { token: user.token, body: { email: newEmail, url: confirmUrl } });
    expect(asked.status, JSON.stringify(asked.body)).toBe(204);

    const link = await emailedLink(mailDir, { to: newEmail, subject: SUBJECTS.confirmEmailChange, path: new URL(confirmUrl).pathname, since });
    // Meanwhile the account keeps its address and its session, and logs in with the old address.
    expect((await me(user.token)).body.data.email).toBe(user.email);
    expect((await login(user.email, user.password)).status).toBe(200);

    // The bare link, as whoever holds the new inbox would send it, changes nothing; nor does another account.
    const bare = await call("POST", "/account-security/email-change/confirm", { body: { token: tokenOf(link) } });
    expect([bare.status, bare.body.errors[0].extensions.problem]).toEqual([401, "sign-in"]);
    const stranger = await newUser("change-stranger");
    const other = await call("POST", "/account-security/email-change/confirm", { token: stranger.token, body: { token: tokenOf(link) } });
    expect([other.status, other.body.errors[0].extensions.problem]).toEqual([403, "other-account"]);
    expect((await me(user.token)).body.data.email).toBe(user.email);

    const confirmed = await call("POST", "/account-security/email-change/confirm", { token: user.token, body: { token: tokenOf(link) } });
    expect([confirmed.status, confirmed.body]).toEqual([200, { data: { email: newEmail } }]);
    expect((await me(user.token)).status).toBe(401);
    expect((await login(newEmail, user.password)).status).toBe(200);
    expect((await login(user.email, user.password)).status).toBe(401);
    const [told] = await waitFor(() => emailsTo(mailDir, { to: user.email, subject: SUBJECTS.emailChanged, since }));
    expect(told!.text).not.toContain(newEmail);

    const signedInAgain = (await login(newEmail, user.password)).sessionToken!;
    const again = await call("POST", "/account-security/email-change/confirm", { token: signedInAgain, body: { token: tokenOf(link) } });
    expect([again.status, again.body.errors[0].extensions.problem]).toEqual([409, "used"]);
  });

  it("the old address's notice cancels the change once, without signing in; its confirmation link then changes nothing", async () => {
    const user = await newUser("cancel-from");
    const newEmail = `cancel-to-${randomUUID().slice(0, 8)}@example.com`;
    const since = Date.now();
    expect((await call("POST", "/account-security/email-change", { token: user.token, body: { email: newEmail, url: confirmUrl } })).status).toBe(204);
    const link = await emailedLink(mailDir, { to: newEmail, subject: SUBJECTS.confirmEmailChange, path: new URL(confirmUrl).pathname, since });
    const cancel = await emailedLink(mailDir, { to: user.email, subject: SUBJECTS.emailChangeAsked, path: new URL(confirmUrl).pathname, since });

    const cancelled = await call("POST", "/account-security/email-change/cancel", { body: { token: cancelTokenOf(cancel) } });
    expect([cancelled.status, cancelled.body]).toEqual([200, { data: { cancelled: true } }]);
    const twice = await call("POST", "/account-security/email-change/cancel", { body: { token: cancelTokenOf(cancel) } });
    expect([twice.status, twice.body.errors[0].extensions.problem]).toEqual([409, "used"]);
    const confirmed = await call("POST", "/account-security/email-change/confirm", { token: user.token, body: { token: tokenOf(link) } });
    expect([confirmed.status, confirmed.body.errors[0].extensions.problem]).toEqual([409, "cancelled"]);
    expect((await me(user.token)).body.data.email).toBe(user.email);
  });

  it("mails for three requests an hour per account, however the calls come, and answers every one alike", async () => {
    const user = await newUser("bound");
    const since = Date.now();
    const asked = await Promise.all(
      Array.from({ length: 6 }, (_, i) => call("POST", "/account-security/email-change", { token: user.token, body: { email: `bound-${i}-${randomUUID().slice(0, 8)}@example.com`, url: confirmUrl } })),
    );
    expect(asked.map((reply) => reply.status)).toEqual([204, 204, 204, 204, 204, 204]);
    for (let i = 0; i < 4; i++) {
      expect((await call("POST", "/account-security/email-change", { token: user.token, body: { email: `bound-late-${i}@example.com`, url: confirmUrl } })).status).toBe(204);
    }
    // Mail leaves after the answer: give it time, then count what the old address was told.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const notices = await emailsTo(mailDir, { to: user.email, subject: SUBJECTS.emailChangeAsked, since });
    expect(notices.length).toBeGreaterThan(0);
    expect(notices.length).toBeLessThanOrEqual(3);
  });

  it("is 401 for an anonymous caller and refuses a link page off the allow list", async () => {
    const anonymous = await call("POST", "/account-security/email-change", { body: { email: "x@example.com", url: confirmUrl } });
    expect([anonymous.status, code(anonymous)]).toEqual([401, "INVALID_CREDENTIALS"]);
    const user = await newUser("change-evil");
    const evil = await call("POST", "/account-security/email-change", { token: user.token, body: { email: "y@example.com", url: "https://evil.example.com/confirm-email" } });
    expect(evil.status).toBe(400);
  });

  it("answers a taken address as any other and mails it a note with no link", async () => {
    const owner = await newUser("taken-owner");
    const user = await newUser("taken-asker");
    const since = Date.now();
    const asked = await call("POST", "/account-security/email-change", { token: user.token, body: { email: owner.email, url: confirmUrl } });
    expect(asked.status).toBe(204);
    const [note] = await waitFor(() => emailsTo(mailDir, { to: owner.email, subject: SUBJECTS.confirmEmailChange, since }));
    expect(note!.links.filter((link) => link.includes("token="))).toEqual([]);
    expect((await me(user.token)).body.data.email).toBe(user.email);
  });

  it("refuses a tampered token and an oversized one", async () => {
    const { token } = await newUser("tamper");
    const tampered = await call("POST", "/account-security/email-change/confirm", { token, body: { token: "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.abc" } });
    expect([tampered.status, tampered.body.errors[0].extensions.problem]).toEqual([400, "invalid"]);
    expect((await call("POST", "/account-security/email-change/confirm", { token, body: { token: "x".repeat(100_000) } })).status).toBe(400);
    expect((await call("POST", "/account-security/email-change/cancel", { body: { token: "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.abc" } })).status).toBe(400);
  });
});

/** Mail leaves Directus after it answered: wait until at least one matching message is kept. */
async function waitFor<T>(read: () => Promise<T[]>, timeoutMs = 15_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await read();
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
