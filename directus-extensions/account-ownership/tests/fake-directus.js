// A stand-in for what Directus hands the endpoint: a database whose transactions commit or roll back
// (a copy of the state is changed, and kept only if the work did not throw), and services that write
// through the knex they were given. Records the order of the writes and which knex each one used.

/** @typedef {{ users: Record<string, { email: string }>, posts: { id: number, user_created: string }[], sessions: { user: string }[], tables: Record<string, Record<string, unknown>[]> }} State */

/** @param {State} state */
const copy = (state) => structuredClone(state);

/**
 * @param {State} initial
 * @param {{ failAt?: string }} [options] `failAt` names a step ("posts", "user", "table:<name>") that throws
 */
export function fakeDirectus(initial, options = {}) {
  const world = { state: copy(initial), log: /** @type {string[]} */ ([]), failAt: options.failAt, mails: /** @type {any[]} */ ([]), committed: 0 };

  /** A knex-like over one state. @param {State} state @param {boolean} inTransaction */
  const knexOver = (state, inTransaction) => {
    /** @param {string} table */
    const knex = (table) => {
      /** @type {Record<string, unknown>} */
      let where = {};
      const builder = {
        select: () => builder,
        where(/** @type {any} */ a, /** @type {any} */ b) {
          where = typeof a === "string" ? { [a]: b } : a;
          return builder;
        },
        async first() {
          if (table !== "directus_users") throw new Error(`unexpected read of ${table}`);
          const user = state.users[String(where["id"])];
          return user ? { id: where["id"], ...user } : undefined;
        },
        async delete() {
          if (world.failAt === `table:${table}`) throw new Error(`database failed on ${table}`);
          world.log.push(`table:${table}${inTransaction ? "" : " (outside the transaction)"}`);
          const rows = state.tables[table] ?? [];
          const [column, value] = Object.entries(where)[0] ?? [];
          const kept = rows.filter((row) => row[String(column)] !== value);
          state.tables[table] = kept;
          return rows.length - kept.length;
        },
      };
      return builder;
    };
    knex.isTransaction = inTransaction;
    knex.state = state;
    knex.schema = { hasTable: async (/** @type {string} */ name) => name in state.tables };
    knex.transaction = async (/** @type {(trx: any) => Promise<unknown>} */ work) => {
      const staged = copy(world.state);
      const result = await work(knexOver(staged, true));
      world.state = staged;
      world.committed += 1;
      world.log.push("commit");
      return result;
    };
    return knex;
  };

  const database = knexOver(world.state, false);
  Object.defineProperty(database, "state", { get: () => world.state });

  class ItemsService {
    /** @param {string} collection @param {{ knex: any, accountability: any }} options */
    constructor(collection, options) {
      this.collection = collection;
      this.options = options;
    }
    /** @param {{ filter: any }} query */
    async deleteByQuery(query) {
      const { knex, accountability } = this.options;
      if (this.collection !== "posts") throw new Error(`unexpected collection ${this.collection}`);
      if (!accountability?.admin) throw new Error("a non-admin accountability cannot delete posts of this user");
      if (world.failAt === "posts") throw new Error("database failed on posts");
      world.log.push(`posts${knex.isTransaction ? "" : " (outside the transaction)"}`);
      const owner = query?.filter?.user_created?._eq;
      const state = /** @type {State} */ (knex.state);
      const gone = state.posts.filter((post) => post.user_created === owner).map((post) => post.id);
      state.posts = state.posts.filter((post) => post.user_created !== owner);
      return gone;
    }
  }

  class UsersService {
    /** @param {{ knex: any, accountability: any }} options */
    constructor(options) {
      this.options = options;
    }
    /** @param {string} id */
    async deleteOne(id) {
      const { knex, accountability } = this.options;
      if (!accountability?.admin) throw new Error("a non-admin accountability cannot delete a user");
      if (world.failAt === "user") throw new Error("database failed on the user");
      world.log.push(`user${knex.isTransaction ? "" : " (outside the transaction)"}`);
      const state = /** @type {State} */ (knex.state);
      delete state.users[id];
      state.sessions = state.sessions.filter((session) => session.user !== id);
      return id;
    }
  }

  class MailService {
    async send(/** @type {any} */ mail) {
      world.log.push("mail");
      world.mails.push(mail);
    }
  }

  const context = {
    database,
    services: { ItemsService, UsersService, MailService },
    getSchema: async () => ({}),
    logger: { error: () => {}, warn: () => {} },
  };
  return { world, context };
}
