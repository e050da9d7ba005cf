// Types of scripts/ensure-env.mjs for the tests (the script itself stays plain Node).
export type Purpose = 'start' | 'test';
export interface Check {
  readonly needed: readonly Purpose[];
  ok(): boolean;
  /** Tries to repair a failed check; true when the check now passes. */
  fix?(): boolean;
  readonly message: string;
}
export declare const CHROMIUM_PATH: string;
export declare const CJK_FONT_PATH: string;
export declare function chromiumCheck(options?: {
  executable?: string;
  font?: string;
  isRoot?: boolean;
  install?: () => boolean;
}): Check;
export declare const checks: readonly Check[];
export declare function firstFailure(purpose: Purpose, list?: readonly Check[]): string | undefined;
