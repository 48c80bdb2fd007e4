// Prints the Directus settings (KEY=value lines) for the identity providers the app's settings name
// (IDENTITY_PROVIDERS, IDENTITY_PROVIDER_<NAME>_*, APP_URL), for a Directus this repository does not
// start itself, e.g. compose.yaml's (through an env_file). Derived by app/lib/identity-providers.ts,
// the same code npm run dev, the tests and the cluster use. The output holds client secrets.
import { DEV_APP_URL } from "../app/lib/account-links.ts";
import { directusIdentityProviderEnv, IdentityProviderSettingError } from "../app/lib/identity-providers.ts";

try {
  const env = directusIdentityProviderEnv({ appUrl: process.env.APP_URL?.trim() || DEV_APP_URL });
  for (const [key, value] of Object.entries(env)) process.stdout.write(`${key}=${value}\n`);
} catch (error) {
  if (!(error instanceof IdentityProviderSettingError)) throw error;
  console.error(error.message);
  process.exit(1);
}
