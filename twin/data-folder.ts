/** The twin's data folder and the services' folders in it (DynamoDB Local, S3, the Step Functions journal). */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Creates `dir` when missing and proves it writable with a probe file (access() says yes to root even on a
 * read-only mount); throws one sentence naming `what` otherwise.
 */
export function assertWritableFolder(dir: string, what: string): void {
  const probe = path.join(dir, `.write-probe-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new Error(`The ${what} ${dir} is not writable: fix its permissions or choose another data folder.`, {
      cause: error,
    });
  }
}
