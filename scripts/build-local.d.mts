// Types of scripts/build-local.mjs for the tests and benchmarks (the script itself stays plain Node).
export declare function bundlePathOf(entry?: string): string;
export declare const LOCAL_BUNDLE: string;
export declare function isBundleStale(entry?: string): boolean;
export declare function buildBundle(entry?: string): Promise<string>;
