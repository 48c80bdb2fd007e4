// The one reader of an account's activity, for the activity page and the export alike: the last 90
// days, newest first, merged from two sources:
// - "e": the extension's events table (events.js): sign-ins with how, failed sign-ins, what the other
//   extensions reported;
// - "a": Directus's own activity log, the `update`s of the account's directus_users row (the app, the
//   admin app, the API), told apart by the KEY NAMES of their revision's delta only; a value is
//   looked at only to tell two-factor on from off and a status. Directus's `login` rows are not read:
//   the events table has every sign-in, with how.
// Paging is keyset: each page reads at most PAGE_SIZE + 2 rows per source, whatever the history's
// size, and ends with an opaque cursor (base64url of the last event's time, source, id and part).
import { EVENTS, WINDOW_MS } from "./events.js";

export const PAGE_SIZE = 25;
export const CURSOR_MAX = 100;

/** Sources in the order they come at the same millisecond (the higher rank first). */
const RANK = { e: 1, a: 0 };

/**
 * @typedef {{ id: string, at: string, kind: string, method?: string | null, count: number, ip: string | null, user_agent: string | null, by: "you" | "administrator" }} ActivityEvent
 * @typedef {{ at: number, src: "e" | "a", id: number, part: number }} Position
 */

/** The cursor is malformed (400 INVALID_QUERY). */
export class InvalidCursor extends Error {
  constructor() {
    super("The cursor is not one this page gave.");
  }
}

/** @param {Position} p */
export const cursorOf = (p) => Buffer.from(JSON.stringify([p.at, p.src, p.id, p.part])).toString("base64url");

/** @param {unknown} text @returns {Position} */
export function parseCursor(text) {
  if (typeof text !== "string" || text.length === 0 || text.length > CURSOR_MAX || !/^[A-Za-z0-9_-]+$/.test(text)) throw new InvalidCursor();
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursor();
  }
  if (!Array.isArray(value) || value.length !== 4) throw new InvalidCursor();
  const [at, src, id, part] = value;
  const whole = (/** @type {unknown} */ n) => Number.isSafeInteger(n) && /** @type {number} */ (n) >= 0;
  if (!whole(at) || (src !== "e" && src !== "a") || !whole(id) || !whole(part) || part > 16) throw new InvalidCursor();
  return { at, src, id, part };
}

/** Whether `a` comes before `b`, newest first. @param {Position} a @param {Position} b */
const before = (a, b) => a.at !== b.at ? a.at > b.at : a.src !== b.src ? RANK[a.src] > RANK[b.src] : a.id !== b.id ? a.id > b.id : a.part < b.part;

/**
 * A time as Directus's databases return it: a Date (PostgreSQL), epoch milliseconds (a bigInteger,
 * as text on PostgreSQL), or SQLite's "YYYY-MM-DD HH:MM:SS[.SSS]" text in UTC.
 * @param {unknown} value @returns {number}
 */
export function millisOf(value) {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  if (typeof value === "string") {
    const iso = /^\d{4}-\d{2}-\d{2} /.test(value) && !/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? `${value.replace(" ", "T")}Z` : value;
    return new Date(iso).getTime();
  }
  return Number.NaN;
}

/** The database's kind of client, to compare Directus's own timestamps in its own terms. @param {any} database */
const isSqlite = (database) => /sqlite/.test(String(database?.client?.config?.client ?? ""));

/**
 * directus_activity.timestamp as milliseconds, to compare with the cursor's: Directus 11 on SQLite
 * writes epoch milliseconds (an integer), while a row from SQLite's CURRENT_TIMESTAMP default is
 * text, so both are brought to milliseconds there; PostgreSQL keeps microseconds, so the column is
 * cut to milliseconds (the cursor's precision) and compared with a Date.
 * @param {any} database
 */
function activityTime(database) {
  if (isSqlite(database)) {
    const expression = "(CASE WHEN typeof(??) IN ('integer', 'real') THEN ?? ELSE CAST(strftime('%s', ??) AS INTEGER) * 1000 END)";
    const columns = ["directus_activity.timestamp", "directus_activity.timestamp", "directus_activity.timestamp"];
    return { column: database.raw(expression, columns), order: database.raw(`${expression} desc`, columns), param: (/** @type {number} */ ms) => ms };
  }
  return {
    column: database.raw("date_trunc('milliseconds', ??)", ["directus_activity.timestamp"]),
    order: database.raw("date_trunc('milliseconds', ??) desc", ["directus_activity.timestamp"]),
    param: (/** @type {number} */ ms) => new Date(ms),
  };
}

/**
 * Narrows a query to the rows of source `src` that can still hold events after `cursor`.
 * @param {any} query @param {"e" | "a"} src @param {Position | null} cursor @param {any} atColumn @param {(ms: number) => unknown} param @param {string} idColumn
 */
function after(query, src, cursor, atColumn, param, idColumn) {
  if (!cursor) return query;
  if (RANK[src] > RANK[cursor.src]) return query.where(atColumn, "<", param(cursor.at));
  if (RANK[src] < RANK[cursor.src]) return query.where(atColumn, "<=", param(cursor.at));
  return query.where((/** @type {any} */ q) => q.where(atColumn, "<", param(cursor.at)).orWhere((/** @type {any} */ q2) => q2.where(atColumn, "=", param(cursor.at)).andWhere(idColumn, "<=", cursor.id)));
}

/** @param {unknown} delta @returns {Record<string, unknown> | null} */
function deltaOf(delta) {
  if (delta && typeof delta === "object") return /** @type {Record<string, unknown>} */ (delta);
  if (typeof delta !== "string") return null;
  try {
    const parsed = JSON.parse(delta);
    return parsed && typeof parsed === "object" ? parsed : null;
  } catch {
    return null;
  }
}

/** Bookkeeping Directus writes on the user's row that is no change of the account. */
const NOT_A_CHANGE = new Set(["last_page", "last_access"]);

/**
 * The kinds an update of the account's row means, from its delta's key names (in a fixed order).
 * @param {unknown} rawDelta @returns {string[]}
 */
export function kindsOfUpdate(rawDelta) {
  const delta = deltaOf(rawDelta);
  if (!delta) return ["profile-changed"];
  const keys = Object.keys(delta);
  /** @type {string[]} */
  const kinds = [];
  if (keys.includes("password")) kinds.push("password-changed");
  if (keys.includes("email")) kinds.push("email-changed");
  if (keys.includes("tfa_secret")) kinds.push(delta["tfa_secret"] === null || delta["tfa_secret"] === "" ? "two-factor-off" : "two-factor-on");
  if (keys.includes("status")) kinds.push(delta["status"] === "active" ? "account-activated" : "account-suspended");
  const known = new Set(["password", "email", "tfa_secret", "status"]);
  if (keys.some((key) => !known.has(key) && !NOT_A_CHANGE.has(key))) kinds.push("profile-changed");
  return kinds;
}

/**
 * One page of the account's activity, newest first.
 * @param {{ database: any, now?: () => number }} context
 * @param {string} userId
 * @param {{ before?: string | null, limit?: number }} [options] `before`: a cursor this reader gave; `limit` at most PAGE_SIZE
 * @returns {Promise<{ data: ActivityEvent[], next: string | null }>}
 */
export async function readActivity({ database, now = Date.now }, userId, { before: beforeCursor = null, limit = PAGE_SIZE } = {}) {
  const cursor = beforeCursor === null || beforeCursor === undefined ? null : parseCursor(beforeCursor);
  const size = Math.max(1, Math.min(PAGE_SIZE, Math.floor(Number(limit)) || PAGE_SIZE));
  const since = now() - WINDOW_MS;
  const fetch = size + 2;

  /** @type {{ position: Position, event: ActivityEvent }[]} */
  const found = [];

  if (await database.schema.hasTable(EVENTS)) {
    const rows = await after(
      database(EVENTS).select("id", "at", "kind", "method", "ip", "user_agent", "count").where({ user_id: userId }).andWhere("at", ">=", since),
      "e",
      cursor,
      "at",
      (ms) => ms,
      "id",
    )
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .limit(fetch);
    for (const row of rows) {
      const at = millisOf(row.at);
      /** @type {ActivityEvent} */
      const event = { id: `e:${row.id}`, at: new Date(at).toISOString(), kind: row.kind, count: Math.max(1, Number(row.count) || 1), ip: row.ip ?? null, user_agent: row.user_agent ?? null, by: "you" };
      if (row.kind === "signed-in") event.method = row.method ?? null;
      found.push({ position: { at, src: "e", id: Number(row.id), part: 0 }, event: orderedEvent(event) });
    }
  }

  const time = activityTime(database);
  const rows = await after(
    database("directus_activity")
      .select({ id: "directus_activity.id", at: "directus_activity.timestamp", user: "directus_activity.user", ip: "directus_activity.ip", user_agent: "directus_activity.user_agent", delta: "directus_revisions.delta" })
      .leftJoin("directus_revisions", (/** @type {any} */ join) => join.on("directus_revisions.activity", "=", "directus_activity.id").andOn("directus_revisions.item", "=", "directus_activity.item"))
      .where({ "directus_activity.collection": "directus_users", "directus_activity.item": userId, "directus_activity.action": "update" })
      .andWhere(time.column, ">=", time.param(since)),
    "a",
    cursor,
    time.column,
    time.param,
    "directus_activity.id",
  )
    .orderByRaw(time.order)
    .orderBy("directus_activity.id", "desc")
    .limit(fetch);
  for (const row of rows) {
    const at = millisOf(row.at);
    const by = row.user === null || row.user === undefined || row.user === userId ? "you" : "administrator";
    kindsOfUpdate(row.delta).forEach((kind, part) => {
      found.push({
        position: { at, src: "a", id: Number(row.id), part },
        event: orderedEvent({ id: `a:${row.id}:${part}`, at: new Date(at).toISOString(), kind, count: 1, ip: row.ip ?? null, user_agent: row.user_agent ?? null, by }),
      });
    });
  }

  const ordered = found.filter(({ position }) => !cursor || before(cursor, position)).sort((x, y) => (before(x.position, y.position) ? -1 : 1));
  const page = ordered.slice(0, size);
  const last = page.at(-1);
  return { data: page.map(({ event }) => event), next: ordered.length > size && last ? cursorOf(last.position) : null };
}

/** The API's key order, the same for every event. @param {ActivityEvent} e @returns {ActivityEvent} */
function orderedEvent(e) {
  /** @type {ActivityEvent} */
  const out = { id: e.id, at: e.at, kind: e.kind, count: e.count, ip: e.ip, user_agent: e.user_agent, by: e.by };
  return "method" in e ? { id: e.id, at: e.at, kind: e.kind, method: e.method, count: e.count, ip: e.ip, user_agent: e.user_agent, by: e.by } : out;
}
