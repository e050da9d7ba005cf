#!/usr/bin/env node
// Bundles the local stack (`local/main.ts` and the domain code it imports) into `.build/local.mjs`
// with esbuild, so `npm start` and the tests run it on plain Node instead of under tsx. Under tsx
// every Lambda bundle the stack loads in-process went through tsx's loader as well: start-up took
// 11 s longer and the stack held about 1.1 GB instead of about 0.3 GB (bench/RESULTS.md).
// Packages stay external (they load from node_modules); a build takes under a second and is skipped
// when no input changed. Plain Node plus esbuild. Usage: node scripts/build-local.mjs
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The bundle `npm start` runs; it sits one folder below the root, as `local/main.ts` does, so its root is `..`. */
export const LOCAL_BUNDLE = path.join(root, '.build', 'local.mjs');
const INPUTS = path.join(root, '.build', 'local.inputs.json');

/** True when the bundle is missing, or one of the files it was built from changed or is gone. */
export function isLocalBuildStale() {
  let builtAt;
  let inputs;
  try {
    builtAt = statSync(LOCAL_BUNDLE).mtimeMs;
    inputs = JSON.parse(readFileSync(INPUTS, 'utf8'));
  } catch {
    return true;
  }
  const sources = [...inputs, 'package-lock.json', 'scripts/build-local.mjs'];
  return sources.some((input) => {
    try {
      return statSync(path.join(root, input)).mtimeMs > builtAt;
    } catch {
      return true;
    }
  });
}

/** Builds the bundle when stale. Each file is written under a temporary name and renamed, so two runs never mix. */
export async function buildLocal() {
  if (!isLocalBuildStale()) return false;
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['local/main.ts'],
    outfile: LOCAL_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(path.dirname(LOCAL_BUNDLE), { recursive: true });
  const unique = `${process.pid}-${Date.now()}`;
  const written = [
    ...result.outputFiles.map((file) => ({ target: file.path, contents: file.contents })),
    { target: INPUTS, contents: JSON.stringify(Object.keys(result.metafile.inputs)) },
  ];
  // The bundle last, so a bundle never names inputs older than the ones it was built from.
  written.sort((a, b) => Number(a.target === LOCAL_BUNDLE) - Number(b.target === LOCAL_BUNDLE));
  for (const { target, contents } of written) {
    const temporary = `${target}.${unique}.tmp`;
    writeFileSync(temporary, contents);
    renameSync(temporary, target);
  }
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildLocal().catch((error) => {
    console.error(
      `${error.message}\nThe local stack did not build (see the messages above): fix the error and run \`npm start\` again.`,
    );
    process.exit(1);
  });
}
