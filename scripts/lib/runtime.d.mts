export declare const root: string;
export declare const nodeHeadersDir: string;
export declare const directusBin: string;
export declare function assertPinnedNode(): void;
export declare function useCompileCache(): void;
