// Directus's REST API as the integration tests call it: JSON in, parsed JSON out, and the session
// token Directus sets as a cookie when a login asks for session mode (what the app holds).
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

  return { call, sessionLogin, errorCode };
}
