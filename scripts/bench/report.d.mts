import type { SideResult } from "./load.mjs";

export declare const fmt: { n(value: number, digits?: number): string; kb(bytes: number): string };
export declare function table(rows: unknown[][]): string;
export declare function failedRows<Row extends Record<string, unknown>>(load: Row[], sides: string[]): Row[];

/** One side's CPU per request over another's: the whole run's, and the spread of its slice pairs. */
export interface CpuRatio {
  total: number;
  slices: number;
  median: number;
  low: number;
  high: number;
}
export declare function cpuRatio(a: Pick<SideResult, "cpuMsPerRequest" | "cpuMsPerRequestBySlice">, nameA: string, b: Pick<SideResult, "cpuMsPerRequest" | "cpuMsPerRequestBySlice">, nameB: string): CpuRatio;
