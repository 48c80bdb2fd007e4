// The account-sign-in extension's passkey routes called as a browser's page or a script would call
// them over HTTP (docs: the README's passkeys section), with the software authenticator answering
// the options; every answer is kept, so a test can scan all of them for what must never be in one.
import { expect } from "vitest";
import { SoftwareAuthenticator } from "./software-authenticator.ts";

/** Directus's own session cookie name (SESSION_COOKIE_NAME's default), which a passkey sign-in sets as a password login does. */
export const DIRECTUS_SESSION_COOKIE = "directus_session_token";

export type Answer = { path: string; status: number; headers: Headers; text: string; json: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

type Register = Parameters<SoftwareAuthenticator["register"]>;
type Authenticate = Parameters<SoftwareAuthenticator["authenticate"]>;
export type RegisterSettings = Partial<Register[1]>;
export type AuthenticateSettings = Partial<Authenticate[1]>;

export class PasskeyRoutes {
  /** Every answer this client got, in order. */
  readonly answers: Answer[] = [];

  /**
   * `directusUrl`: Directus (or one instance of it); `origin`: the app's origin, which the extension
   * expects (APP_URL); `ip`: sent as X-Forwarded-For, so a test's calls count apart from another's.
   */
  constructor(
    readonly directusUrl: string,
    readonly origin: string,
    readonly ip?: string,
  ) {}

  async call(method: string, path: string, { token, body, raw }: { token?: string; body?: unknown; raw?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (this.ip) headers["X-Forwarded-For"] = this.ip;
    const text = raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (text !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`${this.directusUrl}/account-sign-in${path}`, { method, headers, body: text });
    const answerText = await response.text();
    let json: unknown = null;
    try {
      json = answerText ? JSON.parse(answerText) : null;
    } catch {
      json = null;
    }
    const answer = { path: `${method} ${path}`, status: response.status, headers: response.headers, text: answerText, json };
    this.answers.push(answer);
    return answer;
  }

  /** Registration options for the signed-in `token`: the challenge id and the options. */
  async registrationOptions(token: string) {
    const answer = await this.call("POST", "/passkeys/registration/options", { token, body: {} });
    expect(answer.status, answer.text).toBe(200);
    return answer.json.data as { challenge_id: string; options: Register[0] };
  }

  /** Adds a passkey held by `authenticator` to the account of `token`; the Passkey answered. */
  async addPasskey(token: string, authenticator: SoftwareAuthenticator, settings: RegisterSettings = {}, name?: string) {
    const { challenge_id, options } = await this.registrationOptions(token);
    const response = authenticator.register(options, { origin: this.origin, ...settings });
    const added = await this.call("POST", "/passkeys/registration", { token, body: { challenge_id, response, ...(name ? { name } : {}) } });
    expect(added.status, added.text).toBe(201);
    return added.json.data as { id: string; name: string; created_at: string; last_used_at: string | null };
  }

  /** Authentication options: anonymous (a sign-in) or, with `token`, for that signed-in user ("confirm it's you"). */
  async authenticationOptions(token?: string) {
    const answer = await this.call("POST", "/passkeys/authentication/options", { token, body: {} });
    expect(answer.status, answer.text).toBe(200);
    return answer.json.data as { challenge_id: string; options: Authenticate[0] };
  }

  /** Sends an assertion answering `challenge_id`. */
  authenticate(challenge_id: string, response: unknown, token?: string): Promise<Answer> {
    return this.call("POST", "/passkeys/authentication", { token, body: { challenge_id, response } });
  }

  /** A whole passkey sign-in (or, with `token`, a confirmation): options, the authenticator's assertion, the answer. */
  async signIn(authenticator: SoftwareAuthenticator, settings: AuthenticateSettings = {}, token?: string) {
    const { challenge_id, options } = await this.authenticationOptions(token);
    const response = authenticator.authenticate(options, { origin: this.origin, ...settings });
    return { challenge_id, response, answer: await this.authenticate(challenge_id, response, token) };
  }
}

/** The Directus session token a Set-Cookie of the answer carries, if any. */
export function sessionTokenSet(answer: Answer): string | null {
  const line = answer.headers.getSetCookie().find((cookie) => cookie.startsWith(`${DIRECTUS_SESSION_COOKIE}=`));
  return line ? line.split(";")[0]!.slice(DIRECTUS_SESSION_COOKIE.length + 1) : null;
}

/** Signs in at Directus itself with a password, in session mode: the answer and its session token. */
export async function passwordSession(directusUrl: string, email: string, password: string, userAgent?: string) {
  const response = await fetch(`${directusUrl}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(userAgent ? { "User-Agent": userAgent } : {}) },
    body: JSON.stringify({ email, password, mode: "session" }),
  });
  const text = await response.text();
  const answer: Answer = { path: "POST /auth/login", status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : null };
  const token = sessionTokenSet(answer);
  if (response.status !== 200 || !token) throw new Error(`password sign-in of ${email}: ${response.status} ${text.slice(0, 200)}`);
  return { answer, token };
}

/** Set-Cookie without its value and expiry date: the options a cookie was set with. */
export function cookieOptions(line: string): string[] {
  return line
    .split(";")
    .slice(1)
    .map((part) => part.trim())
    .filter((part) => !/^expires=/i.test(part))
    .sort();
}
