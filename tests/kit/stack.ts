// Where the kit finds the stack it works against: the one the project's global setup starts (it sets
// the E2E_* names), or one named by the kit's own environment variables, which win when both are set.

/** The variables the kit reads, each with the name the project's global setup sets. */
const NAMES = {
  baseUrl: ["BASE_URL", "E2E_BASE_URL"],
  directusUrl: ["DIRECTUS_URL", "E2E_DIRECTUS_URL"],
  adminToken: ["DIRECTUS_ADMIN_TOKEN"],
  adminEmail: ["DIRECTUS_ADMIN_EMAIL", "E2E_DIRECTUS_ADMIN_EMAIL"],
  adminPassword: ["DIRECTUS_ADMIN_PASSWORD", "E2E_DIRECTUS_ADMIN_PASSWORD"],
  mailDir: ["MAIL_DIR", "E2E_MAIL_DIR"],
} as const;

type Setting = keyof typeof NAMES;

function optional(setting: Setting): string | undefined {
  for (const name of NAMES[setting]) {
    const value = process.env[name];
    if (value) return value;
  }
  return undefined;
}

function required(setting: Setting): string {
  const value = optional(setting);
  if (!value) throw new Error(`${NAMES[setting].join(" or ")} is not set: run through playwright test (its global setup starts a stack) or name yours (tests/kit/README.md)`);
  return value;
}

/** The app, e.g. http://localhost:3000 (no trailing slash). */
export const appUrl = () => required("baseUrl").replace(/\/+$/, "");

/** Directus, as the app reaches it (no trailing slash). */
export const directusUrl = () => required("directusUrl").replace(/\/+$/, "");

/** The folder Directus's mail sink writes each message to (scripts/lib/mail-sink.mjs). */
export const mailDir = () => required("mailDir");

/** An admin's static token when one is given; otherwise the kit sets one from the admin's email and password. */
export const adminToken = () => optional("adminToken");

export const adminCredentials = () => ({ email: required("adminEmail"), password: required("adminPassword") });
