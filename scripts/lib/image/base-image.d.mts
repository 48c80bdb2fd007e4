export declare function nodeVersion(): string;
export declare function baseImageName(version?: string): string;
export declare function debianMirror(): Promise<string>;
/** Makes the stand-in base image when none of that name exists; true when it made one. */
export declare function ensureBaseImage(options?: { log?: (line: string) => void }): Promise<boolean>;
