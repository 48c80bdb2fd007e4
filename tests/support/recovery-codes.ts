// The account-sign-in extension's recovery-code routes (docs/decisions/025) as the hardening and
// cluster tests call them over HTTP, on top of PasskeyRoutes (which keeps every answer for the final
// scans): an account with two-factor on and a batch of codes, made through Directus's REST API and
// the extension as the person would; and a provider proof, the PKCE verifier of a provider sign-in
// that Directus refused for INVALID_OTP, got by relaying the flow as the app does.
import { request } from "node:http";
import { expect } from "vitest";
import { directusRest } from "./directus-rest.ts";
import { ProviderBrowser } from "./identity-provider.ts";
import { passwordSession, type Answer, type PasskeyRoutes } from "./passkey-routes.ts";
import { currentCode } from "./totp.ts";

export type SignInBody = { email: string; password: string; code: string } | { provider_proof: string; code: string };

/** The recovery-code routes through `client` (its Directus, its X-Forwarded-For). */
export function recoveryCodeRoutes(client: PasskeyRoutes) {
  return {
    client,
    status: (token: string) => client.call("GET", "/recovery-codes", { token }),
    /** Asks for a batch; the answer as is (201 with ten codes, or a refusal). */
    renew: (token: string) => client.call("POST", "/recovery-codes", { token, body: {} }),
    /** A new batch of ten codes for the signed-in `token`. */
    async batch(token: string): Promise<string[]> {
      const answer = await client.call("POST", "/recovery-codes", { token, body: {} });
      expect(answer.status, answer.text).toBe(201);
      const codes = answer.json.data.codes as string[];
      expect(codes).toHaveLength(10);
      return codes;
    },
    signIn: (body: SignInBody | Record<string, unknown>) => client.call("POST", "/recovery-codes/sign-in", { body }),
    /** `raw`: a body sent as is (an oversized one, or not JSON). */
    signInRaw: (raw: string) => client.call("POST", "/recovery-codes/sign-in", { raw }),
    twoFactorOff: (token: string, code: string) => client.call("POST", "/recovery-codes/two-factor-off", { token, body: { code } }),
  };
}

/** The error code of an extension's (Directus-shaped) refusal. */
export const errorCodeOf = (answer: Answer): string | undefined => answer.json?.errors?.[0]?.extensions?.code;

/** Every way the contract lets a person type `code` (shown as xxxxx-xxxxx) that must still be taken. */
export function typedAs(code: string, how: "upper" | "spaced" | "bare" | "lookalikes"): string {
  const bare = code.replace(/-/g, "");
  switch (how) {
    case "upper":
      return code.toUpperCase();
    case "spaced":
      return `  ${bare.slice(0, 3)} ${bare.slice(3, 7)} - ${bare.slice(7)} `;
    case "bare":
      return bare;
    case "lookalikes":
      // Crockford: 0 may be typed O, 1 as I or L.
      return code.replace(/0/g, "O").replace(/1/g, "l");
  }
}

/** Turns two-factor on as the user through a token of theirs (a provider's user needs no password); returns the secret. */
export async function enableTwoFactorAs(directusUrl: string, token: string, password?: string): Promise<string> {
  const rest = directusRest(directusUrl);
  const generated = await rest.call("POST", "/users/me/tfa/generate", { token, body: password ? { password } : {} });
  expect(generated.status, JSON.stringify(generated.body)).toBe(200);
  const secret = generated.body.data.secret as string;
  const enabled = await rest.call("POST", "/users/me/tfa/enable", { token, body: { secret, otp: await currentCode(secret) } });
  expect(enabled.status, JSON.stringify(enabled.body)).toBeLessThan(300);
  return secret;
}

/**
 * A password account turned to two-factor with a batch of codes: the secret, a session token started
 * before (still the person's, signed in), and the ten codes.
 */
export async function passwordAccountWithCodes(routes: ReturnType<typeof recoveryCodeRoutes>, email: string, password: string) {
  const { token } = await passwordSession(routes.client.directusUrl, email, password);
  const secret = await enableTwoFactorAs(routes.client.directusUrl, token, password);
  return { token, secret, codes: await routes.batch(token) };
}

type RelayAnswer = { status: number; location: string | null; cookies: Map<string, string> };

/** A GET at Directus without following redirects; `host`: the Host header (fetch would replace it). */
function directusGet(url: string, headers: Record<string, string>): Promise<RelayAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", headers }, (res) => {
      res.resume();
      const cookies = new Map<string, string>();
      for (const line of res.headers["set-cookie"] ?? []) {
        const [pair = ""] = line.split(";");
        const eq = pair.indexOf("=");
        if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, cookies });
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * A sign-in of `login` at the local development provider `provider`, relayed to Directus as the app
 * relays it (docs/decisions/018: the start with the app's Host, the callback with Directus's state
 * cookie). `token`: the Directus session it opened, if any; `reason`: Directus's refusal, if any;
 * `verifier`: the PKCE verifier in Directus's state cookie (what the extension takes as the proof).
 * `browser`: the person's browser at the provider (it remembers them after the first time).
 */
export async function relayProviderSignIn(
  { directusUrl, appUrl, provider = "dev", ip }: { directusUrl: string; appUrl: string; provider?: string; ip?: string },
  login: string,
  browser = new ProviderBrowser(),
): Promise<{ token: string | null; reason: string | null; verifier: string }> {
  const app = new URL(appUrl);
  const forwarded: Record<string, string> = ip ? { "X-Forwarded-For": ip } : {};
  const start = await directusGet(`${directusUrl}/auth/login/${provider}?redirect=/`, { Host: app.host, "X-Forwarded-Proto": app.protocol.slice(0, -1), ...forwarded });
  const cookieName = `openid.${provider}`;
  const state = start.cookies.get(cookieName);
  expect(state && start.location, `the start at Directus: ${start.status} ${start.location}`).toBeTruthy();
  const back = await browser.signIn(start.location!, app.origin, { login });
  const query = new URLSearchParams();
  for (const name of ["code", "state", "iss"]) {
    const value = back.searchParams.get(name);
    if (value) query.set(name, value);
  }
  const finish = await directusGet(`${directusUrl}/auth/login/${provider}/callback?${query}`, { Cookie: `${cookieName}=${state}`, ...forwarded });
  return {
    token: finish.cookies.get("directus_session_token") || null,
    reason: new URL(finish.location ?? "/", "http://relay.invalid").searchParams.get("reason"),
    verifier: verifierOf(state!),
  };
}

/** A provider sign-in of an account with two-factor on, refused by Directus for INVALID_OTP: its proof. */
export async function providerProof(where: Parameters<typeof relayProviderSignIn>[0], login: string, browser?: ProviderBrowser): Promise<string> {
  const relayed = await relayProviderSignIn(where, login, browser);
  expect(relayed.token, "Directus opened no session").toBeNull();
  expect(relayed.reason).toBe("INVALID_OTP");
  return relayed.verifier;
}

/** The `verifier` claim of Directus's state cookie (a JWT Directus signed; read, not checked). */
export function verifierOf(stateCookie: string): string {
  const payload = JSON.parse(Buffer.from(decodeURIComponent(stateCookie).split(".")[1] ?? "", "base64url").toString("utf8")) as { verifier?: string };
  if (!payload.verifier) throw new Error("no verifier in Directus's state cookie");
  return payload.verifier;
}
