// What the forms assume about Directus, checked against the real one: each text limit is the size
// of the column Directus stores the value in, and an address our registration takes Directus takes.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { isDirectusEmail } from "#app/lib/email.ts";
import { limits } from "#app/lib/limits.ts";
import { directusRest } from "../support/directus-rest.ts";

const url = inject("directusUrl");
let adminToken = "";

const { call } = directusRest(url);

beforeAll(async () => {
  const login = await call("POST", "/auth/login", { body: { email: inject("adminEmail"), password: inject("adminPassword") } });
  adminToken = login.body.data.access_token;
});

describe("form limits against Directus's columns", () => {
  it.each([
    ["directus_users", "email", limits.emailMax],
    ["directus_users", "first_name", limits.nameMax],
    ["directus_users", "last_name", limits.nameMax],
    ["posts", "title", limits.titleMax],
  ])("%s.%s holds %i characters", async (collection, field, max) => {
    const reply = await call("GET", `/fields/${collection}/${field}`, { token: adminToken });
    expect(reply.status).toBe(200);
    expect(reply.body.data.schema.max_length).toBe(max);
  });
});

describe("email addresses at Directus", () => {
  const unique = () => randomUUID().slice(0, 8);
  const password = `pw-${randomUUID()}`;

  it.each([
    ["josé", "example.com"],
    ["a!b", "example.com"],
    ["😀", "example.com"],
    ["ada", "bücher.de"],
    ["ada", "example.zzzz"],
    ["ada", "example"],
  ])("%s@%s: Directus registers it exactly when our registration rule takes it", async (local, domain) => {
    const email = `${local}-${unique()}@${domain}`;
    const reply = await call("POST", "/users/register", { body: { email, password } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(isDirectusEmail(email) ? 204 : 400);
  });

  it("a user registered as josé@… logs in with that address", async () => {
    const email = `josé-${unique()}@example.com`;
    expect((await call("POST", "/users/register", { body: { email, password } })).status).toBe(204);
    const login = await call("POST", "/auth/login", { body: { email, password } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
  });
});
