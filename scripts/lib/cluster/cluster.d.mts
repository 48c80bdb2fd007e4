import type { RunningApp } from "../app-process.mjs";
import type { RunningDirectus } from "../directus-process.mjs";
import type { ServerStats } from "./haproxy.mjs";
import type { ClusterSettings } from "./settings.mjs";

export interface Cluster {
  settings: ClusterSettings;
  /** Running instances in the settings' order; null while one is stopped. */
  directus: Array<RunningDirectus | null>;
  apps: Array<RunningApp | null>;
  stats(): Promise<ServerStats[]>;
  waitForStatus(server: string, status: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM to that instance's PID; resolves once it has exited. */
  stopDirectus(index: number): Promise<void>;
  /** Starts it again on the same port (no bootstrap). */
  startDirectus(index: number): Promise<RunningDirectus>;
  /** Restarts every Directus instance with `env` on top of the settings' (and saves them). */
  restartDirectus(env: Record<string, string>): Promise<void>;
  stopApp(index: number): Promise<void>;
  startApp(index: number): Promise<RunningApp>;
  /** Stops everything still running. */
  stop(): Promise<void>;
}

export declare function startCluster(settings: ClusterSettings, options?: { log?: (line: string) => void }): Promise<Cluster>;
