import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { startTestApp, startTestDirectus } from "../support/services.ts";

export default async function globalSetup() {
  // Against a running stack (`npm run test:cluster` sets all four): start nothing.
  const given = ["E2E_BASE_URL", "E2E_DIRECTUS_URL", "E2E_DIRECTUS_ADMIN_EMAIL", "E2E_DIRECTUS_ADMIN_PASSWORD"];
  if (given.every((name) => process.env[name])) return;
  // `npm test` builds first; a bare `npx playwright test` builds here when no build exists.
  if (!existsSync("build/server/index.js")) execFileSync("npx", ["react-router", "build"], { stdio: "inherit" });
  // Short sessions, so the specs can cross a renewal and an idle timeout in seconds (auth.spec.ts).
  const directus = await startTestDirectus({ SESSION_COOKIE_TTL: "8s" });
  const app = await startTestApp(directus.url);
  // A second app on the same Directus whose two-factor steps end after 3 s, for the expiry test.
  const shortSteps = await startTestApp(directus.url, { TWO_FACTOR_STEP_MAX_AGE: "3" });
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
