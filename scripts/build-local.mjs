#!/usr/bin/env node
// Bundles a TypeScript entry (by default the local stack's, `twin/start.ts`, with the domain code it
// imports) into `.build/<folder>-<name>.mjs` with esbuild, so `npm start`, the tests and the
// benchmarks run it on plain Node instead of under tsx. Under tsx every Lambda bundle the stack
// loads in-process went through tsx's loader as well: start-up took 11 s longer and the stack held
// about 1.1 GB instead of about 0.3 GB (bench/RESULTS.md).
// Packages stay external (they load from node_modules); a build takes under a second and is skipped
// when no input changed. Plain Node plus esbuild.
// Usage: node scripts/build-local.mjs [entry.ts ...]          builds (prints nothing; exits 1 naming the error)
//        node scripts/build-local.mjs --run entry.ts [args]   builds, then runs the bundle in this process
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(root, '.build');

/**
 * Where the bundle of `entry` goes: one folder below the root, as the entry itself is, so code that finds the
 * project root as `..` of its own file finds the same root from the bundle.
 */
export function bundlePathOf(entry = 'twin/start.ts') {
  const { dir, name } = path.parse(path.relative(root, path.resolve(root, entry)));
  return path.join(OUT_DIR, `${dir.split(path.sep).join('-')}-${name}.mjs`);
}

/** The bundle `npm start` runs. */
export const LOCAL_BUNDLE = bundlePathOf('twin/start.ts');

const inputsFileOf = (bundle) => bundle.replace(/\.mjs$/, '.inputs.json');

/** True when the bundle is missing, or one of the files it was built from changed or is gone. */
export function isBundleStale(entry = 'twin/start.ts') {
  const bundle = bundlePathOf(entry);
  let builtAt;
  let inputs;
  try {
    builtAt = statSync(bundle).mtimeMs;
    inputs = JSON.parse(readFileSync(inputsFileOf(bundle), 'utf8'));
  } catch {
    return true;
  }
  return [...inputs, 'package-lock.json', 'scripts/build-local.mjs'].some((input) => {
    try {
      return statSync(path.join(root, input)).mtimeMs > builtAt;
    } catch {
      return true;
    }
  });
}

/**
 * Builds the bundle of `entry` when stale and returns its path. Each file is written under a temporary name and
 * renamed, so two runs at once never leave a half-written file.
 */
export async function buildBundle(entry = 'twin/start.ts') {
  const bundle = bundlePathOf(entry);
  if (!isBundleStale(entry)) return bundle;
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: bundle,
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
  mkdirSync(OUT_DIR, { recursive: true });
  const unique = `${process.pid}-${Date.now()}`;
  const files = [
    { target: inputsFileOf(bundle), contents: JSON.stringify(Object.keys(result.metafile.inputs)) },
    ...result.outputFiles.map((file) => ({ target: file.path, contents: file.contents })),
  ];
  // The bundle last: its modification time is what the inputs are compared with.
  files.sort((a, b) => Number(a.target === bundle) - Number(b.target === bundle));
  for (const { target, contents } of files) {
    const temporary = `${target}.${unique}.tmp`;
    writeFileSync(temporary, contents);
    renameSync(temporary, target);
  }
  return bundle;
}

async function cli(args) {
  if (args[0] === '--run') {
    const [, entry, ...rest] = args;
    if (!entry) throw new Error('--run needs the entry to run, e.g. --run twin/start.ts');
    const bundle = await buildBundle(entry);
    // The bundle sees itself as the script Node was started with, as if run as `node <bundle> args`.
    process.argv = [process.argv[0] ?? 'node', bundle, ...rest];
    process.setSourceMapsEnabled(true);
    await import(pathToFileURL(bundle).href);
    return;
  }
  await Promise.all((args.length > 0 ? args : ['twin/start.ts']).map((entry) => buildBundle(entry)));
}

// Compared with where this script lives, not with import.meta.url: the harness imports this file, and inside a bundled
// benchmark import.meta.url is the benchmark's own bundle, the very script Node runs.
if (process.argv[1] && path.resolve(process.argv[1]) === path.join(root, 'scripts', 'build-local.mjs')) {
  cli(process.argv.slice(2)).catch((error) => {
    console.error(error?.errors?.length ? error.message : (error?.stack ?? String(error)));
    console.error('The bundle did not build or run (see the messages above): fix the error and run again.');
    process.exit(1);
  });
}
