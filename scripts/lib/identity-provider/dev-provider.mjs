// A local OpenID Connect provider FOR DEVELOPMENT AND TESTS ONLY: oidc-provider (a certified
// implementation) with its development sign-in pages, so "Continue with the development provider"
// works on a fresh clone with no account anywhere. It checks no password: whoever types a login is
// that person. Never expose it beyond this machine.
//
// Accounts: the login typed is the account. An email address is used as typed
// (dev@example.com is the documented one); anything else becomes <login>@example.com. Every
// address counts as verified.
import { createServer } from "node:http";
import Provider from "oidc-provider";
import { DEV_CLIENT } from "../../../app/lib/identity-providers.ts";

/** The account a login names: its subject stays stable, so a second sign-in is a returning user. */
export function devAccount(login) {
  const typed = String(login).trim().toLowerCase().slice(0, 200);
  const email = typed.includes("@") ? typed : `${typed || "dev"}@example.com`;
  const local = email.split("@")[0];
  return { sub: email, email, email_verified: true, given_name: local.charAt(0).toUpperCase() + local.slice(1), family_name: "Developer" };
}

/**
 * @param {{ port?: number, redirectUris: string[], host?: string }} options
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function startDevIdentityProvider({ port = 0, redirectUris, host = "127.0.0.1" }) {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, resolve);
  });
  const url = `http://${host}:${server.address().port}`;
  const provider = new Provider(url, {
    clients: [
      {
        client_id: DEV_CLIENT.id,
        client_secret: DEV_CLIENT.secret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["given_name", "family_name"] },
    async findAccount(_ctx, sub) {
      const account = devAccount(sub);
      return { accountId: account.sub, claims: () => account };
    },
    // The app is the only client: consent is implied, so the sign-in page is the one page to pass.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    // Short lives: nothing here is worth keeping.
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60, AccessToken: 300, IdToken: 300 },
    cookies: { keys: ["dev-only-cookie-key-not-for-production"] },
  });
  server.on("request", provider.callback());
  return {
    url,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
