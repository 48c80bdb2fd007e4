// What `npm run directus` (and so `npm run dev`) leaves out of Directus's log: only the warning Directus
// 11.17.4 writes for a password-reset request to an address without an account, which is no failure.
import { describe, expect, it } from "vitest";
import { isExpectedResetRefusal } from "../../scripts/lib/directus-log.mjs";

const DIST = "file:///srv/directus/node_modules/@directus/api/dist";
/** A line of Directus's log (LOG_STYLE=raw) as 11.17.4 writes it, with `changes` merged into the entry. */
function logLine(changes: { level?: number; msg?: string; err?: Record<string, unknown> } = {}) {
  const err = {
    type: "",
    message: "You don't have permission to access this.",
    stack: `DirectusError: You don't have permission to access this.\n    at UsersService.requestPasswordReset (${DIST}/services/users.js:351:10)\n    at async ${DIST}/controllers/auth.js:123:3`,
    name: "DirectusError",
    code: "FORBIDDEN",
    status: 403,
  };
  return JSON.stringify({
    level: changes.level ?? 40,
    time: 1796583877546,
    pid: 19743,
    hostname: "vm",
    err: { ...err, ...changes.err },
    msg: changes.msg ?? "[email] DirectusError [FORBIDDEN]: You don't have permission to access this.",
  });
}

describe("isExpectedResetRefusal", () => {
  it("is true for Directus's warning about a reset request for an address without an account", () => {
    expect(isExpectedResetRefusal(logLine())).toBe(true);
  });

  it("is false for every other line", () => {
    const forbiddenElsewhere = `DirectusError: You don't have permission to access this.\n    at ItemsService.readOne (${DIST}/services/items.js:1:1)`;
    for (const line of [
      logLine({ level: 50 }),
      logLine({ err: { stack: forbiddenElsewhere } }),
      logLine({ err: { code: "INVALID_PAYLOAD" } }),
      logLine({ msg: "Could not send password reset mail" }),
      JSON.stringify({ level: 40, time: 1, msg: "Spatialite isn't installed. Geometry type support will be limited." }),
      "[email] DirectusError [FORBIDDEN]: You don't have permission to access this.",
      "null",
      "",
    ]) {
      expect(isExpectedResetRefusal(line), line).toBe(false);
    }
  });
});
