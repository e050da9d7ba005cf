// Types of scripts/build-local.mjs for the tests and benchmarks (the script itself stays plain Node).
export declare const LOCAL_BUNDLE: string;
export declare function isLocalBuildStale(): boolean;
export declare function buildLocal(): Promise<boolean>;
