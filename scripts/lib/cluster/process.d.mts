import type { ChildProcess } from "node:child_process";

export interface ServiceProcess {
  name: string;
  pid: number | undefined;
  logFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** stopSignal (default SIGTERM), then SIGKILL after timeoutMs; resolves once it is gone. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartProcessOptions {
  name: string;
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user (root only). */
  uid?: number;
  gid?: number;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Polled every 100 ms until it resolves true. */
  ready?: () => Promise<boolean>;
  readyTimeoutMs?: number;
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
}

export declare function startProcess(options: StartProcessOptions): Promise<ServiceProcess>;
export declare function runCommand(options: Omit<StartProcessOptions, "ready" | "readyTimeoutMs" | "stopSignal" | "stopTimeoutMs">): Promise<void>;
export declare function killOnExit(child: ChildProcess): void;
export declare function isListening(port: number, host?: string): Promise<boolean>;
export declare function tail(file: string, lines?: number): Promise<string>;
export declare function sleep(ms: number): Promise<void>;
