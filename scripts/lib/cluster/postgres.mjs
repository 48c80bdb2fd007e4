// PostgreSQL for the cluster: a fresh data folder (initdb), the server on a loopback port, and the
// database and login role Directus uses. PostgreSQL refuses to run as root, so it runs as the
// `postgres` system user (or `nobody`), which owns the data folder.
import { spawnSync } from "node:child_process";
import { chownSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { directusBin } from "../runtime.mjs";
import { runCommand, startProcess } from "./process.mjs";

// The driver Directus itself uses.
const pg = createRequire(directusBin)("pg");

/** uid and gid of the first of these users that exists. */
function systemUser(names = ["postgres", "nobody"]) {
  for (const name of names) {
    const entry = spawnSync("getent", ["passwd", name], { encoding: "utf8" }).stdout.trim();
    if (entry) {
      const [, , uid, gid] = entry.split(":");
      return { name, uid: Number(uid), gid: Number(gid) };
    }
  }
  throw new Error(`none of the users ${names.join(", ")} exists to run PostgreSQL`);
}

/**
 * Resolves once the server answers and the database exists; `stop()` is a fast shutdown.
 * @param {import("./settings.mjs").ClusterSettings} settings
 * @param {{ initdb: string, postgres: string }} binaries
 */
export async function startPostgres(settings, binaries) {
  const { host, port, database, user, password, dataDir } = settings.postgres;
  const owner = process.getuid?.() === 0 ? systemUser() : null;
  const socketDir = join(dataDir, "socket");
  const dbDir = join(dataDir, "data");
  await mkdir(socketDir, { recursive: true });
  if (owner) for (const dir of [dataDir, socketDir]) chownSync(dir, owner.uid, owner.gid);
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const logFile = join(settings.logDir, "postgres.log");

  // Local (socket) connections trusted, for the set-up below; TCP connections need a password.
  await runCommand({
    name: "initdb",
    command: binaries.initdb,
    args: ["-D", dbDir, "-U", "postgres", "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions"],
    ...asOwner,
    cwd: dataDir,
    logFile,
  });
  const server = await startProcess({
    name: "postgres",
    command: binaries.postgres,
    // A throwaway database: no fsync, so the test measures the cluster, not the disk.
    args: ["-D", dbDir, "-p", String(port), "-c", `listen_addresses=${host}`, "-c", `unix_socket_directories=${socketDir}`, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=100"],
    ...asOwner,
    cwd: dataDir,
    logFile,
    // Fast shutdown: roll back open transactions and close connections instead of waiting for clients.
    stopSignal: "SIGINT",
    ready: async () => {
      await query("postgres", "SELECT 1");
      return true;
    },
  });

  async function query(db, ...statements) {
    const client = new pg.Client({ host: socketDir, port, user: "postgres", database: db });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  }
  try {
    const literal = (value) => `'${value.replaceAll("'", "''")}'`;
    await query("postgres", `CREATE ROLE ${user} LOGIN PASSWORD ${literal(password)}`, `CREATE DATABASE ${database} OWNER ${user}`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
