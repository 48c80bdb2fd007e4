// Directus extension "account-ownership" (a bundle, loaded from EXTENSIONS_PATH; no build step, no
// dependency beyond Node and what Directus hands its extensions).
//
// Exposes, to the signed-in user only (401 for anonymous callers):
// - DELETE /account-ownership/account: deletes the caller's account for good (endpoint.js): their
//   posts, the rows the other extensions keep for them (passkeys, recovery codes, pending email
//   changes, …) and the Directus user through Directus's own UsersService, which ends every session
//   of the user. One database transaction: all of it or nothing, so a failed request can be sent
//   again. A last notice is mailed once it committed. Administrators are refused (403).
// Settings it reads: none.
import endpoint from "./endpoint.js";

export default {
  hooks: [],
  endpoints: [{ name: "account-ownership", config: endpoint }],
  operations: [],
};
