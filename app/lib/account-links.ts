// The app's pages that Directus's emails link to. Directus puts a link in an email only when its URL
// is on an allow list (USER_REGISTER_URL_ALLOW_LIST, PASSWORD_RESET_URL_ALLOW_LIST, ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST, ACCOUNT_UNLOCK_URL_ALLOW_LIST), so the app, the
// embedded Directus and provisioning all build those URLs here, from the app's public URL (APP_URL).
export const VERIFY_EMAIL_PATH = "/verify-email";
export const RESET_PASSWORD_PATH = "/reset-password";
// Opened from the link the account-security extension mails to a new address (its allow list:
// ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST).
export const CONFIRM_EMAIL_PATH = "/confirm-email";
// Opened from the link the account-security extension mails to an account whose login is paused by
// failed attempts, to unlock the browser that opens it (its allow list: ACCOUNT_UNLOCK_URL_ALLOW_LIST).
export const UNLOCK_PATH = "/login/unlock";

// Where `npm run dev` serves the app (vite.config.ts): APP_URL outside production when it is unset.
// A host name, not an IP address: WebAuthn refuses an IP address as the relying party, so passkeys
// work in development only on a name such as localhost (a secure context over plain http too).
export const DEV_APP_URL = "http://localhost:5173";

export function accountLinks(appUrl: string) {
  const base = appUrl.replace(/\/+$/, "");
  return { verifyEmail: `${base}${VERIFY_EMAIL_PATH}`, resetPassword: `${base}${RESET_PASSWORD_PATH}`, confirmEmail: `${base}${CONFIRM_EMAIL_PATH}`, unlock: `${base}${UNLOCK_PATH}` };
}
