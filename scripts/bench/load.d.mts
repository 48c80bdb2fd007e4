/** Throughput, latency and counts of a run of load, one slice or a side's slices combined. */
export interface Counts {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  requests: number;
}

/** One autocannon run, with the CPU seconds each sampled name used during it. */
export interface Slice extends Counts {
  cpu: Record<string, number>;
}

/** A side's slices combined. */
export interface SideResult extends Counts {
  /** CPU milliseconds each sampled name spent per request answered. */
  cpuMsPerRequest: Record<string, number>;
  /** The same for each slice, in the order they ran (NaN where a slice answered nothing). */
  cpuMsPerRequestBySlice: Record<string, number[]>;
}

export interface Side {
  url: string;
  headers: Record<string, string>;
  prepare?: () => Promise<void>;
}

export type CpuSampler = () => Promise<Record<string, number>>;

export declare function cannon(url: string, options: { connections: number; duration: number; headers: Record<string, string> }, sampleCpu: CpuSampler): Promise<Slice>;
export declare function measureSides(sides: Record<string, Side>, connections: number, options: { duration: number; sampleCpu: CpuSampler }): Promise<Record<string, SideResult>>;
export declare function warmUpPages(
  pages: Array<{ name: string; sides: Record<string, Side> }>,
  options: { seconds: number; connections: number; sampleCpu: CpuSampler; log: (line: string) => void },
): Promise<void>;
export declare function combine(slices: Slice[]): SideResult;
