import type { RunningApp } from "../app-process.mjs";
import type { RunningDirectus } from "../directus-process.mjs";
import type { ServerStats } from "./haproxy.mjs";
import type { ServiceProcess } from "./process.mjs";
import type { ClusterSettings } from "./settings.mjs";

export interface Cluster {
  settings: ClusterSettings;
  /** Running instances in the settings' order; null while one is stopped. */
  directus: Array<RunningDirectus | null>;
  apps: Array<RunningApp | null>;
  /** PostgreSQL, Redis and HAProxy, for their PIDs (the mail sink runs inside this process); null once stopped. */
  services: { postgres: ServiceProcess | null; redis: ServiceProcess | null; haproxy: ServiceProcess | null };
  stats(): Promise<ServerStats[]>;
  /** A server's weight in its HAProxy backend: "0" takes it out of the rotation (still running and checked), "100%" puts it back. */
  setWeight(server: string, weight: string): Promise<void>;
  waitForStatus(server: string, status: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM to that instance's PID; resolves once it has exited. */
  stopDirectus(index: number): Promise<void>;
  /** Starts it again on the same port (no bootstrap). */
  startDirectus(index: number): Promise<RunningDirectus>;
  /** Restarts every Directus instance with `env` on top of the settings' (and saves them). */
  restartDirectus(env: Record<string, string>): Promise<void>;
  stopApp(index: number): Promise<void>;
  startApp(index: number): Promise<RunningApp>;
  /** Closes the app instances' connections to Redis and refuses new ones, as a stopped Redis does (Directus keeps its own). */
  cutAppRedis(): Promise<void>;
  /** Takes the apps' connections to Redis again. */
  restoreAppRedis(): Promise<void>;
  /** Stops everything still running. */
  stop(): Promise<void>;
}

export declare function startCluster(
  settings: ClusterSettings,
  options?: {
    log?: (line: string) => void;
    /** The folder holding the app's server.mjs and build/; default: the project. */
    appDir?: string;
    appNodeArgs?: string[];
  },
): Promise<Cluster>;
