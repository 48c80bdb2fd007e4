export declare const CONTENT_MAX: number;
export declare function fill(unit: string, options?: { prefix?: string; suffix?: string; max?: number }): string;
export declare const corpus: Record<string, () => string>;
export declare const realisticPosts: Record<string, () => string>;
export declare function buildCorpus(): Array<{ name: string; text: string }>;
export declare function random(seed: number): () => number;
export declare function fuzzCases(options?: { seed?: number; count?: number; max?: number }): Generator<{ name: string; text: string }>;
