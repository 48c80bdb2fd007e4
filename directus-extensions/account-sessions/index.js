// Directus extension "account-sessions" (a bundle, loaded from EXTENSIONS_PATH; no build step, no
// dependency beyond Node and what Directus hands its extensions).
//
// Exposes, to the signed-in user only (401 for anonymous callers), their own sessions: list them,
// end one, end all but the caller's (sessions.js). A hook gives a sign-in's session row its token's
// lifetime, so a session nobody can use is not listed (expiry.js).
// Settings it reads: SECRET (the handles' key), SESSION_COOKIE_TTL and REFRESH_TOKEN_TTL (what a
// row's expiry says about when it was written).
import expiry from "./expiry.js";
import sessions from "./sessions.js";

export default {
  hooks: [{ name: "account-sessions-expiry", config: expiry }],
  endpoints: [{ name: "account-sessions", config: sessions }],
  operations: [],
};
