export type RunResult = { code: number; stdout: string; stderr: string };
export type RunOptions = { echo?: boolean; input?: string; env?: NodeJS.ProcessEnv; cwd?: string };

/** Sets CONTAINERS_CONF (runc, no default ulimits) once and returns the environment podman runs with. */
export declare function podmanEnv(): NodeJS.ProcessEnv;
/** Runs a command to its end; resolves with its exit code and output, never rejects on a non-zero exit. */
export declare function run(command: string, args: string[], options?: RunOptions): Promise<RunResult>;
/** `podman <args>`'s trimmed stdout; throws with podman's message when it fails. */
export declare function podman(args: string[], options?: RunOptions): Promise<string>;
export declare function imageExists(name: string): boolean;
/** apt-get installs podman, runc, debootstrap and podman-compose when a command is missing. */
export declare function ensureTools(log?: (line: string) => void): Promise<void>;
/** Removes the containers whose names start with `prefix` (left behind by a run that was killed). */
export declare function removeLeftovers(prefix: string): Promise<string[]>;
