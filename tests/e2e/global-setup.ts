import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { DirectusAdmin } from "../support/http-session.ts";
import { reserveAppUrl, startTestApp, startTestDirectus } from "../support/services.ts";
import { callbackPath } from "../../app/lib/identity-providers.ts";
import { startDevIdentityProvider } from "../../scripts/lib/identity-provider/dev-provider.mjs";

// Directus's password policy (auth_password_policy), which only Directus knows: at least 12 characters,
// so an 8-character password passes the app's own check and meets Directus's refusal (account.spec.ts).
export const PASSWORD_POLICY = "/^.{12,}$/";

/** The lifetime of a session on the lifetime specs' stack: a renewal and an idle timeout in seconds. */
const SHORT_SESSION_SECONDS = 12;

/**
 * Directus pads logins and registrations to a minimum duration (the app pads registrations alike),
 * against telling accounts apart by timing; the hardening tests check that with the real times.
 * Here the specs would only wait on it.
 */
const STALL_TIMES = { LOGIN_STALL_TIME: "50", REGISTER_STALL_TIME: "50" };

/** What the specs expect of any Directus they run against, beyond provisioning. */
async function prepare(admin: DirectusAdmin) {
  const policy = await admin.call("PATCH", "/settings", { auth_password_policy: PASSWORD_POLICY });
  if (policy.status !== 200) throw new Error(`setting the password policy failed: ${policy.status}`);
}

/** A stack named by the kit's variables (tests/kit/stack.ts, the README's "Write your own end-to-end tests"). */
function namedStack(): boolean {
  const { BASE_URL, DIRECTUS_URL, DIRECTUS_ADMIN_TOKEN, DIRECTUS_ADMIN_EMAIL, DIRECTUS_ADMIN_PASSWORD } = process.env;
  return !!(BASE_URL && DIRECTUS_URL && (DIRECTUS_ADMIN_TOKEN || (DIRECTUS_ADMIN_EMAIL && DIRECTUS_ADMIN_PASSWORD)));
}

export default async function globalSetup() {
  // Against a stack someone deployed: start nothing and change nothing there; Playwright's baseURL is the app.
  if (namedStack()) {
    process.env.E2E_BASE_URL = process.env.BASE_URL;
    return;
  }
  // Against a running stack (`npm run test:cluster` sets all five): start nothing.
  const given = ["E2E_BASE_URL", "E2E_DIRECTUS_URL", "E2E_DIRECTUS_ADMIN_EMAIL", "E2E_DIRECTUS_ADMIN_PASSWORD", "E2E_MAIL_DIR"];
  if (given.every((name) => process.env[name])) {
    const { E2E_DIRECTUS_URL, E2E_DIRECTUS_ADMIN_EMAIL, E2E_DIRECTUS_ADMIN_PASSWORD } = process.env;
    return prepare(new DirectusAdmin(E2E_DIRECTUS_URL!, E2E_DIRECTUS_ADMIN_EMAIL!, E2E_DIRECTUS_ADMIN_PASSWORD!));
  }
  // `npm test` builds first; a bare `npx playwright test` builds here when no build exists.
  if (!existsSync("build/server/index.js")) execFileSync("npx", ["react-router", "build"], { stdio: "inherit" });
  // The specs' stack has hour-long sessions, so no spec depends on a lifetime elapsing or not; the
  // specs about a lifetime (lifetime.spec.ts) get a stack of their own whose sessions last seconds.
  // The default configuration: registering sends a link, and the specs read it from the mail sink.
  const [appUrl, shortSessionsUrl] = await Promise.all([reserveAppUrl(), reserveAppUrl()]);
  // The local OpenID Connect provider (development and tests only) behind "Continue with …" on the main stack.
  const identityProvider = await startDevIdentityProvider({ redirectUris: [`${appUrl.url}${callbackPath("dev")}`] });
  const identityEnv = { IDENTITY_PROVIDERS: "dev", IDENTITY_PROVIDER_DEV_ISSUER_URL: identityProvider.url };
  const [directus, shortSessionsDirectus] = await Promise.all([
    startTestDirectus({ ...STALL_TIMES, ...identityEnv }, { appUrl: appUrl.url, verifyEmail: true }),
    startTestDirectus({ ...STALL_TIMES, SESSION_COOKIE_TTL: `${SHORT_SESSION_SECONDS}s` }, { appUrl: shortSessionsUrl.url, verifyEmail: true }),
  ]);
  await prepare(new DirectusAdmin(directus.url, directus.adminEmail, directus.adminPassword));
  // The lifetime specs read their session's renewal point from the cookie, with the app's secret.
  const shortSessionsSecret = randomBytes(32).toString("hex");
  const [app, shortSteps, shortSessions] = await Promise.all([
    startTestApp(directus.url, { ...STALL_TIMES, ...identityEnv }, { port: appUrl.port }),
    // A second app on the same Directus whose two-factor steps end after 3 s, for the expiry test.
    startTestApp(directus.url, { ...STALL_TIMES, TWO_FACTOR_STEP_MAX_AGE: "3" }),
    startTestApp(shortSessionsDirectus.url, { ...STALL_TIMES, SESSION_SECRET: shortSessionsSecret }, { port: shortSessionsUrl.port }),
  ]);
  process.env.E2E_MAIL_DIR = directus.mailDir;
  process.env.E2E_BASE_URL = app.url;
  process.env.E2E_SHORT_STEPS_URL = shortSteps.url;
  process.env.E2E_SHORT_SESSIONS_URL = shortSessions.url;
  process.env.E2E_SHORT_SESSIONS_MAIL_DIR = shortSessionsDirectus.mailDir;
  process.env.E2E_SHORT_SESSIONS_TTL_MS = String(SHORT_SESSION_SECONDS * 1000);
  process.env.E2E_SHORT_SESSIONS_SECRET = shortSessionsSecret;
  process.env.E2E_DIRECTUS_URL = directus.url;
  process.env.E2E_DIRECTUS_ADMIN_EMAIL = directus.adminEmail;
  process.env.E2E_DIRECTUS_ADMIN_PASSWORD = directus.adminPassword;
  return async () => {
    await app.stop();
    await shortSteps.stop();
    await shortSessions.stop();
    await Promise.all([directus.stop(), shortSessionsDirectus.stop()]);
    await identityProvider.stop();
  };
}
