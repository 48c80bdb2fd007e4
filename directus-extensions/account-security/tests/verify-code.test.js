// The check of the signed-in user's own two-factor code, with fakes of what Directus hands an
// extension (knex over a table of users, TFAService, the clock).
import { authenticator } from "otplib";
import { describe, expect, it } from "vitest";
import endpoint from "../endpoint.js";
import { CODE_CHECKS_PER_WINDOW, CODE_WINDOW_SECONDS, verifyCode } from "../verify-code.js";
import { callRoute } from "./route-call.js";

const SECRET = authenticator.generateSecret();
const START = Date.UTC(2026, 0, 1);

function harness(users = [
  { id: "u-1", tfa_secret: SECRET },
  { id: "u-2", tfa_secret: null },
]) {
  /** @type {Record<string, Function>} */
  const routes = {};
  const clock = { now: START };
  /** @type {Array<[string, string]>} */
  const checked = [];
  verifyCode(
    { post: (/** @type {string} */ path, /** @type {Function} */ fn) => (routes[path] = fn) },
    /** @type {any} */ ({
      database: (/** @type {string} */ table) => ({
        select: () => ({ where: (/** @type {{ id: string }} */ { id }) => ({ first: async () => (table === "directus_users" ? users.find((u) => u.id === id) : undefined) }) }),
      }),
      getSchema: async () => ({}),
      // Directus's own check, as TFAService.verifyOTP does it: the user's secret, otplib's authenticator.
      services: {
        TFAService: class {
          async verifyOTP(/** @type {string} */ key, /** @type {string} */ otp) {
            checked.push([key, otp]);
            return authenticator.check(otp, users.find((u) => u.id === key)?.tfa_secret ?? "");
          }
        },
      },
      now: () => clock.now,
    }),
  );
  /** @param {unknown} body @param {string | null} [user] */
  const call = (body, user = "u-1") => callRoute(routes, "/verify-code", { body, accountability: user ? { user } : null });
  const wrong = () => String((Number(authenticator.generate(SECRET)) + 1) % 1_000_000).padStart(6, "0");
  return { call, clock, checked, wrong };
}

describe("POST /verify-code", () => {
  it("is one of the /account-security endpoint's routes", () => {
    /** @type {string[]} */
    const paths = [];
    endpoint.handler({ post: (/** @type {string} */ path) => paths.push(path) }, /** @type {any} */ ({ env: {}, database: () => ({}), logger: {}, send: async () => {} }));
    expect(paths).toContain("/verify-code");
  });

  it("answers 204 for the signed-in user's current code, 400 INVALID_OTP for another", async () => {
    const { call, wrong } = harness();
    expect((await call({ otp: authenticator.generate(SECRET) })).status).toBe(204);
    const refused = await call({ otp: wrong() });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions.code).toBe("INVALID_OTP");
  });

  it("refuses anonymous callers, and checks nothing for them", async () => {
    const { call, checked } = harness();
    const refused = await call({ otp: authenticator.generate(SECRET) }, null);
    expect(refused.status).toBe(401);
    expect(checked).toEqual([]);
  });

  it("refuses anything but six digits before checking", async () => {
    const { call, checked } = harness();
    for (const otp of ["12345", "1234567", "12345a", " 123456", 123456, "1".repeat(5000)]) expect((await call({ otp })).status).toBe(400);
    expect((await call(null)).status).toBe(400);
    expect(checked).toEqual([]);
  });

  it("answers 409 for a user without two-factor", async () => {
    const { call, checked } = harness();
    const refused = await call({ otp: "123456" }, "u-2");
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].extensions.code).toBe("TFA_NOT_ENABLED");
    expect(checked).toEqual([]);
  });

  it("bounds the checks per user: beyond CODE_CHECKS_PER_WINDOW, even the right code is refused until the window ends", async () => {
    const { call, clock, checked, wrong } = harness([
      { id: "u-1", tfa_secret: SECRET },
      { id: "u-3", tfa_secret: SECRET },
    ]);
    for (let i = 0; i < CODE_CHECKS_PER_WINDOW; i++) expect((await call({ otp: wrong() })).status).toBe(400);
    expect((await call({ otp: authenticator.generate(SECRET) })).status).toBe(429);
    expect(checked).toHaveLength(CODE_CHECKS_PER_WINDOW);
    // Another user is not held back by this one's count.
    expect((await call({ otp: authenticator.generate(SECRET) }, "u-3")).status).toBe(204);
    clock.now += CODE_WINDOW_SECONDS * 1000;
    expect((await call({ otp: authenticator.generate(SECRET) })).status).toBe(204);
  });
});
