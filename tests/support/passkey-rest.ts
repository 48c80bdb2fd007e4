// The account-sign-in extension's passkey routes as the app calls them for a visitor (their
// User-Agent, IP and origin forwarded), driven by the tests' software authenticator. Shared by the
// integration tests, the cluster's and the e2e kit's passkey accounts (tests/kit/accounts.ts), so it
// throws rather than using one runner's expect.
import type { Json } from "./directus-rest.ts";
import type { AuthenticateSettings, SoftwareAuthenticator } from "./software-authenticator.ts";

export type PasskeyAnswer = { status: number; body: Json; setCookie: string | null; token: string | null };
type SendOptions = { body?: unknown; token?: string; cookie?: string; headers?: Record<string, string> };

/**
 * @param url Directus (or a proxy in front of its instances)
 * @param origin the app's origin, as Directus's APP_URL names it
 * @param headers what the app forwards for the visitor (user-agent, x-forwarded-for, origin)
 */
export function passkeyRest(url: string, origin: string, headers: Record<string, string> = {}) {
  /** One call; `token` as a bearer token, `cookie` as the session cookie Directus sets. */
  async function send(method: string, path: string, { body, token, cookie, headers: extra = headers }: SendOptions = {}): Promise<PasskeyAnswer> {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...extra,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(cookie ? { cookie: `directus_session_token=${cookie}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith("directus_session_token=")) ?? null;
    return { status: response.status, body: text ? JSON.parse(text) : null, setCookie, token: setCookie?.split(";")[0]?.split("=")[1] ?? null };
  }

  /** The answer, or an error naming the call when its status is not the one a working call gets. */
  function expectStatus(answer: PasskeyAnswer, status: number, what: string): PasskeyAnswer {
    if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  }

  /** Adds a passkey made by `authenticator` to the account whose session token is `token`; returns the Passkey. */
  async function addPasskey(token: string, authenticator: SoftwareAuthenticator, name?: string): Promise<Json> {
    const options = expectStatus(await send("POST", "/account-sign-in/passkeys/registration/options", { token, body: {} }), 200, "registration options");
    const response = authenticator.register(options.body.data.options, { origin });
    const body = { challenge_id: options.body.data.challenge_id, response, ...(name ? { name } : {}) };
    const added = expectStatus(await send("POST", "/account-sign-in/passkeys/registration", { token, body }), 201, "adding a passkey");
    return added.body.data;
  }

  /** Options, then the authenticator's answer: an anonymous sign-in (or, with `token`, a confirmation). */
  async function signIn(authenticator: SoftwareAuthenticator, settings: Partial<AuthenticateSettings> = {}, token?: string) {
    const options = expectStatus(await send("POST", "/account-sign-in/passkeys/authentication/options", { token, body: {} }), 200, "authentication options");
    const response = authenticator.authenticate(options.body.data.options, { origin, ...settings });
    const body = { challenge_id: options.body.data.challenge_id, response };
    return { answer: await send("POST", "/account-sign-in/passkeys/authentication", { token, body }), body };
  }

  return { send, addPasskey, signIn };
}
