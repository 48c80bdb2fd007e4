// Directus extension "account-ownership" (a bundle, loaded from EXTENSIONS_PATH; no build step, no
// dependency beyond Node and what Directus hands its extensions).
//
// Exposes, to the signed-in user only (401 for anonymous callers):
// - DELETE /account-ownership/account: deletes the caller's account for good (endpoint.js): their
//   posts, the rows the other extensions keep for them (passkeys, recovery codes, pending email
//   changes, …) and the Directus user through Directus's own UsersService, which ends every session
//   of the user. One database transaction: all of it or nothing, so a failed request can be sent
//   again. A last notice is mailed once it committed. Administrators are refused (403).
// - GET /account-ownership/activity: the caller's own activity of the last 90 days, paged
//   (activity-reader.js: the extension's events table merged with Directus's own activity log).
// - GET /account-ownership/export: the caller's own data as one JSON document, streamed (account-export.js).
// A hook (event-hooks.js) fills the events table (events.js): every sign-in with how, failed sign-ins
// counted and bounded, and what account-sign-in and account-sessions report on the extensions'
// shared emitter; the table is refused to REST and GraphQL.
// Settings it reads: none.
import endpoint from "./endpoint.js";
import eventHooks from "./event-hooks.js";

export default {
  hooks: [{ name: "account-ownership-events", config: eventHooks }],
  endpoints: [{ name: "account-ownership", config: endpoint }],
  operations: [],
};
