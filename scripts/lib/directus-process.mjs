// Runs the embedded Directus (directus/node_modules/directus) as a child process.
//
// - Bootstraps a SQLite database in `dataDir` when it is missing (`directus bootstrap`).
// - Generates the first admin's email/password and Directus' SECRET once and keeps them in
//   `<dataDir>/local-credentials.json` (dataDir is git-ignored; nothing secret is committed).
// - Every Directus setting found in the passed `env` or in process.env reaches Directus
//   unchanged; we only fill in defaults for settings that are absent.
// - The child runs with cwd = dataDir, so Directus' relative defaults (.env lookup, uploads,
//   temp files) land inside dataDir and a project-root `.env` meant for the app
//   is never read by Directus.
// - Unless EMAIL_TRANSPORT is given, Directus mails through a local sink started here (in this
//   process, stopped with Directus) that keeps each message under `<dataDir>/mail/`; the app's
//   account links (APP_URL) are put on Directus's URL allow lists, and APP_URL itself is passed on for
//   passkeys (directusAccountEnv below).
// - Directus loads this repository's extensions (directus-extensions/, EXTENSIONS_DIR below) and
//   refuses to start when one fails to load: the account flows depend on them.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { accountLinks, DEV_APP_URL } from "../../app/lib/account-links.ts";
import { directusIdentityProviderEnv } from "../../app/lib/identity-providers.ts";
import { startMailSink } from "./mail-sink.mjs";
import { directusBin, root } from "./runtime.mjs";

// `directus/cli.js` first runs an npm update check (a request to registry.npmjs.org with an 8 s
// timeout) before handing over to `@directus/api/cli/run.js`. We start the API CLI directly.
const requireFromDirectus = createRequire(directusBin);
export const directusCli = requireFromDirectus.resolve("@directus/api/cli/run.js");

export const CREDENTIALS_FILE = "local-credentials.json";

/** The extensions every Directus of this project loads (its EXTENSIONS_PATH; compose.yaml mounts it at the image's). */
export const EXTENSIONS_DIR = join(root, "directus-extensions");

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function getFreePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Resolves when nothing listens on 127.0.0.1:port; rejects with a clear message otherwise. */
function assertPortFree(port) {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", (error) =>
      reject(
        new Error(
          error.code === "EADDRINUSE"
            ? `port ${port} on 127.0.0.1 is already in use (another Directus?); pick another port`
            : `cannot listen on 127.0.0.1:${port}: ${error.message}`,
        ),
      ),
    );
    server.listen({ host: "127.0.0.1", port }, () => server.close(() => resolvePort()));
  });
}

/** Reads `<dataDir>/local-credentials.json`, creating it (random admin password + SECRET) on first run. */
export async function loadOrCreateCredentials(dataDir) {
  const file = join(dataDir, CREDENTIALS_FILE);
  if (existsSync(file)) {
    const stored = JSON.parse(await readFile(file, "utf8"));
    if (stored.adminEmail && stored.adminPassword && stored.secret) return { ...stored, file };
  }
  const credentials = {
    adminEmail: "admin@example.com",
    adminPassword: randomBytes(18).toString("base64url"),
    secret: randomBytes(32).toString("base64url"),
  };
  await writeFile(file, JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  return { ...credentials, file };
}

function defaultLog(line) {
  process.stdout.write(`[directus] ${line}\n`);
}

/**
 * The Directus settings the account flows need, in one place: where its mail goes (the local sink's
 * port) and which app URLs its emails may link to. Directus refuses a registration or a reset request
 * whose link is not on these lists (it compares origin and path).
 * @param {{ appUrl: string, smtpPort?: number | null }} options
 */
export function directusAccountEnv({ appUrl, smtpPort = null }) {
  const links = accountLinks(appUrl);
  const env = {
    USER_REGISTER_URL_ALLOW_LIST: links.verifyEmail,
    PASSWORD_RESET_URL_ALLOW_LIST: links.resetPassword,
    // Read by the account-security extension (directus-extensions/account-security).
    ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST: links.confirmEmail,
    ACCOUNT_UNLOCK_URL_ALLOW_LIST: links.unlock,
    // Read by the account-sign-in extension: passkeys belong to the app's host name (the relying
    // party id) and are only accepted from the app's origin.
    APP_URL: new URL(appUrl).origin,
  };
  if (smtpPort === null) return env;
  return {
    ...env,
    EMAIL_TRANSPORT: "smtp",
    EMAIL_SMTP_HOST: "127.0.0.1",
    EMAIL_SMTP_PORT: String(smtpPort),
    EMAIL_SMTP_SECURE: "false",
    // The sink offers neither TLS nor login: it listens on loopback only.
    EMAIL_SMTP_IGNORE_TLS: "true",
    EMAIL_SMTP_USER: "",
    EMAIL_SMTP_PASSWORD: "",
    EMAIL_FROM: "no-reply@example.com",
  };
}

/**
 * @param {{ port?: number, dataDir: string, env?: Record<string, string | undefined>, log?: (line: string) => void, startTimeoutMs?: number, signal?: AbortSignal, bootstrap?: boolean, appUrl?: string, onMail?: (message: object) => void }} options
 * @returns {Promise<{ url: string, adminEmail: string, adminPassword: string, credentialsFile: string, dataDir: string, mailDir: string | null, pid: number, exited: Promise<{ code: number | null, signal: string | null }>, stop: (timeoutMs?: number) => Promise<void> }>}
 */
export async function startDirectus({ port, dataDir, env = {}, log = defaultLog, startTimeoutMs = 120_000, signal, bootstrap = true, appUrl, onMail } = {}) {
  if (!dataDir) throw new Error("startDirectus: dataDir is required");
  signal?.throwIfAborted();
  dataDir = resolve(dataDir);
  await mkdir(dataDir, { recursive: true });
  const credentials = await loadOrCreateCredentials(dataDir);

  // process.env first, then the caller's env: both reach Directus unchanged.
  const given = { ...process.env, ...env };
  port = Number(port ?? given.PORT ?? 8055);
  const url = `http://127.0.0.1:${port}`;
  // Otherwise the health check below could be answered by someone else's server on that port.
  await assertPortFree(port);
  // An EMAIL_TRANSPORT from the caller means a real mail server; otherwise the sink keeps the mail.
  const sink = given.EMAIL_TRANSPORT ? null : await startMailSink({ dir: join(dataDir, "mail"), onMessage: onMail });
  const accountEnv = directusAccountEnv({ appUrl: appUrl ?? given.APP_URL ?? DEV_APP_URL, smtpPort: sink?.port ?? null });
  // "Continue with …": Directus's AUTH_* settings from the app's IDENTITY_PROVIDERS (app/lib/identity-providers.ts).
  const identityEnv = directusIdentityProviderEnv({ appUrl: appUrl ?? given.APP_URL ?? DEV_APP_URL, env: given });

  const defaults = {
    DB_CLIENT: "sqlite3",
    DB_FILENAME: join(dataDir, "data.db"),
    SECRET: credentials.secret,
    ADMIN_EMAIL: credentials.adminEmail,
    ADMIN_PASSWORD: credentials.adminPassword,
    PUBLIC_URL: url,
    // Speed and quiet: no phoning home, no features this app does not use.
    TELEMETRY: "false",
    EXTENSIONS_AUTO_RELOAD: "false",
    WEBSOCKETS_ENABLED: "false",
    MCP_ENABLED: "false",
    AI_ENABLED: "false",
    METRICS_ENABLED: "false",
    CACHE_ENABLED: "false",
    ACCEPT_TERMS: "true",
    LOG_LEVEL: "warn",
    LOG_STYLE: "raw",
    ...accountEnv,
    ...identityEnv,
    STORAGE_LOCAL_ROOT: join(dataDir, "uploads"),
    // The repository's folder itself, read in place: every way of starting Directus here (dev, tests,
    // the cluster) loads the same code, with nothing to copy or keep in step.
    EXTENSIONS_PATH: EXTENSIONS_DIR,
    EXTENSIONS_MUST_LOAD: "true",
    TEMP_PATH: join(dataDir, "tmp"),
    CONFIG_PATH: join(dataDir, ".env"),
    // Where Directus looks for a package.json listing extension packages: directus/ lists none.
    PACKAGE_FILE_LOCATION: join(root, "directus"),
  };
  // Another database (DB_CLIENT=pg, …) needs none of the SQLite file settings.
  if (given.DB_CLIENT && given.DB_CLIENT !== "sqlite3") delete defaults.DB_FILENAME;
  const childEnv = { ...given };
  for (const [key, value] of Object.entries(defaults)) {
    if (childEnv[key] === undefined || childEnv[key] === "") childEnv[key] = value;
  }
  // Directus listens on loopback only; the port is the one we were asked for.
  childEnv.HOST = "127.0.0.1";
  childEnv.PORT = String(port);
  for (const dir of [childEnv.STORAGE_LOCAL_ROOT, childEnv.TEMP_PATH]) {
    await mkdir(resolve(dataDir, dir), { recursive: true });
  }
  // The credentials Directus actually uses (a caller may override ADMIN_* via env).
  const adminEmail = childEnv.ADMIN_EMAIL;
  const adminPassword = childEnv.ADMIN_PASSWORD;

  const run = (args) =>
    spawn(process.execPath, [directusCli, ...args], {
      cwd: dataDir,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });

  const pipeLines = (child) => {
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => {
        buffered += chunk;
        const lines = buffered.split("\n");
        buffered = lines.pop();
        for (const line of lines) if (line.trim()) log(line);
      });
      stream.on("end", () => {
        if (buffered.trim()) log(buffered);
      });
    }
  };

  // Bootstrap: installs system tables + first admin on a fresh DB, runs pending migrations otherwise.
  // A marker written after a successful bootstrap: a run interrupted mid-bootstrap leaves a DB file
  // but no marker, and bootstrap runs again (it is idempotent: installs what is missing, migrates).
  // `.bootstrapping` exists only while a bootstrap runs: found at startup, the previous bootstrap was
  // interrupted, and a SQLite file it left behind holds nothing but half a system schema.
  const marker = join(dataDir, ".bootstrapped");
  const inProgress = join(dataDir, ".bootstrapping");
  if (childEnv.DB_CLIENT === "sqlite3" && existsSync(inProgress)) {
    log("previous bootstrap was interrupted: starting from a fresh database");
    await rm(resolve(dataDir, childEnv.DB_FILENAME), { force: true });
    await rm(resolve(dataDir, `${childEnv.DB_FILENAME}-journal`), { force: true });
  }
  // A shared database (bootstrap: false) is bootstrapped once, by whoever starts its first instance.
  const needsBootstrap = bootstrap && (childEnv.DB_CLIENT !== "sqlite3" || !existsSync(resolve(dataDir, childEnv.DB_FILENAME)) || !existsSync(marker));
  if (needsBootstrap) {
    await writeFile(inProgress, `${process.pid}\n`);
    const started = Date.now();
    log(`bootstrapping database (${childEnv.DB_CLIENT}${childEnv.DB_CLIENT === "sqlite3" ? ` at ${childEnv.DB_FILENAME}` : ""})`);
    const child = run(["bootstrap"]);
    pipeLines(child);
    const killBootstrap = () => child.kill("SIGTERM");
    signal?.addEventListener("abort", killBootstrap, { once: true });
    const code = await new Promise((done) => child.once("exit", (c, s) => done(c ?? s)));
    signal?.removeEventListener("abort", killBootstrap);
    if (signal?.aborted || code !== 0) await sink?.stop();
    signal?.throwIfAborted();
    if (code !== 0) {
      throw new Error(`directus bootstrap failed (exit ${code}); if ${dataDir} holds a half-initialized database, delete that directory and retry`);
    }
    await writeFile(marker, `${new Date().toISOString()}\n`);
    await rm(inProgress, { force: true });
    log(`bootstrap done in ${Date.now() - started} ms`);
  }

  const started = Date.now();
  const child = run(["start"]);
  pipeLines(child);
  let exited = null;
  // Never leave an orphaned Directus behind if this process ends without calling stop().
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exitPromise = new Promise((done) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      process.off("exit", killOnExit);
      // The sink serves this Directus only.
      sink?.stop();
      done(exited);
    }),
  );

  const stop = async (timeoutMs = 10_000) => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => {
      if (!exited) child.kill("SIGKILL");
    }, timeoutMs);
    await exitPromise;
    clearTimeout(timer);
  };

  try {
    await waitForHealth(url, () => exited, startTimeoutMs, signal);
  } catch (error) {
    await stop(2_000);
    throw error;
  }
  log(`listening at ${url} (ready in ${Date.now() - started} ms)`);

  return { url, adminEmail, adminPassword, credentialsFile: credentials.file, dataDir, mailDir: sink?.dir ?? null, pid: child.pid, exited: exitPromise, stop };
}

async function waitForHealth(url, hasExited, timeoutMs, signal) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    const exit = hasExited();
    if (exit) throw new Error(`directus exited before it was ready (code ${exit.code}, signal ${exit.signal})`);
    try {
      const response = await fetch(`${url}/server/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`directus did not answer ${url}/server/health within ${timeoutMs} ms`);
}
