// Endpoint /account-sessions: the signed-in user's own Directus sessions (session mode's rows in
// directus_sessions), which Directus offers no API for (its /items refuses system collections).
//
// GET    /account-sessions              200 { data: [{ id, current, last_active, expires, ip, user_agent }] }
// DELETE /account-sessions/:id          200 { data: { current, user_agent } }: the session it ended (a handle
//                                        shown before a renewal still names it); 404 for any other handle
// POST   /account-sessions/end-others   200 { data: { ended } }: every session of the caller but the one calling
//
// Only the caller's own sessions, whoever the caller is (an administrator too: no parameter names a
// user); 401 without a signed-in user. `id` is an HMAC of the session token (rules.js), never the
// token; a handle of another user's session is answered exactly as an unknown one. Everything is read
// from the database on each call, so any number of Directus instances sharing it (and SECRET) agree.
import { LIMITS, currentChain, handleKey, isHandle, lifetimesFrom, liveSessions, publicSession, resolveHandle } from "./rules.js";

/**
 * @typedef {{ status: (code: number) => Response, json: (body: unknown) => void, end: () => void }} Response
 * @typedef {{ params?: Record<string, string>, accountability?: { user?: string | null, session?: string | null, ip?: string | null, userAgent?: string | null } | null }} Request
 * @typedef {import("./rules.js").SessionRow} SessionRow
 */

/** Directus's error shape, so clients read these answers as they read Directus's own. @param {Response} res @param {number} status @param {string} code @param {string} message */
function fail(res, status, code, message) {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/**
 * @param {{ get: Function, delete: Function, post: Function }} router
 * @param {{ env: Record<string, unknown>, database: (table: string) => any, emitter?: { emitAction: Function }, logger?: { error: Function }, now?: () => number }} context
 *   `emitter`: the extensions' shared one; `now` replaces the clock in tests
 */
function handler(router, context) {
  const { env, database } = context;
  const now = context.now ?? Date.now;
  const lifetimes = lifetimesFrom(env);
  const key = handleKey(env["SECRET"]);

  /**
   * Tells the account's activity (the account-ownership extension records it; docs/decisions/027) on
   * the extensions' shared emitter; nothing listens when that extension is absent, and a failure
   * never fails the request. @param {string} user @param {string} kind @param {Request} req
   */
  const report = (user, kind, req) => {
    try {
      context.emitter?.emitAction("account-ownership.event", { user, kind, ip: req.accountability?.ip ?? null, user_agent: req.accountability?.userAgent ?? null });
    } catch (error) {
      context.logger?.error(error, "account-sessions: could not report an account event");
    }
  };

  /** The caller's unexpired rows, newest first; bounded, so a user with very many rows costs no more. @param {string} userId @returns {Promise<SessionRow[]>} */
  const rowsOf = (userId) =>
    database("directus_sessions")
      .select("token", "expires", "ip", "user_agent", "next_token")
      .where({ user: userId })
      .andWhere("expires", ">", new Date(now()))
      .orderBy("expires", "desc")
      .limit(LIMITS.rows);

  /**
   * A route for signed-in callers only: the handler gets the caller; anonymous callers get 401 and
   * anything thrown goes to Directus's error handler.
   * @param {string} refusal what an anonymous caller is told
   * @param {(me: { user: string, session: string | null }, req: Request, res: Response) => Promise<void>} respond
   */
  const signedIn = (refusal, respond) => async (/** @type {Request} */ req, /** @type {Response} */ res, /** @type {Function} */ next) => {
    try {
      const user = req.accountability?.user;
      if (!user) return fail(res, 401, "INVALID_CREDENTIALS", refusal);
      await respond({ user, session: req.accountability?.session ?? null }, req, res);
    } catch (error) {
      next(error);
    }
  };

  router.get(
    "/",
    signedIn("Sign in to see your sessions.", async (me, _req, res) => {
      const sessions = liveSessions(await rowsOf(me.user), { now: now(), lifetimes, session: me.session });
      res.status(200).json({ data: sessions.map((session) => publicSession(session, key)) });
    }),
  );

  router.post(
    "/end-others",
    signedIn("Sign in to end your sessions.", async (me, req, res) => {
      const rows = await rowsOf(me.user);
      // Counted as sessions, not rows (a renewal's old row and a dead sign-in's are no session).
      const ended = liveSessions(rows, { now: now(), lifetimes, session: me.session }).filter((session) => !session.current).length;
      // The caller's own session is kept with the rows of its renewal (old and new token); a caller
      // without one (a static token, a JSON-mode access token) keeps none.
      const kept = [...currentChain(rows, me.session)];
      const query = database("directus_sessions").where({ user: me.user });
      await (kept.length > 0 ? query.whereNotIn("token", kept) : query).delete();
      if (ended > 0) report(me.user, "other-sessions-ended", req);
      res.status(200).json({ data: { ended } });
    }),
  );

  router.delete(
    "/:id",
    signedIn("Sign in to end your sessions.", async (me, req, res) => {
      const id = req.params?.["id"];
      const notFound = () => fail(res, 404, "NOT_FOUND", "There is no such session.");
      if (!isHandle(id)) return notFound();
      const found = resolveHandle(await rowsOf(me.user), id, key, { now: now(), lifetimes, session: me.session });
      if (!found) return notFound();
      // With the renewed session's old row, whose token still works for the renewal's grace period.
      await database("directus_sessions").where({ user: me.user }).whereIn("token", found.tokens).delete();
      report(me.user, "session-ended", req);
      // Whether it was the caller's own (then the caller is signed out), and what it was, for the caller to say so.
      res.status(200).json({ data: { current: found.session.current, user_agent: found.session.userAgent } });
    }),
  );
}

export default { id: "account-sessions", handler };
