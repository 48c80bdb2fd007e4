import { afterEach, describe, expect, it, vi } from "vitest";
import { directusIdentityProviderEnv, identityProviders, providerOrigins } from "#app/lib/identity-providers.ts";

describe("identity provider settings, derived in one place", () => {
  it("offers nothing and sets nothing at Directus when IDENTITY_PROVIDERS is unset", () => {
    expect(identityProviders({})).toEqual([]);
    expect(directusIdentityProviderEnv({ appUrl: "https://app.example.com", env: {} })).toEqual({});
    expect(providerOrigins({})).toEqual([]);
  });

  it("derives Directus's AUTH_* settings for Google (OpenID Connect) and GitHub (OAuth 2)", () => {
    const env = {
      IDENTITY_PROVIDERS: "google, GitHub",
      IDENTITY_PROVIDER_GOOGLE_CLIENT_ID: "g-id",
      IDENTITY_PROVIDER_GOOGLE_CLIENT_SECRET: "g-secret",
      IDENTITY_PROVIDER_GITHUB_CLIENT_ID: "h-id",
      IDENTITY_PROVIDER_GITHUB_CLIENT_SECRET: "h-secret",
      IDENTITY_PROVIDER_GITHUB_REGISTRATION: "0",
    };
    const derived = directusIdentityProviderEnv({ appUrl: "https://app.example.com/", env });
    expect(derived).toMatchObject({
      AUTH_PROVIDERS: "google,github",
      AUTH_ALLOWED_PUBLIC_URLS: "https://app.example.com",
      AUTH_GOOGLE_DRIVER: "openid",
      AUTH_GOOGLE_ISSUER_URL: "https://accounts.google.com",
      AUTH_GOOGLE_CLIENT_ID: "g-id",
      AUTH_GOOGLE_MODE: "session",
      AUTH_GOOGLE_ALLOW_PUBLIC_REGISTRATION: "true",
      AUTH_GOOGLE_REQUIRE_VERIFIED_EMAIL: "true",
      AUTH_GOOGLE_ISSUER_DISCOVERY_MUST_SUCCEED: "false",
      AUTH_GITHUB_DRIVER: "oauth2",
      AUTH_GITHUB_AUTHORIZE_URL: "https://github.com/login/oauth/authorize",
      AUTH_GITHUB_CLIENT_SECRET: "h-secret",
      AUTH_GITHUB_ALLOW_PUBLIC_REGISTRATION: "false",
    });
    expect(providerOrigins(env)).toEqual(["https://accounts.google.com", "https://github.com"]);
  });

  it("names the missing setting", () => {
    expect(() => identityProviders({ IDENTITY_PROVIDERS: "google" })).toThrow("IDENTITY_PROVIDER_GOOGLE_CLIENT_ID is required");
    expect(() => identityProviders({ IDENTITY_PROVIDERS: "acme", IDENTITY_PROVIDER_ACME_CLIENT_ID: "x" })).toThrow("IDENTITY_PROVIDER_ACME_ISSUER_URL is required");
    expect(() => identityProviders({ IDENTITY_PROVIDERS: "no-dash" })).toThrow("lowercase letters and digits");
  });
});

// The development provider signs in whoever types an address, as that address: a production app
// offering it would hand every account to anyone who reached it.
describe("the development provider in production", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("is refused when NODE_ENV=production", () => {
    for (const env of [{ IDENTITY_PROVIDERS: "dev" }, { IDENTITY_PROVIDERS: "google,dev", IDENTITY_PROVIDER_GOOGLE_CLIENT_ID: "g", IDENTITY_PROVIDER_GOOGLE_CLIENT_SECRET: "s" }]) {
      expect(() => identityProviders({ ...env, NODE_ENV: "production" })).toThrow(/development provider.*NODE_ENV=production/);
      expect(() => directusIdentityProviderEnv({ appUrl: "https://app.example.com", env: { ...env, NODE_ENV: "production" } })).toThrow(/development provider/);
      expect(identityProviders({ ...env, NODE_ENV: "development" }).map(({ name }) => name)).toContain("dev");
    }
  });

  it("is allowed to this repository's tests of the production build, on this machine only", () => {
    const tests = { IDENTITY_PROVIDERS: "dev", NODE_ENV: "production", IDENTITY_PROVIDER_DEV_FOR_TESTS: "1" };
    expect(identityProviders({ ...tests, IDENTITY_PROVIDER_DEV_ISSUER_URL: "http://127.0.0.1:4567" }).map(({ name }) => name)).toEqual(["dev"]);
    expect(identityProviders(tests).map(({ name }) => name)).toEqual(["dev"]);
    expect(() => identityProviders({ ...tests, IDENTITY_PROVIDER_DEV_ISSUER_URL: "https://dev.example.com" })).toThrow(/development provider/);
  });

  it("stops the app from starting", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("SESSION_SECRET", "s".repeat(40));
    vi.stubEnv("APP_URL", "https://app.example.com");
    vi.stubEnv("IDENTITY_PROVIDERS", "dev");
    vi.resetModules();
    await expect(import("#app/server/sign-in/identity-provider.server.ts")).rejects.toThrow(/development provider/);
  });
});

describe("the provider callback's step", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("refuses an expired step in words, without asking Directus", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("SESSION_SECRET", "s".repeat(40));
    vi.stubEnv("DIRECTUS_URL", "http://127.0.0.1:9");
    vi.stubEnv("APP_URL", "https://app.example.com");
    vi.stubEnv("IDENTITY_PROVIDERS", "dev");
    vi.stubEnv("IDENTITY_PROVIDER_DEV_FOR_TESTS", "1");
    vi.resetModules();
    const session = await import("#app/server/session/session.server.ts");
    const steps = await import("#app/server/session/steps.server.ts");
    const relay = await import("#app/server/sign-in/identity-provider.server.ts");
    const state = { session: await session.sessionStorage.getSession(), changed: false };
    const started = Date.now() - 10 * 60_000;
    steps.beginStep(state, { name: "identity-provider", provider: "dev", state: "abc", directusCookie: "openid.dev=x", redirectTo: "/" }, { now: started });
    const answer = await relay.finishProviderSignIn(state, relay.findProvider("dev")!, new URL("https://app.example.com/auth/login/dev/callback?code=c&state=abc"), null);
    expect(answer.headers.get("Location")).toBe("/login");
    expect(state.session.get("message")).toBe(relay.messages.expired);
    expect(state.session.has("step")).toBe(false);
  });
});
