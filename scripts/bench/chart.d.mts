export declare function chartSvg(results: unknown): string;
export declare function writeChart(results: unknown, file: string): Promise<void>;
