// Deleting one account, all of it or nothing: the owner's posts, the rows the other extensions keep
// for the user, then the Directus user through Directus's own UsersService (which ends every session
// of the user and runs the `users.delete` hooks), all inside one knex transaction. A failure anywhere
// rolls every step back, so the account is either whole (and the same request can be sent again) or
// gone. The last notice is mailed only after the commit, to the address read inside the transaction.
import { EVENTS } from "./events.js";

/** @param {string} text */
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The collection of posts and its owner field, as scripts/lib/provision.mjs makes them. */
export const POSTS = { collection: "posts", owner: "user_created" };

/**
 * What the other extensions keep per user (their own tables, created on first use, with no foreign
 * key to directus_users): deleted with the user, when the table exists. A sign-in method or a
 * pending change must not outlive its account, nor attach to an account registered later.
 */
export const PER_USER_TABLES = [
  { table: "account_sign_in_passkeys", column: "user_id" },
  { table: "account_sign_in_challenges", column: "user_id" },
  { table: "account_sign_in_recovery_codes", column: "user_id" },
  { table: "account_sign_in_provider_proofs", column: "user_id" },
  { table: "account_sign_in_code_points", column: "user_id" },
  { table: "account_security_email_changes", column: "user_id" },
  { table: "identity_provider_code_points", column: "user" },
  { table: EVENTS, column: "user_id" },
];

/**
 * The accountability the services run under: an administrator's (no permission of the user's own
 * role lets it delete itself), naming no user, with the request's ip and agent for the activity log.
 * @param {{ ip?: string | null, userAgent?: string | null, origin?: string | null } | null | undefined} caller
 */
export function serviceAccountability(caller) {
  return { user: null, role: null, roles: [], admin: true, app: false, ip: caller?.ip ?? null, userAgent: caller?.userAgent ?? null, origin: caller?.origin ?? null };
}

/**
 * @typedef {{ to: string, subject: string, text: string, html: string }} Mail
 * @typedef {{
 *   database: any,
 *   services: { ItemsService: new (collection: string, options: object) => { deleteByQuery: (query: object) => Promise<unknown> }, UsersService: new (options: object) => { deleteOne: (id: string) => Promise<unknown> } },
 *   getSchema: () => Promise<unknown>,
 * }} DeleteContext
 */

/**
 * Deletes the account `userId` in one transaction. Resolves to the address it had (for the notice),
 * or null when there was no such account any more (an earlier request already finished the job).
 * @param {DeleteContext} context @param {string} userId @param {object} accountability
 * @returns {Promise<string | null>}
 */
export async function deleteAccount({ database, services, getSchema }, userId, accountability) {
  const schema = await getSchema();
  return database.transaction(async (/** @type {any} */ trx) => {
    const user = await trx("directus_users").select("id", "email").where({ id: userId }).first();
    if (!user) return null;
    // Through ItemsService, so Directus's own hooks, revisions and activity see the posts go.
    const posts = new services.ItemsService(POSTS.collection, { knex: trx, schema, accountability });
    await posts.deleteByQuery({ filter: { [POSTS.owner]: { _eq: userId } }, limit: -1 });
    for (const { table, column } of PER_USER_TABLES) {
      if (await trx.schema.hasTable(table)) await trx(table).where(column, userId).delete();
    }
    const users = new services.UsersService({ knex: trx, schema, accountability });
    await users.deleteOne(userId);
    return typeof user.email === "string" && user.email !== "" ? user.email : null;
  });
}

/** The last note to the address of a deleted account. No secrets, no links. @param {string} to @param {Date} [when] @returns {Mail} */
export function lastNotice(to, when = new Date()) {
  const at = `${when.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const subject = "Your account has been deleted";
  const paragraphs = [
    `Your account (${to}) was deleted at ${at}, as asked from its profile: its posts, its passkeys and recovery codes, and every session are gone, and every device it was signed in on is signed out.`,
    "This address can register again whenever you like; it starts a new, empty account.",
    "If you did not ask for this, tell the site's administrator: the account was deleted by someone signed in to it who confirmed it was them.",
  ];
  return {
    to,
    subject,
    text: paragraphs.join("\n\n"),
    html: [`<h1>${escapeHtml(subject)}</h1>`, ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`)].join("\n"),
  };
}
