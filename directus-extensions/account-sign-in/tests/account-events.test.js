// What the extension tells the account's activity (account-ownership's events table, docs/decisions/027):
// passkeys added and removed, recovery codes renewed and used, on the extensions' shared emitter with
// the caller's IP and User-Agent; and a sign-in with a recovery code says so on its auth.login.
import { afterEach, describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../../../tests/support/software-authenticator.ts";
import { addUser, call, CHROME_LINUX, directusDatabase, ORIGIN, recoveryRoutesOver, routesOver, USERS } from "./harness.js";

/** @type {any[]} */
const opened = [];
afterEach(async () => {
  while (opened.length > 0) await opened.pop().destroy();
});

async function database() {
  const db = await directusDatabase();
  opened.push(db);
  await addUser(db, USERS.ada, { email: "ada@example.com", password: "ada-password", tfa_secret: "ADASECRET" });
  return db;
}

const EVENT = "account-ownership.event";

describe("passkeys", () => {
  it("report passkey-added and passkey-removed for their owner, and nothing for a refused removal", async () => {
    const h = routesOver(await database());
    const options = await call(h.routes, "POST /passkeys/registration/options", { user: USERS.ada, body: {} });
    const response = new SoftwareAuthenticator().register(options.body.data.options, { origin: ORIGIN });
    const added = await call(h.routes, "POST /passkeys/registration", { user: USERS.ada, ip: "203.0.113.21", body: { challenge_id: options.body.data.challenge_id, response } });
    expect(added.status).toBe(201);
    expect(h.reported).toEqual([[EVENT, { user: USERS.ada, kind: "passkey-added", ip: "203.0.113.21", user_agent: CHROME_LINUX }]]);
    expect((await call(h.routes, "DELETE /passkeys/:id", { user: USERS.bob, params: { id: added.body.data.id } })).status).toBe(404);
    expect(await call(h.routes, "DELETE /passkeys/:id", { user: USERS.ada, ip: "203.0.113.22", params: { id: added.body.data.id } })).toMatchObject({ status: 204 });
    expect(h.reported.map(([event, meta]) => [event, meta.user, meta.kind, meta.ip])).toEqual([
      [EVENT, USERS.ada, "passkey-added", "203.0.113.21"],
      [EVENT, USERS.ada, "passkey-removed", "203.0.113.22"],
    ]);
  });
});

describe("recovery codes", () => {
  it("report each new batch, a code used to turn two-factor off, and mark a sign-in with a code on its auth.login", async () => {
    const h = recoveryRoutesOver(await database());
    const batch = await call(h.routes, "POST /recovery-codes", { user: USERS.ada, body: {} });
    expect(batch.status).toBe(201);
    const [first, second] = batch.body.data.codes;
    const signIn = await call(h.routes, "POST /recovery-codes/sign-in", { ip: "203.0.113.30", body: { email: "ada@example.com", password: "ada-password", code: first } });
    expect(signIn.status).toBe(200);
    const login = h.events.find(([kind, event]) => kind === "action" && event === "auth.login");
    expect(login?.[2]).toMatchObject({ status: "success", user: USERS.ada, provider: "default", method: "recovery-code" });
    expect((await call(h.routes, "POST /recovery-codes/two-factor-off", { user: USERS.ada, ip: "203.0.113.31", body: { code: second } })).status).toBe(204);
    expect(h.reported.map(([event, meta]) => [event, meta.user, meta.kind, meta.ip])).toEqual([
      [EVENT, USERS.ada, "recovery-codes-renewed", "203.0.113.7"],
      [EVENT, USERS.ada, "recovery-code-used", "203.0.113.31"],
    ]);
  });
});

describe("a passkey's sign-in", () => {
  it("emits auth.login with provider passkey and no recovery-code marker", async () => {
    const h = routesOver(await database());
    const authenticator = new SoftwareAuthenticator();
    const options = await call(h.routes, "POST /passkeys/registration/options", { user: USERS.ada, body: {} });
    await call(h.routes, "POST /passkeys/registration", { user: USERS.ada, body: { challenge_id: options.body.data.challenge_id, response: authenticator.register(options.body.data.options, { origin: ORIGIN }) } });
    const challenge = await call(h.routes, "POST /passkeys/authentication/options", { body: {} });
    const answer = await call(h.routes, "POST /passkeys/authentication", { body: { challenge_id: challenge.body.data.challenge_id, response: authenticator.authenticate(challenge.body.data.options, { origin: ORIGIN }) } });
    expect(answer.status).toBe(200);
    const login = h.events.find(([kind, event]) => kind === "action" && event === "auth.login");
    expect(login?.[2]).toEqual({ payload: {}, status: "success", user: USERS.ada, provider: "passkey" });
  });
});
