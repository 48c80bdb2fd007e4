// Directus's REST API as the integration tests call it: JSON in, parsed JSON out, and the session
// token Directus sets as a cookie when a login asks for session mode (what the app holds).
import { randomUUID } from "node:crypto";
import { currentCode, untilCodeLasts } from "./totp.ts";

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
export type RestReply = { status: number; body: Json; sessionToken: string | null };
type CallOptions = { token?: string; body?: unknown };

export function directusRest(url: string) {
  async function call(method: string, path: string, { token, body }: CallOptions = {}): Promise<RestReply> {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith("directus_session_token="));
    return { status: response.status, body: text ? JSON.parse(text) : null, sessionToken: cookie?.split(";")[0]?.split("=")[1] ?? null };
  }

  /** A session-mode login, as the app makes it; the session token is the bearer token from then on. */
  function sessionLogin(email: string, password: string, otp?: string) {
    return call("POST", "/auth/login", { body: { email, password, mode: "session", ...(otp ? { otp } : {}) } });
  }

  /** The error code of a refusal, e.g. INVALID_OTP. */
  const errorCode = (reply: RestReply): string | undefined => reply.body?.errors?.[0]?.extensions?.code;

  /** A user registered through Directus's public registration (verification off) and signed in with a session. */
  async function newUser(label: string) {
    const email = `${label}-${randomUUID().slice(0, 8)}@example.com`;
    const password = `pw-${randomUUID()}`;
    const registered = await call("POST", "/users/register", { body: { email, password } });
    if (registered.status !== 204) throw new Error(`registering ${email}: ${registered.status}`);
    const reply = await sessionLogin(email, password);
    if (reply.status !== 200 || !reply.sessionToken) throw new Error(`logging in ${email}: ${reply.status}`);
    return { email, password, token: reply.sessionToken };
  }

  /** The answer's `data`, or an error naming the call that Directus refused. */
  function dataOf(reply: RestReply, what: string): Json {
    if (reply.status >= 300) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body?.data ?? null;
  }

  /** Turns two-factor sign-in on as the user (a token login, then generate and enable); returns the secret. */
  async function enableTwoFactor(email: string, password: string): Promise<string> {
    // The code must still be valid, and a short-lived token still alive, when Directus checks it.
    await untilCodeLasts(12);
    const { access_token: token } = dataOf(await call("POST", "/auth/login", { body: { email, password } }), "/auth/login");
    const { secret } = dataOf(await call("POST", "/users/me/tfa/generate", { token, body: { password } }), "/users/me/tfa/generate");
    dataOf(await call("POST", "/users/me/tfa/enable", { token, body: { secret, otp: await currentCode(secret) } }), "/users/me/tfa/enable");
    return secret;
  }

  return { call, sessionLogin, errorCode, newUser, enableTwoFactor };
}
