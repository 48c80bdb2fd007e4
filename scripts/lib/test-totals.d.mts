export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
  problems: string[];
}
export declare function createTotals(): Totals;
export declare function addVitestReport(totals: Totals, file: string, status: number): void;
export declare function addPlaywrightReport(totals: Totals, file: string, status: number): void;
export declare function addSummaryLine(totals: Totals, name: string, output: string, status: number): void;
export declare function isGreen(totals: Totals): boolean;
export declare function summaryLine(totals: Totals): string;
