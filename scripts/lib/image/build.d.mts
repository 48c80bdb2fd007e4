/** The tag `npm run test:image` builds and tests. */
export declare const IMAGE: string;
export declare function buildImage(options?: { dockerfile?: string; tag?: string; echo?: boolean }): Promise<string>;
export declare function imageSize(tag?: string): Promise<number>;
