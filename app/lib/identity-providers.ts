// The identity providers ("Continue with …") in one place: the app reads which ones to offer from
// here, and every Directus started by this repository (npm run dev, the tests, the cluster, compose)
// gets its AUTH_* settings from `directusIdentityProviderEnv` below, from the same variables.
//
// Settings (all on the app's side; Directus's own names are derived):
//   IDENTITY_PROVIDERS=google,github            which providers, in the order the buttons show
//   IDENTITY_PROVIDER_<NAME>_CLIENT_ID / _CLIENT_SECRET   from the provider's console
//   IDENTITY_PROVIDER_<NAME>_ISSUER_URL         OpenID Connect providers without a preset
//   IDENTITY_PROVIDER_<NAME>_LABEL              the button's words ("Continue with <label>")
//   IDENTITY_PROVIDER_<NAME>_REGISTRATION=0     only people who already have an account may sign in
// `google` and `github` have presets (issuer, URLs, scope); `dev` is the local development provider
// (scripts/lib/identity-provider/), for development and tests only: refused when NODE_ENV=production.

export type IdentityProvider = {
  /** Directus's provider name: the path segment in /auth/login/<name>, lowercase letters and digits. */
  name: string;
  label: string;
  driver: "openid" | "oauth2";
  /** Directus's AUTH_<NAME>_* settings particular to this provider (client, URLs, scope). */
  directus: Record<string, string>;
  registration: boolean;
};

/** Where `npm run dev` serves the local development provider (scripts/identity-provider.mjs). */
export const DEV_IDENTITY_PROVIDER_URL = "http://127.0.0.1:8056";
/** The local provider's client: public values, because that provider exists for development and tests only. */
export const DEV_CLIENT = { id: "directus-dev", secret: "dev-only-client-secret-not-for-production" };

type Env = Record<string, string | undefined>;

const presets: Record<string, (env: Env, key: (s: string) => string | undefined) => Omit<IdentityProvider, "name" | "registration">> = {
  google: () => ({
    label: "Google",
    driver: "openid",
    directus: { ISSUER_URL: "https://accounts.google.com", SCOPE: "openid email profile", IDENTIFIER_KEY: "sub" },
  }),
  github: () => ({
    label: "GitHub",
    driver: "oauth2",
    directus: {
      AUTHORIZE_URL: "https://github.com/login/oauth/authorize",
      ACCESS_URL: "https://github.com/login/oauth/access_token",
      PROFILE_URL: "https://api.github.com/user",
      SCOPE: "read:user user:email",
      IDENTIFIER_KEY: "id",
      EMAIL_KEY: "email",
    },
  }),
  dev: (_env, key) => ({
    label: "the development provider",
    driver: "openid",
    directus: {
      ISSUER_URL: key("ISSUER_URL") ?? DEV_IDENTITY_PROVIDER_URL,
      CLIENT_ID: DEV_CLIENT.id,
      CLIENT_SECRET: DEV_CLIENT.secret,
      SCOPE: "openid email profile",
      IDENTIFIER_KEY: "sub",
    },
  }),
};

export class IdentityProviderSettingError extends Error {}

/** The providers IDENTITY_PROVIDERS names, checked: a bad setting fails at start-up with its name. */
export function identityProviders(env: Env = process.env): IdentityProvider[] {
  const names = (env.IDENTITY_PROVIDERS ?? "").split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
  return [...new Set(names)].map((name) => {
    if (!/^[a-z][a-z0-9]{0,30}$/.test(name)) throw new IdentityProviderSettingError(`IDENTITY_PROVIDERS: "${name}" must be lowercase letters and digits`);
    const prefix = `IDENTITY_PROVIDER_${name.toUpperCase()}_`;
    const key = (suffix: string) => env[prefix + suffix]?.trim() || undefined;
    const preset = presets[name]?.(env, key);
    const issuerUrl = key("ISSUER_URL");
    if (!preset && !issuerUrl) {
      throw new IdentityProviderSettingError(`${prefix}ISSUER_URL is required: "${name}" is not google, github or dev`);
    }
    const base = preset ?? { label: name, driver: "openid" as const, directus: { SCOPE: "openid email profile", IDENTIFIER_KEY: "sub" } };
    const directus = { ...base.directus };
    if (issuerUrl && base.driver === "openid") directus.ISSUER_URL = issuerUrl;
    for (const field of ["CLIENT_ID", "CLIENT_SECRET"]) {
      const value = key(field) ?? directus[field];
      if (!value) throw new IdentityProviderSettingError(`${prefix}${field} is required for "${name}"`);
      directus[field] = value;
    }
    const registration = key("REGISTRATION") !== "0" && key("REGISTRATION") !== "false";
    if (name === "dev") refuseDevProviderInProduction(env, directus.ISSUER_URL!);
    return { name, label: key("LABEL") ?? base.label, driver: base.driver, directus, registration };
  });
}

/**
 * The development provider signs in whoever types an address, as that address: offered by a
 * production app it would hand every account to anyone who reached it. This repository's tests of
 * the production build set IDENTITY_PROVIDER_DEV_FOR_TESTS=1, and even then only a provider on this
 * machine's loopback is accepted.
 */
function refuseDevProviderInProduction(env: Env, issuerUrl: string) {
  if (env.NODE_ENV !== "production") return;
  const loopback = URL.canParse(issuerUrl) && ["127.0.0.1", "localhost", "[::1]"].includes(new URL(issuerUrl).hostname);
  if (env.IDENTITY_PROVIDER_DEV_FOR_TESTS === "1" && loopback) return;
  throw new IdentityProviderSettingError(
    'IDENTITY_PROVIDERS: "dev", the development provider, is refused when NODE_ENV=production: it signs in anyone as any address',
  );
}

/** The path of the callback on the app's origin; register `<APP_URL><this>` at the provider. */
export function callbackPath(name: string) {
  return `/auth/login/${name}/callback`;
}

/**
 * Directus's settings for the providers: AUTH_PROVIDERS, AUTH_<NAME>_*, and AUTH_ALLOWED_PUBLIC_URLS
 * naming the app, so that a flow the app starts at Directus as its own origin gets a callback URL on
 * the app (docs/decisions/018). New users get the registration role through the
 * identity-provider-accounts extension, which reads it from Directus's settings.
 */
export function directusIdentityProviderEnv({ appUrl, env = process.env }: { appUrl: string; env?: Env }): Record<string, string> {
  const providers = identityProviders(env);
  if (providers.length === 0) return {};
  const out: Record<string, string> = {
    AUTH_PROVIDERS: providers.map((provider) => provider.name).join(","),
    AUTH_ALLOWED_PUBLIC_URLS: appUrl.replace(/\/+$/, ""),
  };
  for (const provider of providers) {
    const prefix = `AUTH_${provider.name.toUpperCase()}_`;
    Object.assign(out, {
      [`${prefix}DRIVER`]: provider.driver,
      [`${prefix}LABEL`]: provider.label,
      // Session mode, as a password login: the relay takes the session token from Directus's answer.
      [`${prefix}MODE`]: "session",
      [`${prefix}ALLOW_PUBLIC_REGISTRATION`]: String(provider.registration),
      // A new account only for an address the provider has verified.
      [`${prefix}REQUIRE_VERIFIED_EMAIL`]: "true",
      // A provider that is down when Directus starts must not stop Directus: discovery is retried per
      // sign-in. Directus's calls to the provider give up after 3.5 s (openid-client's default).
      [`${prefix}ISSUER_DISCOVERY_MUST_SUCCEED`]: "false",
      // The step's lifetime at Directus; the app's own step ends sooner or at the same time.
      [`${prefix}LOGIN_TIMEOUT`]: "10m",
    });
    for (const [field, value] of Object.entries(provider.directus)) out[prefix + field] = value;
  }
  return out;
}

/**
 * The origins of the providers' sign-in pages: the "Continue with …" forms redirect there, and a
 * browser lets a form's redirect leave the site only to the origins CSP's form-action names.
 */
export function providerOrigins(env: Env = process.env): string[] {
  let providers: IdentityProvider[];
  try {
    providers = identityProviders(env);
  } catch {
    // A bad setting stops the app at start-up (identity-provider.server.ts); no origin is added meanwhile.
    return [];
  }
  const origins = providers.map(({ directus }) => directus.AUTHORIZE_URL ?? directus.ISSUER_URL).filter((url) => url && URL.canParse(url));
  return [...new Set(origins.map((url) => new URL(url!).origin))];
}
