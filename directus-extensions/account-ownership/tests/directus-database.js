// A knex on a fresh in-memory SQLite database (Directus's own knex and sqlite3, from
// directus/node_modules) holding the Directus tables the activity reader and the export read, laid
// out as Directus 11.17.4 lays them out (directus_activity.timestamp defaults to CURRENT_TIMESTAMP,
// though Directus itself writes epoch milliseconds there on SQLite; revisions keep their delta as
// JSON text), and the app's posts.
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const directusRequire = createRequire(join(fileURLToPath(import.meta.url), "../../../../directus/node_modules/directus/cli.js"));
const knex = directusRequire("knex");

export const ME = "11111111-1111-4111-8111-111111111111";
export const OTHER = "22222222-2222-4222-8222-222222222222";
export const ADMIN = "33333333-3333-4333-8333-333333333333";

export async function directusDatabase() {
  const db = knex({ client: "sqlite3", connection: { filename: ":memory:" }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  await db.schema.createTable("directus_users", (t) => {
    t.uuid("id").primary();
    t.string("email");
    t.string("first_name");
    t.string("last_name");
    t.string("location");
    t.string("title");
    t.text("description");
    t.string("language");
    t.string("password");
    t.string("tfa_secret");
    t.string("token");
    t.json("auth_data");
    t.string("external_identifier");
    t.string("status");
    t.string("provider").defaultTo("default");
    t.timestamp("last_access");
  });
  await db.schema.createTable("directus_sessions", (t) => {
    t.string("token").primary();
    t.uuid("user");
    t.timestamp("expires");
    t.string("ip");
    t.string("user_agent");
    t.string("origin");
    t.string("next_token");
  });
  await db.schema.createTable("directus_activity", (t) => {
    t.increments("id");
    t.string("action", 45).notNullable();
    t.uuid("user");
    t.timestamp("timestamp").notNullable().defaultTo(db.fn.now());
    t.string("ip", 50);
    t.text("user_agent");
    t.string("collection").notNullable();
    t.string("item").notNullable();
    t.string("origin");
  });
  await db.schema.createTable("directus_revisions", (t) => {
    t.increments("id");
    t.integer("activity").notNullable();
    t.string("collection").notNullable();
    t.string("item").notNullable();
    t.json("data");
    t.json("delta");
  });
  await db.schema.createTable("posts", (t) => {
    t.increments("id");
    t.uuid("user_created");
    t.timestamp("date_created");
    t.string("title");
    t.text("content");
  });
  return db;
}

/** SQLite's CURRENT_TIMESTAMP text for a time (whole seconds, UTC), as a row written by the column's default holds it. @param {number} ms */
export const sqliteTime = (ms) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

/**
 * An update of a user's row as Directus 11 on SQLite logs it: the activity row (its timestamp in epoch
 * milliseconds; `asText`: as the column's CURRENT_TIMESTAMP default writes it) and its revision.
 * @param {any} db @param {{ item: string, by: string | null, at: number, delta: Record<string, unknown>, ip?: string, userAgent?: string, asText?: boolean }} update
 */
export async function loggedUpdate(db, { item, by, at, delta, ip = "198.51.100.1", userAgent = "Admin browser", asText = false }) {
  const [row] = await db("directus_activity").insert({ action: "update", user: by, timestamp: asText ? sqliteTime(at) : at, ip, user_agent: userAgent, collection: "directus_users", item }).returning("id");
  const id = typeof row === "object" ? row.id : row;
  await db("directus_revisions").insert({ activity: id, collection: "directus_users", item, data: JSON.stringify({ id: item }), delta: JSON.stringify(delta) });
  return Number(id);
}
