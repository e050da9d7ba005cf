#!/usr/bin/env node
// Checks what `npm start` and `npm test` need from the machine before anything else runs, and
// says in one sentence what to install when something is missing. Plain Node, no dependencies.
// Usage: node scripts/ensure-env.mjs start|test
import { spawnSync } from 'node:child_process';

const purpose = process.argv[2] ?? 'start';
if (purpose !== 'start' && purpose !== 'test') {
  console.error(`Usage: node scripts/ensure-env.mjs start|test (got "${purpose}").`);
  process.exit(2);
}

/** The major version of the Java on PATH, or undefined when there is none. */
function javaMajorVersion() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  // `java -version` prints to stderr, e.g. `openjdk version "17.0.15" 2025-04-15` or `"1.8.0_392"`.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

const checks = [
  {
    needed: ['start', 'test'],
    ok: () => (javaMajorVersion() ?? 0) >= 17,
    message:
      'Anju needs Java 17 for DynamoDB Local: run `apt-get install -y openjdk-17-jre-headless` (or install Java 17) and try again.',
  },
  // Hook for the browser tests: add a check here (needed: ['test']) for Chromium when they arrive.
];

for (const check of checks) {
  if (check.needed.includes(purpose) && !check.ok()) {
    console.error(check.message);
    process.exit(1);
  }
}
