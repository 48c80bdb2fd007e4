import { describe, expect, it } from "vitest";
import endpoint from "../endpoint.js";
import { PER_USER_TABLES, lastNotice } from "../delete-account.js";
import { fakeDirectus } from "./fake-directus.js";

const ME = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";

/** Two accounts, each with posts, a session, a passkey and a pending email change. */
function twoAccounts() {
  return {
    users: { [ME]: { email: "me@example.com" }, [OTHER]: { email: "other@example.com" } },
    posts: [
      { id: 1, user_created: ME },
      { id: 2, user_created: OTHER },
      { id: 3, user_created: ME },
    ],
    sessions: [{ user: ME }, { user: ME }, { user: OTHER }],
    tables: {
      account_sign_in_passkeys: [{ user_id: ME }, { user_id: OTHER }],
      account_security_email_changes: [{ user_id: ME }],
      identity_provider_code_points: [{ user: ME }, { user: OTHER }],
    },
  };
}

/** Registers the endpoint on a stand-in router and calls DELETE /account as Express would. */
async function callDelete(/** @type {any} */ context, /** @type {any} */ accountability) {
  /** @type {Record<string, Function>} */
  const routes = {};
  endpoint.handler(
    {
      delete: (/** @type {string} */ path, /** @type {Function} */ fn) => (routes[`DELETE ${path}`] = fn),
      get: (/** @type {string} */ path, /** @type {Function} */ fn) => (routes[`GET ${path}`] = fn),
    },
    context,
  );
  const answer = { status: 0, body: /** @type {any} */ (undefined), error: /** @type {any} */ (undefined) };
  const res = {
    status(/** @type {number} */ code) {
      answer.status = code;
      return res;
    },
    json(/** @type {unknown} */ value) {
      answer.body = value;
    },
    end() {},
  };
  const route = routes["DELETE /account"];
  if (!route) throw new Error("no DELETE /account route");
  await route({ accountability, body: {} }, res, (/** @type {unknown} */ error) => (answer.error = error));
  // The notice is sent after the answer; let it run.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return answer;
}

const signedIn = (/** @type {string} */ user) => ({ user, role: "registered-role", admin: false, app: false, session: "token" });

describe("DELETE /account-ownership/account", () => {
  it("refuses an anonymous caller and deletes nothing", async () => {
    const { world, context } = fakeDirectus(twoAccounts());
    const answer = await callDelete(context, { user: null, role: null, admin: false });
    expect(answer.status).toBe(401);
    expect(answer.body.errors[0].extensions.code).toBe("INVALID_CREDENTIALS");
    expect(world.state).toEqual(twoAccounts());
    expect(world.mails).toEqual([]);
  });

  it("deletes the caller's posts, then the user, in one transaction, then mails the notice", async () => {
    const { world, context } = fakeDirectus(twoAccounts());
    const answer = await callDelete(context, signedIn(ME));
    expect(answer.status).toBe(204);
    expect(answer.error).toBeUndefined();
    const commit = world.log.indexOf("commit");
    expect(world.log.slice(0, commit)).toEqual([
      "posts",
      ...["account_sign_in_passkeys", "account_security_email_changes", "identity_provider_code_points"].map((t) => `table:${t}`),
      "user",
    ]);
    expect(world.log.slice(commit)).toEqual(["commit", "mail"]);
    expect(world.committed).toBe(1);
    // The caller's everything is gone; the other account is untouched.
    expect(world.state.users).toEqual({ [OTHER]: { email: "other@example.com" } });
    expect(world.state.posts).toEqual([{ id: 2, user_created: OTHER }]);
    expect(world.state.sessions).toEqual([{ user: OTHER }]);
    expect(world.state.tables).toEqual({
      account_sign_in_passkeys: [{ user_id: OTHER }],
      account_security_email_changes: [],
      identity_provider_code_points: [{ user: OTHER }],
    });
    expect(world.mails).toHaveLength(1);
    expect(world.mails[0].to).toBe("me@example.com");
    expect(world.mails[0].subject).toBe(lastNotice("me@example.com").subject);
  });

  for (const failAt of ["posts", "table:account_sign_in_passkeys", "user"]) {
    it(`leaves everything as it was when the database fails at ${failAt}, and the same request again finishes the job`, async () => {
      const { world, context } = fakeDirectus(twoAccounts(), { failAt });
      const failed = await callDelete(context, signedIn(ME));
      expect(failed.status).toBe(0);
      expect(failed.error).toBeInstanceOf(Error);
      expect(world.state).toEqual(twoAccounts());
      expect(world.mails).toEqual([]);

      world.failAt = undefined;
      const retried = await callDelete(context, signedIn(ME));
      expect(retried.status).toBe(204);
      expect(Object.keys(world.state.users)).toEqual([OTHER]);
      expect(world.state.posts).toEqual([{ id: 2, user_created: OTHER }]);
      expect(world.mails.map((mail) => mail.to)).toEqual(["me@example.com"]);
    });
  }

  it("answers 204 and mails nothing when the account is already gone (a retry after a lost answer)", async () => {
    const state = twoAccounts();
    delete (/** @type {Record<string, unknown>} */ (state.users))[ME];
    const { world, context } = fakeDirectus(state);
    const answer = await callDelete(context, signedIn(ME));
    expect(answer.status).toBe(204);
    expect(world.mails).toEqual([]);
    expect(Object.keys(world.state.users)).toEqual([OTHER]);
  });

  it("refuses an administrator's account (403 ADMIN_ACCOUNT) and deletes nothing", async () => {
    const { world, context } = fakeDirectus(twoAccounts());
    const answer = await callDelete(context, { ...signedIn(ME), admin: true });
    expect(answer.status).toBe(403);
    expect(answer.body.errors[0].extensions.code).toBe("ADMIN_ACCOUNT");
    expect(world.state).toEqual(twoAccounts());
    expect(world.mails).toEqual([]);
  });

  it("still answers 204 when the notice cannot be sent (the account is gone either way)", async () => {
    const { world, context } = fakeDirectus(twoAccounts());
    context.services.MailService = class {
      async send() {
        throw new Error("SMTP down");
      }
    };
    const answer = await callDelete(context, signedIn(ME));
    expect(answer.status).toBe(204);
    expect(Object.keys(world.state.users)).toEqual([OTHER]);
  });

  it("knows every table the other extensions keep per user", () => {
    expect(PER_USER_TABLES.map((t) => t.table).sort()).toEqual(
      [
        "account_ownership_events",
        "account_security_email_changes",
        "account_sign_in_challenges",
        "account_sign_in_code_points",
        "account_sign_in_passkeys",
        "account_sign_in_provider_proofs",
        "account_sign_in_recovery_codes",
        "identity_provider_code_points",
      ].sort(),
    );
  });

  it("says in the notice what was removed and that the address can register again, with no link", () => {
    const mail = lastNotice("me@example.com", new Date("2026-01-02T03:04:05Z"));
    expect(mail.to).toBe("me@example.com");
    expect(mail.text).toContain("2026-01-02 03:04 UTC");
    expect(mail.text).toMatch(/posts/);
    expect(mail.text).toMatch(/register again/);
    expect(mail.html).not.toMatch(/<a /);
  });
});
