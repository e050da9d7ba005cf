// Types of scripts/ensure-console.mjs for the tests (the script itself stays plain Node).
export declare function newestMtime(folder: string, skip: ReadonlySet<string>): number;
export declare const SHARED_SOURCES: readonly string[];
export declare function isConsoleStale(consoleDir: string, shared?: readonly string[]): boolean;
