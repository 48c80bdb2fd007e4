// Hook: what fills the events table (events.js), and its guard.
// - `auth.login` (action): every sign-in goes through it (a password, an identity provider, the
//   admin app, and account-sign-in's startSession for a passkey or a recovery code). A success is
//   `signed-in` with how; a failure for a known account is a counted `sign-in-failed` (an unknown
//   address has no account to tell). The payload (what was typed) is never read.
// - `account-ownership.event` on the extensions' shared emitter (Directus hands every extension the
//   same one per process): what account-sign-in and account-sessions report. An extension that is
//   absent reports nothing; an unknown kind is ignored.
// - `users.delete` (action): a deleted account's events go with it, wherever it was deleted.
// - the table is refused to REST and GraphQL, an administrator included (account-sign-in's guard).
// A failure to record is logged and never fails the sign-in or the request that caused it.
import { refuseOverRest } from "../account-sign-in/table-guard.js";
import { EVENTS, REPORTED_KINDS, eventStore } from "./events.js";

/** The marker account-sign-in's startSession sets on its auth.login for a recovery code (its provider is the account's). */
export const RECOVERY_CODE = "recovery-code";

/**
 * How a successful sign-in went: its auth provider, or the recovery-code marker.
 * @param {{ provider?: unknown, method?: unknown }} meta @returns {string | null}
 */
export function methodOf(meta) {
  if (meta.method === RECOVERY_CODE) return RECOVERY_CODE;
  if (typeof meta.provider !== "string" || meta.provider === "") return null;
  if (meta.provider === "default") return "password";
  if (meta.provider === "passkey") return "passkey";
  return `provider:${meta.provider}`;
}

/** @param {unknown} id */
const isUserId = (id) => typeof id === "string" && id.length > 0 && id.length <= 36;

/**
 * @param {{ filter: Function, action: Function }} events
 * @param {{ database: any, emitter: { onAction: Function }, logger: { error: Function }, now?: () => number }} context `now` replaces the clock in tests
 */
export default function eventHooks({ filter, action }, context) {
  const { database, emitter, logger } = context;
  const store = eventStore(database, context.now);

  refuseOverRest(filter, [EVENTS]);

  /** @param {Promise<unknown>} work */
  const logged = async (work) => {
    try {
      await work;
    } catch (error) {
      logger.error(error, "account-ownership: could not record an account event");
    }
  };

  action("auth.login", (/** @type {any} */ meta, /** @type {any} */ eventContext) => {
    if (!meta || !isUserId(meta.user)) return;
    const ip = eventContext?.accountability?.ip ?? null;
    const userAgent = eventContext?.accountability?.userAgent ?? null;
    if (meta.status === "success") return logged(store.record({ user: meta.user, kind: "signed-in", method: methodOf(meta), ip, userAgent }));
    if (meta.status === "fail") return logged(store.recordFailure({ user: meta.user, ip, userAgent }));
  });

  // An account deleted anywhere (the admin app too) takes its events with it.
  action("users.delete", async (/** @type {{ keys?: unknown[] }} */ meta) => {
    const ids = Array.isArray(meta?.keys) ? meta.keys.filter(isUserId) : [];
    if (ids.length === 0) return;
    await logged(
      (async () => {
        await store.ensure();
        await database(EVENTS).whereIn("user_id", ids).delete();
      })(),
    );
  });

  emitter.onAction("account-ownership.event", (/** @type {any} */ meta) => {
    if (!meta || !isUserId(meta.user) || !REPORTED_KINDS.includes(meta.kind)) return;
    return logged(store.record({ user: meta.user, kind: meta.kind, ip: meta.ip ?? null, userAgent: meta.user_agent ?? null }));
  });
}
