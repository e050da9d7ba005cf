#!/usr/bin/env node
// Builds the staff console (`console/dist/`) when it is missing or older than any file of
// `console/` or of the shared folders it imports (`domain/`, `process/`, `contract/`), so `npm start`, `npm test` and `cdk synth` (which deploys console/dist) never serve
// or ship a stale build. Up to date, it only compares modification times (a few milliseconds).
// Plain Node, no dependencies. Usage: node scripts/ensure-console.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time under `folder`, skipping the names in `skip` (build output, dependencies). */
export function newestMtime(folder, skip) {
  let newest = statSync(folder).mtimeMs;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const full = path.join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full, skip) : statSync(full).mtimeMs);
  }
  return newest;
}

/** The folders outside `console/` whose modules the console bundles (labels, schemas, the process, the contract). */
export const SHARED_SOURCES = ['domain', 'process', 'contract'];

/** True when `<consoleDir>/dist/index.html` is missing or older than a source of the console or of a shared folder. */
export function isConsoleStale(consoleDir, shared = SHARED_SOURCES.map((name) => path.join(consoleDir, '..', name))) {
  const built = path.join(consoleDir, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const skip = new Set(['dist', 'node_modules']);
  const newest = Math.max(
    newestMtime(consoleDir, skip),
    ...shared.filter((folder) => existsSync(folder)).map((folder) => newestMtime(folder, skip)),
  );
  return newest > statSync(built).mtimeMs;
}

function main() {
  const consoleDir = path.join(root, 'console');
  if (!isConsoleStale(consoleDir)) return;
  const vite = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vite.cmd' : 'vite');
  const result = spawnSync(vite, ['build', '--config', path.join(consoleDir, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: root,
    // A test runner's NODE_ENV=test would give React's development build; the console always ships the production one.
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.error || result.status !== 0) {
    console.error(
      'The staff console did not build (see the messages above): fix the error under console/ and run `npm run build:console`.',
    );
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
