// The comparison behind docs/decisions/024: a session a passkey started (the account-sign-in
// extension's session-start.js) against one Directus's own password login started for the same user,
// claim by claim and row by row. Used on SQLite (tests/integration/passkey-session.test.ts) and on
// PostgreSQL (the cluster), each with a knex on that Directus's database (directusDatabase below).
// An upgrade of Directus that changes what a login leaves behind fails here.
import { createRequire } from "node:module";
import { expect } from "vitest";
import { directusBin } from "../../scripts/lib/runtime.mjs";

type Row = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Knex = any;

/** A knex from Directus's own dependencies (knex, sqlite3, pg), on the database a Directus uses. */
export function directusKnex(connection: { client: "sqlite3"; filename: string } | { client: "pg"; connection: Record<string, unknown> }): Knex {
  const knex = createRequire(directusBin)("knex");
  return connection.client === "sqlite3"
    ? knex({ client: "sqlite3", connection: { filename: connection.filename }, useNullAsDefault: true })
    : knex({ client: "pg", connection: connection.connection });
}

/** The claims of a session-mode token, unverified (Directus accepting it is what verifies it). */
export function claimsOf(token: string): Row {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
}

/** What one sign-in left behind, read right after it. */
export interface SignInTrace {
  /** The session-mode token (the cookie's value). */
  token: string;
  /** The Set-Cookie line Directus answered with. */
  setCookie: string;
  /** The answer's body. */
  body: unknown;
  /** When the sign-in was asked for and answered (ms). */
  startedAt: number;
  endedAt: number;
  /** Its directus_sessions row. */
  session: Row;
  /** The login activity rows it added. */
  activity: Row[];
  /** The user's last_access after it (ms). */
  lastAccess: number;
}

const toMs = (value: unknown): number => (value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(String(value).replace(" ", "T") + (/[zZ]|[+-]\d\d:?\d\d$/.test(String(value)) ? "" : "Z")));

/** The highest directus_activity id now: what a sign-in adds comes after it. */
export async function lastActivityId(db: Knex): Promise<number> {
  const row = await db("directus_activity").max({ id: "id" }).first();
  return Number(row?.id ?? 0);
}

/**
 * The session row once the sign-in's actions have run: Directus emits `auth.login` without awaiting
 * its hooks (account-sessions' expiry hook sets the row's expiry there), so the row is read until
 * it stays the same for a moment.
 */
async function settledSessionRow(db: Knex, token: string): Promise<Row> {
  let last = "";
  for (let attempt = 0; attempt < 30; attempt++) {
    const row = await db("directus_sessions").where({ token }).first();
    if (!row) throw new Error("no directus_sessions row for the token's session claim");
    const seen = JSON.stringify(row);
    if (seen === last) return row;
    last = seen;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error("the session row kept changing");
}

/** Reads what a sign-in left behind; `before` is lastActivityId from before it. */
export async function traceSignIn(
  db: Knex,
  userId: string,
  answer: { token: string; setCookie: string; body: unknown; startedAt: number; endedAt: number },
  before: number,
): Promise<SignInTrace> {
  const session = await settledSessionRow(db, String(claimsOf(answer.token)["session"]));
  const activity = await db("directus_activity").where("id", ">", before).andWhere({ user: userId, action: "login" }).orderBy("id");
  const user = await db("directus_users").select("last_access").where({ id: userId }).first();
  return { ...answer, session, activity, lastAccess: toMs(user?.last_access) };
}

/** The Set-Cookie line without its value and its Expires date (both differ by nature). */
export function cookieShape(setCookie: string): string[] {
  const [nameValue = "", ...attributes] = setCookie.split(";").map((part) => part.trim());
  return [nameValue.split("=")[0] ?? "", ...attributes.filter((a) => !/^expires=/i.test(a)).map((a) => a.toLowerCase())].sort();
}

/**
 * Fails unless the passkey's sign-in is the password login's twin: the same cookie and answer, the
 * same claims but the session id and the times (and the same lifetime), the same session row but
 * its token and expiry (whose lifetime is the same), one login activity each alike but for id and
 * time, and last_access moved to each sign-in's time.
 */
export function expectSameSession(password: SignInTrace, passkey: SignInTrace): void {
  expect(cookieShape(passkey.setCookie)).toEqual(cookieShape(password.setCookie));
  expect(passkey.body).toEqual(password.body);

  const claims = (trace: SignInTrace) => {
    const { session, iat, exp, ...rest } = claimsOf(trace.token);
    expect(typeof session).toBe("string");
    expect((session as string).length).toBe(64);
    return { rest, lifetime: Number(exp) - Number(iat) };
  };
  expect(claims(passkey)).toEqual(claims(password));
  expect(Object.keys(claimsOf(passkey.token)).sort()).toEqual(Object.keys(claimsOf(password.token)).sort());

  const row = ({ session }: SignInTrace) => {
    const { token, expires, ...rest } = session;
    expect(String(token).length).toBe(64);
    return rest;
  };
  expect(row(passkey)).toEqual(row(password));
  expect(Object.keys(passkey.session).sort()).toEqual(Object.keys(password.session).sort());
  // The row's lifetime, counted from the sign-in: equal within the time each call took.
  const lifetime = (trace: SignInTrace) => toMs(trace.session["expires"]) - trace.startedAt;
  const slack = password.endedAt - password.startedAt + (passkey.endedAt - passkey.startedAt) + 2_000;
  expect(Math.abs(lifetime(passkey) - lifetime(password))).toBeLessThanOrEqual(slack);

  expect(passkey.activity).toHaveLength(1);
  expect(password.activity).toHaveLength(1);
  const activity = (trace: SignInTrace) => {
    const { id, timestamp, ...rest } = trace.activity[0] ?? {};
    expect(id).toBeDefined();
    expect(timestamp).toBeDefined();
    return rest;
  };
  expect(activity(passkey)).toEqual(activity(password));

  for (const trace of [password, passkey]) {
    // last_access is written in whole seconds on some databases.
    expect(trace.lastAccess).toBeGreaterThanOrEqual(Math.floor(trace.startedAt / 1000) * 1000);
    expect(trace.lastAccess).toBeLessThanOrEqual(trace.endedAt + 1_000);
  }
}

/**
 * POSTs JSON to Directus as the app calls it for a visitor: their browser's User-Agent, IP and origin
 * forwarded, so the session row and the activity carry them. Returns the answer and the session cookie it set.
 */
export function browserPoster(origin: string, ip: string) {
  const headers = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "X-Forwarded-For": ip,
    Origin: origin,
    "Content-Type": "application/json",
  };
  const post = async (url: string, body: unknown) => {
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
    const text = await response.text();
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith("directus_session_token=")) ?? "";
    return { status: response.status, body: text ? JSON.parse(text) : null, setCookie, token: setCookie.split(";")[0]!.split("=")[1] ?? "" };
  };
  return { headers, post };
}
