// Starts a throwaway Directus 11 (fresh SQLite DB in a temp dir, free loopback port), provisions it
// with the same code as `npm run directus`, and hands its URL and admin credentials to the tests
// through Vitest's provide/inject. Teardown stops it and deletes the temp dir.
//
// Test-friendly Directus settings below apply only when the variable is not already set in the
// environment, so e.g. `ACCESS_TOKEN_TTL=15m npm run test:integration` overrides them.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { getFreePort, startDirectus } from "../../scripts/lib/directus-process.mjs";
import { provision } from "../../scripts/lib/provision.mjs";
import { BUSY_MACHINE_DIRECTUS } from "../support/services.ts";
import { accountLinks, DEV_APP_URL } from "../../app/lib/account-links.ts";

declare module "vitest" {
  export interface ProvidedContext {
    directusUrl: string;
    adminEmail: string;
    adminPassword: string;
    /** Where its mail sink keeps what it sends (tests/support/mail.ts reads it). */
    mailDir: string;
    /** The app page an email-change link may open (on its allow list). */
    emailChangeUrl: string;
    /** Its SQLite database file, for tests that compare what Directus wrote (tests/support/session-equivalence.ts). */
    directusDatabaseFile: string;
  }
}

const TEST_DEFAULTS: Record<string, string> = {
  RATE_LIMITER_ENABLED: "false",
  RATE_LIMITER_REGISTRATION_ENABLED: "false",
  ACCESS_TOKEN_TTL: "5s",
  // Directus pads login/registration to a minimum duration against timing attacks; keep tests quick.
  LOGIN_STALL_TIME: "50",
  REGISTER_STALL_TIME: "50",
  ...BUSY_MACHINE_DIRECTUS,
};

export default async function setup(project: TestProject) {
  const started = Date.now();
  const dataDir = await mkdtemp(join(tmpdir(), "directus-it-"));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(TEST_DEFAULTS)) env[key] = process.env[key] ?? value;

  const log = (line: string) => process.stderr.write(`[directus] ${line}\n`);
  let directus: Awaited<ReturnType<typeof startDirectus>> | undefined;
  try {
    directus = await startDirectus({ port: await getFreePort(), dataDir, env, log });
    // Verification off: the permission tests register users straight into the role, active.
    // account-provisioning.test.ts turns it on and off again.
    await provision(
      { url: directus.url, email: directus.adminEmail, password: directus.adminPassword },
      { log: () => {}, verifyEmail: false },
    );
  } catch (error) {
    await directus?.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  process.stderr.write(`[integration] Directus ready at ${directus.url} in ${Date.now() - started} ms\n`);

  project.provide("directusUrl", directus.url);
  project.provide("adminEmail", directus.adminEmail);
  project.provide("adminPassword", directus.adminPassword);
  project.provide("mailDir", directus.mailDir!);
  project.provide("emailChangeUrl", accountLinks(DEV_APP_URL).confirmEmail);
  project.provide("directusDatabaseFile", join(dataDir, "data.db"));

  return async () => {
    await directus.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
