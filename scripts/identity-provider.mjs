// npm run dev's local OpenID Connect provider, FOR DEVELOPMENT AND TESTS ONLY (it checks no
// password; scripts/lib/identity-provider/dev-provider.mjs). Sign in as dev@example.com, any password.
// Env: IDENTITY_PROVIDER_DEV_PORT (default 8056), APP_URL (whose callback it accepts).
import { DEV_APP_URL } from "../app/lib/account-links.ts";
import { callbackPath } from "../app/lib/identity-providers.ts";
import { startDevIdentityProvider } from "./lib/identity-provider/dev-provider.mjs";
import { assertPinnedNode } from "./lib/runtime.mjs";

assertPinnedNode();
const appUrl = (process.env.APP_URL?.trim() || DEV_APP_URL).replace(/\/+$/, "");
const port = Number(process.env.IDENTITY_PROVIDER_DEV_PORT || 8056);
const provider = await startDevIdentityProvider({ port, redirectUris: [`${appUrl}${callbackPath("dev")}`] });
console.log(`[identity provider] development only: ${provider.url} — sign in as dev@example.com with any password`);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => provider.stop().then(() => process.exit(0)));
