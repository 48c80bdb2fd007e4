export declare const directusCli: string;
export declare const CREDENTIALS_FILE: string;

export interface LocalCredentials {
  adminEmail: string;
  adminPassword: string;
  secret: string;
  file: string;
}

export interface StartDirectusOptions {
  /** Defaults to env.PORT, then 8055. Directus always listens on 127.0.0.1. */
  port?: number;
  /** Holds the SQLite DB (unless env.DB_CLIENT names another database), uploads, extensions and local-credentials.json. */
  dataDir: string;
  /** Extra Directus settings; merged over process.env and passed unchanged. */
  env?: Record<string, string | undefined>;
  /** Receives each line Directus prints. Default: stdout with a "[directus]" prefix. */
  log?: (line: string) => void;
  startTimeoutMs?: number;
  /** Aborting it during startup kills the bootstrap/start child and rejects. */
  signal?: AbortSignal;
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
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, wait for exit, SIGKILL after timeoutMs (default 10 s). */
  stop(timeoutMs?: number): Promise<void>;
}

export declare function getFreePort(): Promise<number>;
export declare function loadOrCreateCredentials(dataDir: string): Promise<LocalCredentials>;
export declare function startDirectus(options: StartDirectusOptions): Promise<RunningDirectus>;
