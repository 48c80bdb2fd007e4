import type { ChildProcess } from "node:child_process";

export interface StartAppOptions {
  directusUrl: string;
  /** The folder holding server.mjs and build/. Default: the project root. */
  cwd?: string;
  /** Extra environment for the app (a random SESSION_SECRET, NODE_ENV=production and APP_URL, its own URL, are set). */
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** The host name in the returned URL (the server listens on 127.0.0.1). */
  host?: string;
  /** Default: a free port. A fixed one lets a proxy find the app again after a restart. */
  port?: number;
  startTimeoutMs?: number;
}

export interface RunningApp {
  url: string;
  process: ChildProcess;
  pid: number | undefined;
  stop(): Promise<void>;
  output(): string;
}

export declare function startApp(options: StartAppOptions): Promise<RunningApp>;
