/** A failed test: the part of the run it was in, its file, and its name or the file's error. */
export interface Failure {
  part?: string;
  where?: string;
  what: string;
}
export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
  problems: string[];
  failures: Failure[];
}
export declare function createTotals(): Totals;
export declare function addVitestReport(totals: Totals, file: string, status: number, part?: string): void;
export declare function addPlaywrightReport(totals: Totals, file: string, status: number, part?: string): void;
export declare function addSummaryLine(totals: Totals, name: string, output: string, status: number): void;
export declare function isGreen(totals: Totals): boolean;
export declare function summaryLine(totals: Totals): string;
export declare function failureLines(totals: Totals, root?: string): string[];
