// "Download your data": one JSON document of everything the account holds, written in pieces as it is
// read (posts by keyset pages of POSTS_PAGE, sessions likewise, activity through readActivity page by
// page), so an account with many posts never sits in memory whole. Only the account's own rows, and
// of them only what is the owner's to read: never a token, a session token, the password hash,
// tfa_secret, auth_data, a passkey's credential id or public key, nor a recovery code's hash or salt.
import { PAGE_SIZE, readActivity } from "./activity-reader.js";

export const FORMAT = "account-export/1";
export const POSTS_PAGE = 100;
export const SESSIONS_PAGE = 100;

/** The profile's fields: what the person typed or Directus shows them about the account, nothing it keeps to check them. */
export const PROFILE_FIELDS = ["id", "email", "first_name", "last_name", "location", "title", "description", "language", "provider", "status", "last_access"];

const PASSKEYS = "account_sign_in_passkeys";
const RECOVERY_CODES = "account_sign_in_recovery_codes";

/** @param {unknown} value @returns {string | null} a time as ISO 8601, whichever way the database returned it */
function isoOf(value) {
  if (value === null || value === undefined || value === "") return null;
  /** @type {number} */
  let ms;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value))) ms = Number(value);
  else if (typeof value === "string") ms = new Date(/^\d{4}-\d{2}-\d{2} /.test(value) && !/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? `${value.replace(" ", "T")}Z` : value).getTime();
  else return null;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * Writes the export of `userId` to `write`, piece by piece; each `write` resolves when the piece may
 * be followed by the next (the response's backpressure). Throws when the account is gone or a read
 * fails; the caller then ends the connection, so no truncated file ever parses.
 * @param {{ database: any, now?: () => number }} context
 * @param {string} userId
 * @param {(piece: string) => Promise<void>} write
 */
export async function writeExport(context, userId, write) {
  const { database } = context;
  const now = context.now ?? Date.now;
  const user = await database("directus_users").select(...PROFILE_FIELDS, "password", "tfa_secret").where({ id: userId }).first();
  if (!user) throw new Error("account-ownership: the account to export is gone");

  /** @type {Record<string, unknown>} */
  const profile = {};
  for (const field of PROFILE_FIELDS) profile[field] = field === "last_access" ? isoOf(user[field]) : (user[field] ?? null);

  const passkeys = (await database.schema.hasTable(PASSKEYS))
    ? (await database(PASSKEYS).select("name", "created_at", "last_used_at").where({ user_id: userId }).orderBy("created_at", "asc").orderBy("id", "asc").limit(1000)).map(
        (/** @type {any} */ row) => ({ name: row.name, created_at: isoOf(row.created_at), last_used_at: isoOf(row.last_used_at) }),
      )
    : [];
  const codesLeft = (await database.schema.hasTable(RECOVERY_CODES)) ? Number((await database(RECOVERY_CODES).where({ user_id: userId }).whereNull("used_at").count({ n: "*" }).first())?.n ?? 0) : 0;
  const signInMethods = {
    password: user.provider === "default" && typeof user.password === "string" && user.password !== "",
    provider: user.provider && user.provider !== "default" ? user.provider : null,
    two_factor: Boolean(user.tfa_secret),
    passkeys,
    recovery_codes_left: codesLeft,
  };

  await write(`{"format":${JSON.stringify(FORMAT)},"exported_at":${JSON.stringify(new Date(now()).toISOString())},"profile":${JSON.stringify(profile)},"sign_in_methods":${JSON.stringify(signInMethods)},"sessions":[`);

  let first = true;
  /** @param {unknown} item */
  const item = async (item) => {
    await write(`${first ? "" : ","}${JSON.stringify(item)}`);
    first = false;
  };

  // Sessions: keyed by their token inside the database only; the token itself never leaves.
  for (let after = null; ; ) {
    let query = database("directus_sessions").select("token", "user_agent", "ip", "origin", "expires").where({ user: userId }).andWhere("expires", ">", new Date(now()));
    if (after !== null) query = query.andWhere("token", ">", after);
    const rows = await query.orderBy("token", "asc").limit(SESSIONS_PAGE);
    for (const row of rows) await item({ user_agent: row.user_agent ?? null, ip: row.ip ?? null, origin: row.origin ?? null, expires: isoOf(row.expires) });
    if (rows.length < SESSIONS_PAGE) break;
    after = rows.at(-1).token;
  }

  await write(`],"posts":[`);
  first = true;
  for (let after = null; ; ) {
    let query = database("posts").select("id", "title", "content", "date_created").where({ user_created: userId });
    if (after !== null) query = query.andWhere("id", ">", after);
    const rows = await query.orderBy("id", "asc").limit(POSTS_PAGE);
    for (const row of rows) await item({ id: row.id, title: row.title ?? null, content: row.content ?? null, date_created: isoOf(row.date_created) });
    if (rows.length < POSTS_PAGE) break;
    after = rows.at(-1).id;
  }

  await write(`],"activity":[`);
  first = true;
  for (let before = null; ; ) {
    const page = await readActivity({ database, now }, userId, { before, limit: PAGE_SIZE });
    for (const event of page.data) await item(event);
    if (page.next === null) break;
    before = page.next;
  }
  await write("]}");
}
