// The kit's accounts: made straight through Directus's API (seconds faster than the registration
// pages, which only the specs about registering go through), and signed in over HTTP, once per
// account: the browser state that sign-in leaves is kept and handed to every later page.
import { request, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import { dashboardUserId, TEST_PASSWORD as PASSWORD, uniqueEmail } from "../support/http-session.ts";
import { ProviderBrowser } from "../support/identity-provider.ts";
import { passkeyRest } from "../support/passkey-rest.ts";
import { SoftwareAuthenticator, type SoftwareCredential } from "../support/software-authenticator.ts";
import { directusRest } from "../support/directus-rest.ts";
import { currentCode } from "../support/totp.ts";
import { createAccount, newTwoFactorSecret } from "./directus.ts";
import { appUrl, directusUrl } from "./stack.ts";

export { PASSWORD, uniqueEmail };

/** The development identity provider's id, as the e2e stack configures it (IDENTITY_PROVIDERS=dev). */
export const DEV_PROVIDER = "dev";

export type AccountOptions = {
  /** Part of the email address, to tell accounts apart in logs. */
  label?: string;
  /** Two-factor sign-in on: `secret` is what the person's authenticator app holds (see `totp`). */
  twoFactor?: boolean;
  /** Made by signing in through the development identity provider: no password. */
  provider?: boolean;
  /** One passkey, held in `passkey`: `authenticator.add(account.passkey)` puts it in the page's browser. */
  passkey?: boolean;
};

export type Account = {
  id: string;
  email: string;
  /** Empty for an account made through the provider, which has none. */
  password: string;
  /** The two-factor secret, with `twoFactor`. */
  secret?: string;
  /** The passkey's private key and ids, with `passkey`. */
  passkey?: SoftwareCredential;
  provider?: string;
};

/** A new account, as registering and confirming the mailed link leave it, in one API call or two. */
export function makeAccount(options: AccountOptions & { twoFactor: true }): Promise<Account & { secret: string }>;
export function makeAccount(options?: AccountOptions): Promise<Account>;
export async function makeAccount({ label = "user", twoFactor = false, provider = false, passkey = false }: AccountOptions = {}): Promise<Account> {
  const email = uniqueEmail(label);
  if (provider) {
    if (twoFactor || passkey) throw new Error("the kit makes provider accounts without two-factor or passkeys: turn them on through the pages");
    const context = await request.newContext();
    try {
      const id = await signInThroughProvider(context, email);
      return { id, email, password: "", provider: DEV_PROVIDER };
    } finally {
      await context.dispose();
    }
  }
  const secret = twoFactor ? newTwoFactorSecret() : undefined;
  const id = await createAccount(email, PASSWORD, { twoFactorSecret: secret });
  const account: Account = { id, email, password: PASSWORD, ...(secret ? { secret } : {}) };
  if (passkey) account.passkey = await addPasskey(account);
  return account;
}

/** Adds a passkey to the account as the app would (the extension's routes, the app's origin): returns its key. */
async function addPasskey(account: Account): Promise<SoftwareCredential> {
  const login = await directusRest(directusUrl()).sessionLogin(account.email, account.password, account.secret ? await currentCode(account.secret) : undefined);
  if (!login.sessionToken) throw new Error(`logging in as ${account.email} to add a passkey: ${login.status}`);
  const origin = new URL(appUrl()).origin;
  const holder = new SoftwareAuthenticator();
  await passkeyRest(directusUrl(), origin, { origin }).addPasskey(login.sessionToken, holder, "Kit passkey");
  const [credential] = holder.credentials;
  if (!credential) throw new Error("the software authenticator made no credential");
  return credential;
}

// One state a worker keeps per account: the cookies signing in left, handed to the next page.
const signedInStates = new Map<string, Awaited<ReturnType<BrowserContext["cookies"]>>>();

/**
 * Signs `page`'s browser in as `account` and opens `at` (default the dashboard). The first time, it
 * signs in over HTTP (the login form's POST, the code step, or the provider's round trip); later, it
 * reuses that state, unless the session it holds has ended (logged out): then it signs in again.
 */
export async function signIn(page: Page, account: Account, { at = "/dashboard" }: { at?: string } = {}): Promise<Page> {
  const context = page.context();
  const kept = signedInStates.get(account.email);
  if (kept) {
    await context.addCookies(kept);
    await page.goto(at);
    if (new URL(page.url()).pathname !== "/login") return page;
    signedInStates.delete(account.email);
  }
  await signInOverHttp(context, account);
  signedInStates.set(account.email, await context.cookies());
  await page.goto(at);
  return page;
}

async function signInOverHttp(context: BrowserContext, account: Account) {
  if (account.provider) {
    await signInThroughProvider(context, account.email);
    return;
  }
  const origin = new URL(appUrl()).origin;
  const post = (path: string, form: Record<string, string>) => context.request.post(`${appUrl()}${path}`, { form, headers: { Origin: origin } });
  let reply = await post("/login", { email: account.email, password: account.password });
  if (new URL(reply.url()).pathname === "/login/code") {
    if (!account.secret) throw new Error(`${account.email} is asked for a code, and the kit holds no secret for it`);
    reply = await post("/login/code", { intent: "verify", code: await currentCode(account.secret) });
  }
  if (new URL(reply.url()).pathname !== "/dashboard") throw new Error(`signing in as ${account.email} ended at ${reply.url()} (${reply.status()})`);
}

/** The provider's round trip over HTTP ("Continue with …", its sign-in form, the app's callback): returns the account's id. */
async function signInThroughProvider(context: BrowserContext | APIRequestContext, email: string): Promise<string> {
  const http = "request" in context ? context.request : context;
  const origin = new URL(appUrl()).origin;
  const start = await http.post(`${appUrl()}/auth/login/${DEV_PROVIDER}`, { form: {}, headers: { Origin: origin }, maxRedirects: 0 });
  const atProvider = start.headers().location;
  if (!atProvider) throw new Error(`"Continue with the development provider" answered ${start.status()} without a redirect`);
  const back = await new ProviderBrowser().signIn(new URL(atProvider, appUrl()).href, origin, { login: email });
  const landed = await http.get(back.href);
  if (new URL(landed.url()).pathname !== "/dashboard") throw new Error(`the provider's sign-in of ${email} ended at ${landed.url()} (${landed.status()})`);
  return dashboardUserId(await landed.text());
}
