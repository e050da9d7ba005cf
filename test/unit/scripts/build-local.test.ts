import { execFileSync } from 'node:child_process';
import { rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundle, bundlePathOf, isBundleStale, LOCAL_BUNDLE } from '../../../scripts/build-local.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ENTRY = 'test/unit/scripts/fixtures/greeting.ts';
const IMPORTED = path.join(ROOT, 'test/unit/scripts/fixtures/greeting-text.ts');
const BUNDLE = bundlePathOf(ENTRY);
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');

// The imported module's modification time is set in the past, so a module just written by the checkout or an editor
// cannot look newer than the bundle built a moment later.
const putBackInThePast = () => {
  const past = new Date(Date.now() - 3_600_000);
  utimesSync(IMPORTED, past, past);
};

afterAll(() => {
  putBackInThePast();
  for (const suffix of ['.mjs', '.mjs.map', '.inputs.json']) rmSync(BUNDLE.replace(/\.mjs$/, suffix), { force: true });
});

describe('scripts/build-local', () => {
  it('puts each bundle one folder below the root, named after the folder and file of its entry', () => {
    expect(LOCAL_BUNDLE).toBe(path.join(ROOT, '.build', 'twin-start.mjs'));
    expect(bundlePathOf('bench/lifecycle.ts')).toBe(path.join(ROOT, '.build', 'bench-lifecycle.mjs'));
  });

  it('builds a bundle that runs on plain Node, and rebuilds it only when a file it was built from changes', async () => {
    putBackInThePast();
    rmSync(BUNDLE, { force: true });
    expect(isBundleStale(ENTRY)).toBe(true);

    await buildBundle(ENTRY);
    expect(execFileSync(NODE, [BUNDLE, 'Anju', '安居'], { encoding: 'utf8' })).toBe('你好, Anju & 安居\n');
    expect(isBundleStale(ENTRY)).toBe(false);
    const builtAt = statSync(BUNDLE).mtimeMs;

    await buildBundle(ENTRY);
    expect(statSync(BUNDLE).mtimeMs).toBe(builtAt);

    // An imported module, not only the entry, makes the bundle stale: touch it now, with the bundle made a minute older.
    const minuteBefore = new Date(builtAt - 60_000);
    utimesSync(BUNDLE, minuteBefore, minuteBefore);
    utimesSync(IMPORTED, new Date(builtAt - 1_000), new Date(builtAt - 1_000));
    expect(isBundleStale(ENTRY)).toBe(true);
    await buildBundle(ENTRY);
    expect(isBundleStale(ENTRY)).toBe(false);
  });

  it('runs an entry in-process with its arguments (`--run`), as npm start and the benchmarks do', () => {
    const output = execFileSync(NODE, ['scripts/build-local.mjs', '--run', ENTRY, 'county'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(output).toBe('你好, county\n');
  });
});
