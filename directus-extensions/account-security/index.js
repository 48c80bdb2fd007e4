// Directus extension "account-security" (a bundle, loaded from EXTENSIONS_PATH; no build step, no
// dependency beyond Node and what Directus hands its extensions).
//
// Exposes:
// - to every account's owner, by mail through Directus's own MailService (notices.js): a short note
//   when the password changes (profile or reset), when two-factor sign-in is turned off, and, to the
//   OLD address, when the email changes. No secrets, no links that act.
// - to the signed-in user only (401 for anonymous callers): POST /account-security/email-change
//   { email, url } mails a confirmation link to the new address and a notice with a cancel link to the
//   current one, at most three times an hour per account; the email itself does not change.
// - to that same account, signed in, holding the link: POST /account-security/email-change/confirm
//   { token } writes the new address, once, if the change is still pending, the account still has the
//   address the link was made for and the new one is free (email-change.js). Directus then ends the
//   user's sessions, as on any email change. The bare link (no session, or another account's) is refused.
// - to anyone holding the cancel link: POST /account-security/email-change/cancel { token } voids the
//   pending change it names.
// - to everyone, before Directus's own GET /users/register/verify-email: a verification link works
//   only for the registration it was mailed for, not a later one of the same address
//   (registration.js), and Directus's password policy is checked for every registration, whatever
//   the address (GraphQL's users_register and users_register_verify are refused).
// - to anyone: POST /account-security/unlock-link { email, url } mails the account's own address a
//   link that lets the app mark a new browser as known (its login then passes a campaign's block);
//   POST /account-security/unlock-link/redeem { token } says, once, which account the link is for
//   (device-unlock.js).
// The pending changes live in the extension's own table (pending-changes.js), created on first use.
// Settings it reads: SECRET (signs the links), ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST and
// ACCOUNT_UNLOCK_URL_ALLOW_LIST (the pages the links may open, compared as Directus compares its own
// allow lists).
import endpoint from "./endpoint.js";
import notices from "./notices.js";
import registration from "./registration.js";

export default {
  hooks: [
    { name: "account-security-notices", config: notices },
    { name: "account-security-registration", config: registration },
  ],
  endpoints: [{ name: "account-security", config: endpoint }],
  operations: [],
};
