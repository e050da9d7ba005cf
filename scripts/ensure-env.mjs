#!/usr/bin/env node
// Checks what `npm start` and `npm test` need from the machine before anything else runs, and
// says in one sentence what to install when something is missing. Plain Node, no dependencies.
// Usage: node scripts/ensure-env.mjs start|test
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the browser tests (playwright-core) expect Debian's Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** A CJK font, without which the console's screenshots show boxes instead of Chinese. */
export const CJK_FONT_PATH = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
const BROWSER_PACKAGES = ['chromium', 'fonts-wqy-microhei'];

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

/** `apt-get update && apt-get install -y chromium fonts-wqy-microhei`, quietly; true when both succeeded. */
function aptInstallChromium() {
  console.error('The browser tests need Chromium: installing it with apt-get (about 115 MB to fetch)...');
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  const update = spawnSync('apt-get', ['update', '-qq'], quiet);
  if (update.error || update.status !== 0) return false;
  const install = spawnSync('apt-get', ['install', '-y', '-qq', ...BROWSER_PACKAGES], quiet);
  return !install.error && install.status === 0;
}

/**
 * Chromium for the browser tests. Missing, it is installed when running as root (containers, CI)
 * and the run goes on; otherwise the run stops and says how to install it.
 */
export function chromiumCheck({
  executable = CHROMIUM_PATH,
  font = CJK_FONT_PATH,
  isRoot = process.getuid?.() === 0,
  install = aptInstallChromium,
} = {}) {
  return {
    needed: ['test'],
    ok: () => existsSync(executable) && existsSync(font),
    fix: () => isRoot && install() && existsSync(executable) && existsSync(font),
    message: isRoot
      ? `Chromium could not be installed for the browser tests: run \`apt-get update && apt-get install -y ${BROWSER_PACKAGES.join(' ')}\` and try again (it must end up at ${executable}).`
      : `The browser tests need Chromium: run \`sudo apt-get install -y ${BROWSER_PACKAGES.join(' ')}\` and try again.`,
  };
}

export const checks = [
  {
    needed: ['start', 'test'],
    ok: () => (javaMajorVersion() ?? 0) >= 17,
    message:
      'Anju needs Java 17 for DynamoDB Local: run `apt-get install -y openjdk-17-jre-headless` (or install Java 17) and try again.',
  },
  chromiumCheck(),
];

/** The message of the first needed check that fails and cannot be fixed, or undefined when all pass. */
export function firstFailure(purpose, list = checks) {
  for (const check of list) {
    if (!check.needed.includes(purpose) || check.ok()) continue;
    if (check.fix?.()) continue;
    return check.message;
  }
  return undefined;
}

function main() {
  const purpose = process.argv[2] ?? 'start';
  if (purpose !== 'start' && purpose !== 'test') {
    console.error(`Usage: node scripts/ensure-env.mjs start|test (got "${purpose}").`);
    process.exit(2);
  }
  const failure = firstFailure(purpose);
  if (failure !== undefined) {
    console.error(failure);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
