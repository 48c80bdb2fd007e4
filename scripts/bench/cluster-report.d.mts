import type { SideResult } from "./load.mjs";

export declare const TIERS: Record<string, string[]>;
export declare function coresByTier(side: Pick<SideResult, "cpuMsPerRequest">, tiers?: Record<string, string[]>): Record<string, number>;
export declare function busiestTier(cores: Record<string, number>): { tier: string; cores: number };

export interface ClusterRow {
  page: string;
  connections: number;
  oneApp: SideResult;
  twoApps: SideResult;
  floor: SideResult;
  sessionFloor: SideResult;
  twoAppsOverOneApp: number;
  oneAppRatio: number;
  twoAppsRatio: number;
  sessionFloorRatio: number;
  cores: Record<"oneApp" | "twoApps" | "floor" | "sessionFloor", Record<string, number>>;
}

export declare function clusterRow(input: { page: string; connections: number; measured: Record<string, SideResult> }): ClusterRow;
export declare function printClusterReport(results: unknown): void;
