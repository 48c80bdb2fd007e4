import type { KeptMessage } from "./mail-sink.mjs";

export declare const directusCli: string;
export declare const CREDENTIALS_FILE: string;
/** This repository's Directus extensions folder: every Directus started here loads it (EXTENSIONS_PATH). */
export declare const EXTENSIONS_DIR: string;

export interface LocalCredentials {
  adminEmail: string;
  adminPassword: string;
  secret: string;
  file: string;
}

export interface StartDirectusOptions {
  /** Defaults to env.PORT, then 8055. Directus always listens on 127.0.0.1. */
  port?: number;
  /** Holds the SQLite DB (unless env.DB_CLIENT names another database), uploads, mail and local-credentials.json. */
  dataDir: string;
  /** Extra Directus settings; merged over process.env and passed unchanged. */
  env?: Record<string, string | undefined>;
  /** Receives each line Directus prints. Default: stdout with a "[directus]" prefix. */
  log?: (line: string) => void;
  startTimeoutMs?: number;
  /** Aborting it during startup kills the bootstrap/start child and rejects. */
  signal?: AbortSignal;
  /** The app's public URL, whose account links go on Directus's URL allow lists. Default: env APP_URL, then the dev server's URL. */
  appUrl?: string;
  /** Called with each message the local mail sink keeps (the sink runs unless env sets EMAIL_TRANSPORT). */
  onMail?: (message: KeptMessage) => void;
  /**
   * Default true: bootstrap first when needed (a SQLite database without its marker, or any other
   * database, every time). false: only start, for the second and later instances on a shared database.
   */
  bootstrap?: boolean;
}

export interface RunningDirectus {
  url: string;
  adminEmail: string;
  adminPassword: string;
  credentialsFile: string;
  dataDir: string;
  /** Where the local mail sink keeps the messages Directus sends; null with a caller's EMAIL_TRANSPORT. */
  mailDir: string | null;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, wait for exit, SIGKILL after timeoutMs (default 10 s). */
  stop(timeoutMs?: number): Promise<void>;
}

export declare function getFreePort(): Promise<number>;
export declare function loadOrCreateCredentials(dataDir: string): Promise<LocalCredentials>;
export declare function startDirectus(options: StartDirectusOptions): Promise<RunningDirectus>;

/** Directus's settings for the account flows: the app's links on its URL allow lists and, given the sink's port, SMTP to it. */
export declare function directusAccountEnv(options: { appUrl: string; smtpPort?: number | null }): Record<string, string>;
