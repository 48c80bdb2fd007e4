import type { ClusterSettings } from "./settings.mjs";
import type { ServiceProcess } from "./process.mjs";

export interface ServerStats {
  backend: string;
  server: string;
  /** UP, DOWN, or a transition such as "UP 1/2". */
  status: string;
  requests: number;
  responses5xx: number;
  checkStatus: string;
}

export declare const configFile: string;
export declare function startHaproxy(settings: ClusterSettings, binaries: { haproxy: string }): Promise<ServiceProcess>;
export declare function readStats(statsSocket: string): Promise<ServerStats[]>;
