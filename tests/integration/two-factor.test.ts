// What two-factor sign-in in the app rests on, proven against the provisioned Directus 11.17.4:
// users turn TOTP on and off themselves, login then needs the code, a policy can require it, and
// writing the same email again ends the user's other sessions (docs/decisions/011).
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { directusRest } from "../support/directus-rest.ts";
import { currentCode, secretOf, wrongCode } from "../support/totp.ts";

const url = inject("directusUrl");
const adminEmail = inject("adminEmail");
const adminPassword = inject("adminPassword");

const { call, sessionLogin: login, errorCode: code, newUser } = directusRest(url);


/** Turns two-factor on as the user does in the app, and returns the secret their authenticator holds. */
async function enableFor(user: { password: string; token: string }) {
  const generated = await call("POST", "/users/me/tfa/generate", { token: user.token, body: { password: user.password } });
  expect(generated.status, JSON.stringify(generated.body)).toBe(200);
  const secret = generated.body.data.secret as string;
  expect(secretOf(generated.body.data.otpauth_url)).toBe(secret);
  const enabled = await call("POST", "/users/me/tfa/enable", { token: user.token, body: { secret, otp: await currentCode(secret) } });
  expect(enabled.status, JSON.stringify(enabled.body)).toBe(204);
  return secret;
}

async function adminToken(): Promise<string> {
  const reply = await call("POST", "/auth/login", { body: { email: adminEmail, password: adminPassword } });
  return reply.body.data.access_token;
}

describe("two-factor sign-in at Directus", () => {
  it("a user turns it on with their password and one code; reading tfa_secret shows only that it is set", async () => {
    const user = await newUser("tfa-on");
    expect((await call("GET", "/users/me?fields=tfa_secret", { token: user.token })).body.data).toEqual({ tfa_secret: null });

    const wrongPassword = await call("POST", "/users/me/tfa/generate", { token: user.token, body: { password: "not it" } });
    expect([wrongPassword.status, code(wrongPassword)]).toEqual([401, "INVALID_CREDENTIALS"]);

    const generated = await call("POST", "/users/me/tfa/generate", { token: user.token, body: { password: user.password } });
    const secret = generated.body.data.secret as string;
    const refused = await call("POST", "/users/me/tfa/enable", { token: user.token, body: { secret, otp: wrongCode(secret) } });
    expect([refused.status, code(refused)]).toEqual([400, "INVALID_PAYLOAD"]);

    const enabled = await call("POST", "/users/me/tfa/enable", { token: user.token, body: { secret, otp: await currentCode(secret) } });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(204);
    expect((await call("GET", "/users/me?fields=tfa_secret", { token: user.token })).body.data).toEqual({ tfa_secret: "**********" });
  });

  it("nobody writes tfa_secret directly, even with the update permission the endpoints need", async () => {
    const user = await newUser("tfa-direct");
    await enableFor(user);
    const reply = await call("PATCH", "/users/me", { token: user.token, body: { tfa_secret: null } });
    expect([reply.status, code(reply)]).toEqual([400, "INVALID_PAYLOAD"]);
    expect((await call("GET", "/users/me?fields=tfa_secret", { token: user.token })).body.data.tfa_secret).not.toBeNull();
  });

  it("login then needs the code: INVALID_OTP without it or with a wrong one, only after a right password", async () => {
    const user = await newUser("tfa-login");
    const secret = await enableFor(user);

    const noCode = await login(user.email, user.password);
    expect([noCode.status, code(noCode), noCode.sessionToken]).toEqual([401, "INVALID_OTP", null]);
    const badCode = await login(user.email, user.password, wrongCode(secret));
    expect([badCode.status, code(badCode)]).toEqual([401, "INVALID_OTP"]);
    // A wrong password is refused as such, code or no code: INVALID_OTP means the password was right.
    const badPassword = await login(user.email, "not it", await currentCode(secret));
    expect([badPassword.status, code(badPassword)]).toEqual([401, "INVALID_CREDENTIALS"]);

    const good = await login(user.email, user.password, await currentCode(secret));
    expect(good.status).toBe(200);
    expect(good.sessionToken).toMatch(/^eyJ/);
  });

  it("turning it off takes a current code", async () => {
    const user = await newUser("tfa-off");
    const secret = await enableFor(user);
    const refused = await call("POST", "/users/me/tfa/disable", { token: user.token, body: { otp: wrongCode(secret) } });
    expect([refused.status, code(refused)]).toEqual([400, "INVALID_PAYLOAD"]);
    const disabled = await call("POST", "/users/me/tfa/disable", { token: user.token, body: { otp: await currentCode(secret) } });
    expect(disabled.status).toBe(204);
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it("turning it on leaves other sessions alive; writing the same email again ends them, not the caller's", async () => {
    const user = await newUser("tfa-sessions");
    const other = (await login(user.email, user.password)).sessionToken!;
    await enableFor(user);
    expect((await call("GET", "/users/me?fields=id", { token: other })).status).toBe(200);

    const rewrite = await call("PATCH", "/users/me?fields=id", { token: user.token, body: { email: user.email } });
    expect(rewrite.status, JSON.stringify(rewrite.body)).toBe(200);
    expect((await call("GET", "/users/me?fields=id", { token: other })).status).toBe(401);
    expect((await call("GET", "/users/me?fields=email", { token: user.token })).body.data).toEqual({ email: user.email });
  });

  it("a policy that enforces it shows in /policies/me/globals, even one attached to the user alone", async () => {
    const admin = await adminToken();
    const user = await newUser("tfa-enforced");
    expect((await call("GET", "/policies/me/globals", { token: user.token })).body.data.enforce_tfa).toBe(false);

    const policy = await call("POST", "/policies", { token: admin, body: { name: `Enforce 2FA ${randomUUID()}`, enforce_tfa: true, app_access: false, admin_access: false } });
    const me = await call("GET", "/users/me?fields=id", { token: user.token });
    const access = await call("POST", "/access", { token: admin, body: { user: me.body.data.id, policy: policy.body.data.id } });
    expect(access.status, JSON.stringify(access.body)).toBe(200);
    const again = await login(user.email, user.password);
    expect((await call("GET", "/policies/me/globals", { token: again.sessionToken! })).body.data.enforce_tfa).toBe(true);

    await call("DELETE", `/access/${access.body.data.id}`, { token: admin });
    await call("DELETE", `/policies/${policy.body.data.id}`, { token: admin });
  });
});
