// Form limits, shared by the inputs' attributes and the schemas; kept apart from zod so the browser never loads it.
// Each text limit is the column Directus stores it in, so what the form takes Directus can hold on
// any database (SQLite does not enforce column lengths; PostgreSQL and MySQL refuse longer values).
export const limits = {
  // directus_users.email is varchar(128) in Directus 11 (its migration 20210903A).
  emailMax: 128,
  passwordMin: 8,
  // Directus stores only the argon2 hash; this only bounds the work of hashing.
  passwordMax: 256,
  // posts.title is varchar(255): scripts/lib/provision.mjs creates it with this length.
  titleMax: 255,
  // posts.content is a text column; this bounds the Markdown rendered per page.
  contentMax: 100_000,
  // directus_users.first_name and last_name are varchar(50).
  nameMax: 50,
  // A passkey's name (the account-sign-in extension's bound, docs/decisions/024).
  passkeyNameMax: 64,
  // The browser's answer to a passkey ceremony, as JSON text: the extension takes at most 16 KiB of
  // attestation, so a larger answer is refused before it is parsed or sent on.
  passkeyResponseMax: 16 * 1024,
} as const;
