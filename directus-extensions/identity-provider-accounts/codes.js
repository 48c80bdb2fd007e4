// Hook: wrong two-factor codes on a sign-in through an identity provider are counted per account.
// Directus checks that code inside its login and the app never learns whose account it was, so the
// count lives here, in the database every Directus instance shares. Provisioning turns Directus's own
// per-user counter off (auth_login_attempts null: a stranger must never suspend an account), which
// leaves these checks uncounted without this hook.
//
// Each provider sign-in of an account with two-factor on takes a point BEFORE the code is checked
// (parallel guesses cannot pass together): the first pass without a code, then one per code tried.
// Over CODE_POINTS in CODE_WINDOW_MS the sign-in is refused before the check, with the code
// TOO_MANY_WRONG_CODES (the app says so in its words); a successful sign-in clears the count. Only
// someone already signed in at the provider as the owner gets this far, as with the password login's
// code step (five wrong codes, fifteen minutes: docs/decisions/013).

export const TABLE = "identity_provider_code_points";
export const CODE_POINTS = 6; // the pass that asks for the code, and five codes
export const CODE_WINDOW_MS = 15 * 60 * 1000;

/** Directus's error shape, so its callback names the code in `?reason=`. */
function tooManyWrongCodes() {
  return Object.assign(new Error("Too many wrong codes."), { name: "DirectusError", code: "TOO_MANY_WRONG_CODES", status: 429, extensions: {} });
}

/**
 * @param {{ filter: Function, action: Function }} events
 * @param {{ database: any, logger: { error: Function }, now?: () => number }} context `now` replaces the clock in tests
 */
export default function codes({ filter, action }, context) {
  const { database, logger } = context;
  const now = context.now ?? Date.now;
  /** @type {Promise<void> | null} */
  let ready = null;
  // Made on first use; two instances making it at once both end with the one table.
  const ensureTable = () =>
    (ready ??= (async () => {
      if (await database.schema.hasTable(TABLE)) return;
      try {
        await database.schema.createTable(TABLE, (/** @type {any} */ table) => {
          table.uuid("user").primary();
          table.integer("points").notNullable();
          table.bigInteger("since").notNullable();
        });
      } catch (error) {
        if (!(await database.schema.hasTable(TABLE))) throw error;
      }
    })().catch((error) => {
      ready = null;
      throw error;
    }));

  /** Takes a point for `user` and answers how many the window now holds. @param {string} user */
  const takePoint = async (user) => {
    await ensureTable();
    const at = now();
    await database(TABLE).insert({ user, points: 0, since: at }).onConflict("user").ignore();
    await database(TABLE).where({ user }).andWhere("since", "<=", at - CODE_WINDOW_MS).update({ points: 0, since: at });
    // The increment is one statement, so each of many parallel sign-ins reads at least its own point.
    await database(TABLE).where({ user }).increment("points", 1);
    const row = await database(TABLE).select("points").where({ user }).first();
    return Number(row?.points ?? 0);
  };

  filter("auth.login", async (/** @type {unknown} */ payload, /** @type {{ user?: string, provider?: string }} */ meta) => {
    if (!meta?.user || !meta.provider || meta.provider === "default") return payload;
    const user = await database("directus_users").select("tfa_secret").where({ id: meta.user }).first();
    if (!user?.tfa_secret) return payload;
    if ((await takePoint(meta.user)) > CODE_POINTS) throw tooManyWrongCodes();
    return payload;
  });

  action("auth.login", async (/** @type {{ status?: string, user?: string, provider?: string }} */ meta) => {
    if (meta?.status !== "success" || !meta.user || !meta.provider || meta.provider === "default") return;
    try {
      await ensureTable();
      await database(TABLE).where({ user: meta.user }).delete();
    } catch (error) {
      logger.error(error, "identity-provider-accounts: could not clear a code count");
    }
  });
}
