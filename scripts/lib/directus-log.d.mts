export declare function isExpectedResetRefusal(line: string): boolean;
