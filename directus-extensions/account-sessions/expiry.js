// Hook: a sign-in's session row ends with its session token.
//
// Directus 11.17.4 writes a sign-in's row with REFRESH_TOKEN_TTL (7 days by default) even in session
// mode, where the session token it hands out lasts SESSION_COOKIE_TTL (1 day) and a renewal needs
// that token unexpired. So a sign-in never renewed leaves a row that no one can use any more, for
// days: a "session" the list would show. Renewals write rows with SESSION_COOKIE_TTL already.
//
// `auth.jwt` (before the row is written) is the one place that sees a session-mode sign-in's token
// (its `session` claim); `auth.login` with status "success" runs once the row is written. Between the
// two the token waits here (per process: both run in the request that signs in). The cut is only
// ever shorter than Directus's own expiry, and JSON-mode sign-ins (no `session` claim) are untouched.
import { lifetimesFrom, signInExpiry } from "./rules.js";

/** Tokens waiting for their row: bounded, and forgotten after a minute (a sign-in that failed after `auth.jwt`). */
const MAX_WAITING = 1000;
const WAIT_MS = 60_000;

/**
 * @param {{ filter: Function, action: Function }} events
 * @param {{ env: Record<string, unknown>, database: (table: string) => any, logger: { error: Function } }} context
 */
export default function expiry({ filter, action }, { env, database, logger }) {
  const lifetimes = lifetimesFrom(env);
  if (lifetimes.refreshMs <= lifetimes.sessionMs) return;
  /** @type {Map<string, number>} session token → signed in at */
  const waiting = new Map();

  filter("auth.jwt", (/** @type {Record<string, unknown>} */ payload, /** @type {{ type?: string }} */ meta) => {
    if (meta?.type === "login" && typeof payload?.["session"] === "string") {
      if (waiting.size >= MAX_WAITING) waiting.delete(/** @type {string} */ (waiting.keys().next().value));
      waiting.set(payload["session"], Date.now());
    }
    return payload;
  });

  action("auth.login", async (/** @type {{ status?: string }} */ event) => {
    if (event?.status !== "success") return;
    for (const [token, signedInAt] of [...waiting]) {
      try {
        const cut = await database("directus_sessions")
          .where({ token, next_token: null })
          .update({ expires: new Date(signInExpiry(signedInAt, lifetimes)) });
        // A row not written yet belongs to a sign-in still under way, whose own action comes later.
        if (Number(cut) > 0 || Date.now() - signedInAt > WAIT_MS) waiting.delete(token);
      } catch (error) {
        waiting.delete(token);
        logger.error(error, "account-sessions: could not set a sign-in's session expiry");
      }
    }
  });
}
