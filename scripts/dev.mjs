// npm run dev: the embedded Directus and the React Router dev server side by side, with
// prefixed logs; Ctrl-C stops both. With DIRECTUS_URL set, only the app starts, against that Directus.
import { concurrently } from "concurrently";
import { assertPinnedNode, root } from "./lib/runtime.mjs";

assertPinnedNode();

const external = process.env.DIRECTUS_URL?.trim();
const port = process.env.DIRECTUS_PORT || "8055";
// "Continue with the development provider" works on the first run: a local OpenID Connect provider
// (development and tests only) unless IDENTITY_PROVIDERS names others; Directus and the app read the
// same settings (app/lib/identity-providers.ts).
const identityProviders = process.env.IDENTITY_PROVIDERS ?? "dev";
const localProvider = !external && identityProviders.split(",").map((name) => name.trim()).includes("dev") && !process.env.IDENTITY_PROVIDER_DEV_ISSUER_URL;
const identityEnv = { IDENTITY_PROVIDERS: identityProviders };
if (localProvider) identityEnv.IDENTITY_PROVIDER_DEV_ISSUER_URL = `http://127.0.0.1:${process.env.IDENTITY_PROVIDER_DEV_PORT || 8056}`;
const env = { DIRECTUS_URL: external || `http://127.0.0.1:${port}`, ...identityEnv };

const commands = [
  { name: "app", command: "react-router dev", prefixColor: "cyan", env },
];
if (localProvider) commands.unshift({ name: "idp", command: "node scripts/identity-provider.mjs", prefixColor: "yellow" });
if (!external) commands.unshift({ name: "directus", command: "node scripts/directus.mjs", prefixColor: "magenta", env: identityEnv });
else console.log(`[dev] using the Directus at ${external}; the embedded one is not started`);

const { result } = concurrently(commands, { cwd: root, prefix: "name", killOthersOn: ["failure"], restartTries: 0 });
result.then(
  () => process.exit(0),
  () => process.exit(1),
);
