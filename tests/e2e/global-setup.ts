import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { DirectusAdmin } from "../support/http-session.ts";
import { reserveAppUrl, startTestApp, startTestDirectus } from "../support/services.ts";

// Directus's password policy (auth_password_policy), which only Directus knows: at least 12 characters,
// so an 8-character password passes the app's own check and meets Directus's refusal (account.spec.ts).
export const PASSWORD_POLICY = "/^.{12,}$/";

/** What the specs expect of any Directus they run against, beyond provisioning. */
async function prepare(admin: DirectusAdmin) {
  const policy = await admin.call("PATCH", "/settings", { auth_password_policy: PASSWORD_POLICY });
  if (policy.status !== 200) throw new Error(`setting the password policy failed: ${policy.status}`);
}

export default async function globalSetup() {
  // Against a running stack (`npm run test:cluster` sets all five): start nothing.
  const given = ["E2E_BASE_URL", "E2E_DIRECTUS_URL", "E2E_DIRECTUS_ADMIN_EMAIL", "E2E_DIRECTUS_ADMIN_PASSWORD", "E2E_MAIL_DIR"];
  if (given.every((name) => process.env[name])) {
    const { E2E_DIRECTUS_URL, E2E_DIRECTUS_ADMIN_EMAIL, E2E_DIRECTUS_ADMIN_PASSWORD } = process.env;
    return prepare(new DirectusAdmin(E2E_DIRECTUS_URL!, E2E_DIRECTUS_ADMIN_EMAIL!, E2E_DIRECTUS_ADMIN_PASSWORD!));
  }
  // `npm test` builds first; a bare `npx playwright test` builds here when no build exists.
  if (!existsSync("build/server/index.js")) execFileSync("npx", ["react-router", "build"], { stdio: "inherit" });
  // Short sessions, so the specs can cross a renewal and an idle timeout in seconds (auth.spec.ts).
  // The default configuration: registering sends a link, and the specs read it from the mail sink.
  const appUrl = await reserveAppUrl();
  const directus = await startTestDirectus({ SESSION_COOKIE_TTL: "8s" }, { appUrl: appUrl.url, verifyEmail: true });
  await prepare(new DirectusAdmin(directus.url, directus.adminEmail, directus.adminPassword));
  const app = await startTestApp(directus.url, {}, { port: appUrl.port });
  // A second app on the same Directus whose two-factor steps end after 3 s, for the expiry test.
  const shortSteps = await startTestApp(directus.url, { TWO_FACTOR_STEP_MAX_AGE: "3" });
  process.env.E2E_MAIL_DIR = directus.mailDir;
  process.env.E2E_BASE_URL = app.url;
  process.env.E2E_SHORT_STEPS_URL = shortSteps.url;
  process.env.E2E_DIRECTUS_URL = directus.url;
  process.env.E2E_DIRECTUS_ADMIN_EMAIL = directus.adminEmail;
  process.env.E2E_DIRECTUS_ADMIN_PASSWORD = directus.adminPassword;
  return async () => {
    await app.stop();
    await shortSteps.stop();
    await directus.stop();
  };
}
