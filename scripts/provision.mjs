// npm run directus:provision — provisions any Directus 11+ (schema, policies, role, settings).
// Env: DIRECTUS_URL, and DIRECTUS_ADMIN_TOKEN or DIRECTUS_ADMIN_EMAIL + DIRECTUS_ADMIN_PASSWORD;
// REGISTRATION_VERIFY_EMAIL (default true); APP_URL, to check that Directus accepts the app's links
// and takes passkeys for the app's host.
import { assertPinnedNode } from "./lib/runtime.mjs";
import { provision, ProvisionError } from "./lib/provision.mjs";

assertPinnedNode();

function fail(message) {
  console.error(`[provision] ${message}`);
  process.exit(1);
}

const url = process.env.DIRECTUS_URL;
if (!url) fail("DIRECTUS_URL is not set (e.g. DIRECTUS_URL=http://127.0.0.1:8055)");
const token = process.env.DIRECTUS_ADMIN_TOKEN;
const email = process.env.DIRECTUS_ADMIN_EMAIL;
const password = process.env.DIRECTUS_ADMIN_PASSWORD;
if (!token) {
  if (!email && !password) fail("DIRECTUS_ADMIN_TOKEN is not set (or set DIRECTUS_ADMIN_EMAIL and DIRECTUS_ADMIN_PASSWORD)");
  if (!email) fail("DIRECTUS_ADMIN_EMAIL is not set (needed with DIRECTUS_ADMIN_PASSWORD when DIRECTUS_ADMIN_TOKEN is absent)");
  if (!password) fail("DIRECTUS_ADMIN_PASSWORD is not set (needed with DIRECTUS_ADMIN_EMAIL when DIRECTUS_ADMIN_TOKEN is absent)");
}

try {
  await provision(token ? { url, token } : { url, email, password }, { appUrl: process.env.APP_URL?.trim() || undefined });
} catch (error) {
  if (error instanceof ProvisionError) fail(error.message);
  throw error;
}
