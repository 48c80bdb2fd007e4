// Directus extension "account-sign-in" (a bundle, loaded from EXTENSIONS_PATH; no build step). Unlike
// the other extensions it carries dependencies of its own (package.json, installed by `npm ci`):
// @simplewebauthn/server to verify passkeys, and jsonwebtoken and @directus/utils at the versions
// Directus 11.17.4 itself uses, to start a session exactly as Directus's login does
// (docs/decisions/024-passkeys-and-one-session-start.md).
//
// Exposes ways into an account besides its password, each ending in a genuine Directus session
// started by session-start.js:
// - passkeys (endpoint.js): add, list, rename and remove one's own; sign in with one (a new session),
//   or confirm it is them while signed in. The credentials and challenges live in the extension's own
//   tables (store.js), which no role reads or writes through REST or GraphQL (table-guard.js).
// - two-factor recovery codes (recovery-routes.js, docs/decisions/025-recovery-codes.md): a batch of
//   ten single-use codes, kept as scrypt hashes (recovery-store.js); one signs in after the account's
//   password or its identity provider's fresh proof (provider-proofs.js, recorded by the auth.login
//   filter in recovery-hooks.js), or turns two-factor off; wrong codes are counted per account in the
//   database (code-points.js). The hooks also void the codes when two-factor is turned off anywhere
//   and delete what a deleted account held.
// - a mailed notice to the owner when a passkey is added or removed, a recovery code used, or the
//   codes renewed (notices.js).
// Settings it reads: APP_URL (the app's public URL: relying party id and origin), SECRET,
// SESSION_COOKIE_TTL, REFRESH_TOKEN_TTL, LOGIN_STALL_TIME and the SESSION_COOKIE_* settings (as Directus's login).
import endpoint from "./endpoint.js";
import recoveryHooks from "./recovery-hooks.js";
import tableGuard from "./table-guard.js";

export default {
  hooks: [
    { name: "account-sign-in-tables", config: tableGuard },
    { name: "account-sign-in-recovery", config: recoveryHooks },
  ],
  endpoints: [{ name: "account-sign-in", config: endpoint }],
  operations: [],
};
