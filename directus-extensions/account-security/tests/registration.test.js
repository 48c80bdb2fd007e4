// The registration hook with fakes of what Directus hands it (its emitter, an Express app, the store
// over its database and its policy check): which registrations and verification links go on to
// Directus's own handlers.
import { describe, expect, it } from "vitest";
import registration, { linkKey, linkStanding, mailedToken, readRegistrationToken, REGISTER_PATH, VERIFY_PATH } from "../registration.js";

const NOW = Date.UTC(2026, 0, 1);
const part = (/** @type {unknown} */ value) => Buffer.from(JSON.stringify(value)).toString("base64url");
let serial = 0;
/** Shaped as Directus 11.17.4 signs them (HS256, { email, scope }, iat, exp, iss); the signature is Directus's to check. */
const token = (email = "ann@example.com", { exp = NOW / 1000 + 3600, scope = "pending-registration" } = {}) =>
  `${part({ alg: "HS256", typ: "JWT" })}.${part({ email, scope, iat: NOW / 1000, exp, iss: "directus" })}.${part(`signature-${++serial}`)}`;
/** The mail Directus's registerUser hands MailService. @param {string} to @param {string} link */
const verificationMail = (to, link) => ({
  to,
  subject: "Verify your email address",
  template: { name: "user-registration", data: { url: `https://app.example/verify-email?token=${link}`, email: to } },
});

/** Registers the hook against fakes; `holders` maps an address to the account holding it now. */
function harness({ failRecord = false } = {}) {
  /** @type {Record<string, string>} */
  const holders = {};
  /** @type {Map<string, { user: string, expiresAt: number }>} */
  const records = new Map();
  /** @type {Record<string, Function>} */
  const filters = {};
  /** @type {Record<string, Function>} */
  const routes = {};
  /** @type {Array<[string, unknown]>} */
  const policyChecks = [];
  const app = {
    get: (/** @type {string} */ path, /** @type {Function} */ fn) => (routes[`GET ${path}`] = fn),
    post: (/** @type {string} */ path, /** @type {Function} */ fn) => (routes[`POST ${path}`] = fn),
    use: (/** @type {string} */ path, /** @type {Function} */ fn) => (routes[`USE ${path}`] = fn),
  };
  registration(
    {
      filter: (/** @type {string} */ event, /** @type {Function} */ fn) => (filters[event] = fn),
      init: (/** @type {string} */ event, /** @type {Function} */ fn) => event === "routes.before" && fn({ app }),
    },
    {
      database: null,
      now: () => NOW,
      // Directus's check with a policy of at least 20 characters: it throws its FAILED_VALIDATION.
      checkPolicy: async (password, schema) => {
        policyChecks.push([password, schema]);
        if (password.length < 20) throw Object.assign(new Error("Provided password doesn't match password policy"), { name: "DirectusError", status: 400, code: "FAILED_VALIDATION", extensions: { field: "password" } });
      },
      store: {
        async record(key, user, expiresAt) {
          if (failRecord) throw new Error("database down");
          records.set(key, { user, expiresAt });
        },
        mailedFor: async (key) => records.get(key)?.user ?? null,
        holder: async (email) => holders[email.toLowerCase()] ?? null,
      },
    },
  );
  /** Runs a route as Express would; resolves with what it handed `next` (undefined: on to Directus). @param {string} route @param {object} req */
  const run = (route, req) =>
    new Promise((resolve) => {
      routes[route]?.(req, {}, (/** @type {unknown} */ error) => resolve(error));
    });
  return {
    holders,
    records,
    policyChecks,
    /** POST /users/register with this body. @param {unknown} body */
    register: (body) => run(`POST ${REGISTER_PATH}`, { method: "POST", body, query: {}, schema: "the request's schema" }),
    /** Directus mails a link. @param {object} mail */
    mail: (mail) => filters["email.send"]?.(mail, {}, {}),
    /** GET /users/register/verify-email?token=… @param {unknown} link */
    verify: (link) => run(`GET ${VERIFY_PATH}`, { method: "GET", query: { token: link } }),
    /** A GraphQL request. @param {string} method @param {object} fields */
    graphql: (method, fields) => run("USE /graphql", method === "GET" ? { method, query: fields } : { method, body: fields, query: {} }),
  };
}

describe("reading what Directus mails", () => {
  it("takes the token out of a verification mail only", () => {
    const link = token();
    expect(mailedToken(verificationMail("ann@example.com", link))).toBe(link);
    expect(mailedToken({ to: "ann@example.com", template: { name: "password-reset", data: { url: `https://app.example/reset?token=${link}` } } })).toBeNull();
    expect(mailedToken({ to: "ann@example.com", template: { name: "user-registration", data: { url: "not a url" } } })).toBeNull();
    expect(mailedToken({ to: "ann@example.com", subject: "Hello" })).toBeNull();
    expect(mailedToken(null)).toBeNull();
  });

  it("reads a registration token's address and end, and nothing else's", () => {
    expect(readRegistrationToken(token("ann@example.com"))).toEqual({ email: "ann@example.com", expiresAt: NOW + 3_600_000 });
    expect(readRegistrationToken(token("ann@example.com", { scope: "password-reset" }))).toBeNull();
    expect(readRegistrationToken("abc.def")).toBeNull();
    expect(readRegistrationToken(["a", "b"])).toBeNull();
    expect(readRegistrationToken(`${token()}${"x".repeat(2048)}`)).toBeNull();
  });

  it("keys a link by its hash, never the token itself", () => {
    const link = token();
    expect(linkKey(link)).toMatch(/^[\w-]{43}$/);
    expect(linkKey(link)).not.toContain(link.slice(0, 20));
    expect(linkKey(link)).not.toBe(linkKey(token()));
  });

  it("stands a link by the account it was mailed for and the one holding its address now", () => {
    expect(linkStanding("u-1", "u-1")).toBe("ok");
    expect(linkStanding("u-1", "u-2")).toBe("superseded");
    expect(linkStanding("u-1", null)).toBe("superseded");
    expect(linkStanding(null, "u-1")).toBe("unknown");
  });
});

describe("a verification link confirms only the registration it was mailed for", () => {
  it("a link mailed for the waiting account, and one sent again, go on to Directus", async () => {
    const hook = harness();
    hook.holders["ann@example.com"] = "u-1";
    const first = token();
    const again = token();
    await hook.mail(verificationMail("ann@example.com", first));
    await hook.mail(verificationMail("ann@example.com", again));
    expect(await hook.verify(first)).toBeUndefined();
    expect(await hook.verify(again)).toBeUndefined();
    expect([...hook.records.values()]).toEqual([
      { user: "u-1", expiresAt: NOW + 3_600_000 },
      { user: "u-1", expiresAt: NOW + 3_600_000 },
    ]);
  });

  it("once another account holds the address, the earlier account's links are refused and the new one's go on", async () => {
    const hook = harness();
    hook.holders["ann@example.com"] = "u-1";
    const earlier = token();
    await hook.mail(verificationMail("ann@example.com", earlier));
    // u-1 moved to another address; the address registered again.
    hook.holders["ann@example.com"] = "u-2";
    const current = token();
    await hook.mail(verificationMail("ann@example.com", current));
    expect(await hook.verify(earlier)).toMatchObject({ name: "DirectusError", status: 409, code: "LINK_SUPERSEDED" });
    expect(await hook.verify(current)).toBeUndefined();
    // The address written in other capitals is the same address, as Directus finds it.
    expect(await hook.verify(token("ANN@example.com"))).toMatchObject({ status: 403, code: "INVALID_TOKEN" });
    // Nobody holds it any more: no link of it goes on.
    delete hook.holders["ann@example.com"];
    expect(await hook.verify(current)).toMatchObject({ status: 409, code: "LINK_SUPERSEDED" });
  });

  it("a link this Directus never mailed is refused as an invalid token", async () => {
    const hook = harness();
    hook.holders["ann@example.com"] = "u-1";
    expect(await hook.verify(token())).toMatchObject({ name: "DirectusError", status: 403, code: "INVALID_TOKEN" });
  });

  it("a mail for an address nobody holds is recorded for nobody, so its link goes nowhere", async () => {
    const hook = harness();
    const link = token("ghost@example.com");
    await hook.mail(verificationMail("ghost@example.com", link));
    expect(hook.records.size).toBe(0);
    hook.holders["ghost@example.com"] = "u-9";
    expect(await hook.verify(link)).toMatchObject({ code: "INVALID_TOKEN" });
  });

  it("expired and malformed tokens go on to Directus, which refuses them in its own words", async () => {
    const hook = harness();
    hook.holders["ann@example.com"] = "u-1";
    expect(await hook.verify(token("ann@example.com", { exp: NOW / 1000 - 1 }))).toBeUndefined();
    expect(await hook.verify("not-a-token")).toBeUndefined();
    expect(await hook.verify(undefined)).toBeUndefined();
    expect(await hook.verify([token(), token()])).toBeUndefined();
  });

  it("a verification mail whose link cannot be recorded is not sent; other mail passes untouched", async () => {
    const hook = harness({ failRecord: true });
    hook.holders["ann@example.com"] = "u-1";
    await expect(hook.mail(verificationMail("ann@example.com", token()))).rejects.toThrow("database down");
    const other = { to: "ann@example.com", subject: "Your password was changed", template: { name: "base", data: { html: "" } } };
    await expect(hook.mail(other)).resolves.toBe(other);
  });
});

describe("GraphQL", () => {
  it("refuses users_register_verify and users_register, by POST or GET, and lets everything else through", async () => {
    const hook = harness();
    const mutation = `mutation { users_register_verify(token: "${token()}") }`;
    expect(await hook.graphql("POST", { query: mutation })).toMatchObject({ name: "DirectusError", status: 403, code: "FORBIDDEN" });
    expect(await hook.graphql("GET", { query: mutation })).toMatchObject({ status: 403 });
    expect(await hook.graphql("POST", { query: [mutation] })).toMatchObject({ status: 403 });
    expect(await hook.graphql("POST", { query: 'mutation { users_register(email: "a@example.com", password: "short") }' })).toMatchObject({ status: 403 });
    expect(await hook.graphql("POST", { query: "query { users_me { id } }" })).toBeUndefined();
    expect(await hook.graphql("POST", {})).toBeUndefined();
  });
});

describe("Directus's password policy, for every registration", () => {
  it("is checked before Directus's handler whatever the address, with Directus's own check and refusal", async () => {
    const hook = harness();
    hook.holders["taken@example.com"] = "u-1";
    const refused = { name: "DirectusError", status: 400, code: "FAILED_VALIDATION", extensions: { field: "password" } };
    expect(await hook.register({ email: "taken@example.com", password: "short" })).toMatchObject(refused);
    expect(await hook.register({ email: "new@example.com", password: "short" })).toMatchObject(refused);
    expect(await hook.register({ email: "new@example.com", password: "long enough for the policy" })).toBeUndefined();
    expect(hook.policyChecks).toEqual([
      ["short", "the request's schema"],
      ["short", "the request's schema"],
      ["long enough for the policy", "the request's schema"],
    ]);
  });

  it("leaves a body without a password string to Directus's own validation", async () => {
    const hook = harness();
    expect(await hook.register({ email: "new@example.com" })).toBeUndefined();
    expect(await hook.register({ email: "new@example.com", password: ["short"] })).toBeUndefined();
    expect(await hook.register(undefined)).toBeUndefined();
    expect(hook.policyChecks).toEqual([]);
  });
});
