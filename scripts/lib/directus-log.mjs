// What `npm run directus` (and so `npm run dev`) relays of Directus's own log.

const RESET_REFUSAL_MESSAGE = "[email] DirectusError [FORBIDDEN]: You don't have permission to access this.";

/**
 * True for the warning, with its stack, that Directus logs when it refuses a password-reset request
 * for an address without an active password account. Nothing is wrong there: Directus answers such a
 * request as if it had mailed, so nobody learns which addresses have accounts. Provisioning asks
 * exactly that on every start to check PASSWORD_RESET_URL_ALLOW_LIST (scripts/lib/provision.mjs), and
 * a newcomer read the FORBIDDEN as a failure. Only this line: any other warning or error still shows.
 * @param {string} line one line of Directus's JSON log
 */
export function isExpectedResetRefusal(line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return false;
  }
  return (
    entry?.level === 40 &&
    entry.msg === RESET_REFUSAL_MESSAGE &&
    entry.err?.code === "FORBIDDEN" &&
    typeof entry.err.stack === "string" &&
    entry.err.stack.includes("at UsersService.requestPasswordReset ")
  );
}
