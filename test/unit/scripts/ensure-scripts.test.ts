import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isConsoleStale } from '../../../scripts/ensure-console.mjs';
import { type Check, chromiumCheck, firstFailure } from '../../../scripts/ensure-env.mjs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'anju-scripts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the Chromium check of ensure-env', () => {
  const missing = () => path.join(dir, 'chromium');
  const font = () => path.join(dir, 'wqy-microhei.ttc');

  it('passes when Chromium and the CJK font are there, without installing anything', () => {
    const executable = missing();
    writeFileSync(executable, '');
    writeFileSync(font(), '');
    let installs = 0;
    const check = chromiumCheck({ executable, font: font(), isRoot: true, install: () => ++installs > 0 });

    expect(firstFailure('test', [check])).toBeUndefined();
    expect(installs).toBe(0);
  });

  it.each([
    ['Chromium', false],
    ['the CJK font', true],
  ])('installs when %s is missing and running as root, then goes on', (_what, chromiumThere) => {
    const executable = missing();
    if (chromiumThere) writeFileSync(executable, '');
    let installs = 0;
    const check = chromiumCheck({
      executable,
      font: font(),
      isRoot: true,
      install: () => {
        installs += 1;
        writeFileSync(executable, '');
        writeFileSync(font(), '');
        return true;
      },
    });

    expect(firstFailure('test', [check])).toBeUndefined();
    expect(installs).toBe(1);
  });

  it('stops with one sentence when the installation fails as root', () => {
    const check = chromiumCheck({ executable: missing(), font: font(), isRoot: true, install: () => false });
    expect(firstFailure('test', [check])).toMatch(
      /^Chromium could not be installed.*apt-get install -y chromium fonts-wqy-microhei/,
    );
  });

  it('stops with one sentence saying to use sudo when not root, and never tries to install', () => {
    let installs = 0;
    const check = chromiumCheck({ executable: missing(), font: font(), isRoot: false, install: () => ++installs > 0 });

    expect(firstFailure('test', [check])).toBe(
      'The browser tests need Chromium: run `sudo apt-get install -y chromium fonts-wqy-microhei` and try again.',
    );
    expect(installs).toBe(0);
  });

  it('is needed by the tests only, not by npm start', () => {
    const check = chromiumCheck({ executable: missing(), isRoot: false });
    expect(firstFailure('start', [check])).toBeUndefined();
  });

  it('reports the first failing check and stops there', () => {
    const failing = (message: string): Check => ({ needed: ['test'], ok: () => false, message });
    expect(firstFailure('test', [failing('first'), failing('second')])).toBe('first');
  });
});

describe('isConsoleStale of ensure-console', () => {
  const write = (relative: string, mtimeSeconds: number) => {
    const file = path.join(dir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, relative);
    utimesSync(file, mtimeSeconds, mtimeSeconds);
  };
  const settleFolders = (seconds: number) => {
    for (const folder of ['', 'src', 'dist', 'dist/assets']) utimesSync(path.join(dir, folder), seconds, seconds);
  };

  it('is stale without a build', () => {
    write('src/main.tsx', 1000);
    expect(isConsoleStale(dir)).toBe(true);
  });

  it('is current when the build is newer than every source, and stale when a source changes', () => {
    write('index.html', 1000);
    write('src/main.tsx', 1000);
    write('dist/index.html', 2000);
    write('dist/assets/index-AbCd1234.js', 2000);
    settleFolders(1000);
    expect(isConsoleStale(dir)).toBe(false);

    write('src/main.tsx', 3000);
    expect(isConsoleStale(dir)).toBe(true);
  });

  it('is stale when a shared folder the console bundles (labels, schemas) changes after the build', () => {
    write('src/main.tsx', 1000);
    write('dist/index.html', 2000);
    write('dist/assets/index-AbCd1234.js', 2000);
    settleFolders(1000);
    const shared = mkdtempSync(path.join(os.tmpdir(), 'anju-shared-'));
    try {
      const labels = path.join(shared, 'labels.ts');
      writeFileSync(labels, 'labels');
      utimesSync(labels, 1000, 1000);
      utimesSync(shared, 1000, 1000);
      expect(isConsoleStale(dir, [shared])).toBe(false);

      utimesSync(labels, 3000, 3000);
      expect(isConsoleStale(dir, [shared])).toBe(true);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('ignores what is inside dist itself', () => {
    write('src/main.tsx', 1000);
    write('dist/index.html', 2000);
    write('dist/assets/late-AbCd1234.js', 5000);
    settleFolders(1000);
    expect(isConsoleStale(dir)).toBe(false);
  });
});
