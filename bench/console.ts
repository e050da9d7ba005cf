/**
 * `npm run bench:console`: how heavy the console is and how soon a phone can use it.
 *
 * 1. Builds the console (Vite, with its manifest) and prints the JavaScript each screen needs, raw,
 *    gzipped and in brotli: what index.html loads (every screen needs it), then each route's own
 *    chunks on top. The budget is the first screen: index.html's JavaScript plus the screen's own.
 * 2. Starts the local stack in-process (temp data, fast waits) and opens the console in Debian's
 *    Chromium on the phone profile of issue 16 (1.6 Mbit/s down, 750 kbit/s up, 150 ms latency,
 *    CPU 4x slower, a 360x740 screen, empty cache), through the DevTools protocol: the time until
 *    the login page can be used, and until a signed-in inspector's and clerk's first screens can.
 *    The stack compresses as CloudFront does (brotli for Chromium, twin/services/console.ts); the
 *    bytes that crossed the emulated network are printed with the times.
 *
 * Flags: --runs N (default 3; the median is printed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { ensureAssembly } from '../twin/assembly/assembly';
import { startLocalStack } from '../twin/main';
import { fmt, intFlags, table } from './common';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'console', 'dist');
const { runs } = intFlags(process.argv.slice(2), { runs: 3 });

const PHONE_PROFILE = {
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
  cpuSlowdown: 4,
  viewport: { width: 360, height: 740 },
};

/** The screens of the console, by the source module the router loads lazily. */
const ROUTES: readonly { route: string; module: string }[] = [
  { route: '/work', module: 'src/work/MyWork.tsx' },
  { route: '/households', module: 'src/households/HouseholdList.tsx' },
  { route: '/households/new', module: 'src/households/RegisterHousehold.tsx' },
  { route: '/households/:id', module: 'src/households/HouseholdFilePage.tsx' },
  { route: '/inspector', module: 'src/inspector/InspectorView.tsx' },
  { route: '/inspector/:id (adds)', module: 'src/inspector/InspectorHousehold.tsx' },
  { route: '/finance', module: 'src/finance/FinanceView.tsx' },
  { route: '/notices', module: 'src/notices/NoticePage.tsx' },
  { route: '/dashboard', module: 'src/dashboard/Dashboard.tsx' },
];

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  isEntry?: boolean;
}

function build(): Record<string, ManifestChunk> {
  process.stdout.write('building the console...\n');
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'console/vite.config.ts',
      '--manifest',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return JSON.parse(readFileSync(path.join(DIST, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
}

/** The files a chunk loads before it runs: itself and its static imports, recursively. */
function closure(manifest: Record<string, ManifestChunk>, key: string, into = new Set<string>()): Set<string> {
  const chunk = manifest[key];
  if (!chunk || into.has(chunk.file)) return into;
  into.add(chunk.file);
  for (const imported of chunk.imports ?? []) closure(manifest, imported, into);
  return into;
}

function weigh(files: Iterable<string>): { raw: number; gzip: number; br: number } {
  let raw = 0;
  let gzip = 0;
  let br = 0;
  for (const file of files) {
    if (!file.endsWith('.js')) continue;
    const bytes = readFileSync(path.join(DIST, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    // As the twin serves it (quality 9).
    br += brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } }).length;
  }
  return { raw, gzip, br };
}

const kb = (bytes: number) => fmt(bytes / 1024, 1);

function bytesReport(manifest: Record<string, ManifestChunk>): void {
  const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry) ?? 'index.html';
  const initial = closure(manifest, entryKey);
  const initialWeight = weigh(initial);
  const rows: string[][] = [
    ['index.html (every screen)', kb(initialWeight.raw), kb(initialWeight.gzip), '', '', kb(initialWeight.br)],
  ];
  for (const { route, module } of ROUTES) {
    const own = [...closure(manifest, module)].filter((file) => !initial.has(file));
    const weight = weigh(own);
    rows.push([
      route,
      kb(weight.raw),
      kb(weight.gzip),
      kb(initialWeight.raw + weight.raw),
      kb(initialWeight.gzip + weight.gzip),
      kb(initialWeight.br + weight.br),
    ]);
  }
  process.stdout.write('\nJavaScript per screen (KiB; first screen = index.html + the screen)\n');
  process.stdout.write(
    `${table(['route', 'own raw', 'own gzip', 'first screen raw', 'first screen gzip', 'first screen br'], rows)}\n`,
  );
}

async function phonePage(browser: Awaited<ReturnType<typeof chromium.launch>>, token?: string) {
  const context = await browser.newContext({
    viewport: PHONE_PROFILE.viewport,
    locale: 'zh-CN',
    serviceWorkers: 'block',
  });
  if (token) {
    // A signed-in phone: the session the console keeps in localStorage.
    await context.addInitScript((value) => {
      localStorage.setItem('anju.session', JSON.stringify({ token: value, expiresAt: Date.now() + 3_600_000 }));
    }, token);
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: PHONE_PROFILE.latency,
    downloadThroughput: PHONE_PROFILE.downloadThroughput,
    uploadThroughput: PHONE_PROFILE.uploadThroughput,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PHONE_PROFILE.cpuSlowdown });
  return { context, page };
}

/** Milliseconds from navigation to the screen's control being usable, and the bytes received until then. */
async function timeTo(
  page: Page,
  url: string,
  ready: (page: Page) => Promise<void>,
  answered?: (url: string) => boolean,
): Promise<{ ms: number; received: number; compressed: number; responses: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let received = 0;
  let compressed = 0;
  let responses = 0;
  const encodings = new Map<string, boolean>();
  cdp.on('Network.responseReceived', (event: { requestId: string; response: { headers: Record<string, string> } }) => {
    const headers = Object.fromEntries(Object.entries(event.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    encodings.set(event.requestId, headers['content-encoding'] !== undefined);
  });
  cdp.on('Network.loadingFinished', (event: { requestId: string; encodedDataLength: number }) => {
    received += event.encodedDataLength;
    responses += 1;
    if (encodings.get(event.requestId)) compressed += 1;
  });
  // Listened for before the navigation: the answer may come before the screen's control shows.
  const answer = answered ? page.waitForResponse((r) => answered(r.url()), { timeout: 120_000 }) : undefined;
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
  await Promise.all([ready(page), answer]);
  return { ms: performance.now() - started, received, compressed, responses };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const manifest = build();
bytesReport(manifest);

await ensureAssembly(ROOT);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'anju-bench-console-'));
process.stdout.write(`\nstarting the local stack (data ${dataDir})...\n`);
const stack = await startLocalStack({ port: 0, dataDir, fastWaits: true, log: 'quiet' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking'],
});
try {
  const tokenOf = async (username: string) => {
    const response = await fetch(`${stack.url}/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    return ((await response.json()) as { token: string }).token;
  };
  const screens: {
    name: string;
    user?: string;
    hash: string;
    ready: (page: Page) => Promise<void>;
    answered?: (url: string) => boolean;
  }[] = [
    {
      // The local console signs in through the twin's OpenID Connect issuer, as a county's does: its first screen is
      // the sign-in button.
      name: 'sign-in page',
      hash: '',
      ready: (page) => page.getByTestId('login-submit').waitFor({ timeout: 120_000 }),
    },
    {
      name: 'inspector: household picker',
      user: 'luo.zhijian',
      hash: '#/inspector',
      ready: (page) => page.getByTestId('inspector-pick').waitFor({ timeout: 120_000 }),
    },
    {
      name: 'clerk: my work (counts shown)',
      user: 'zhang.minzheng',
      hash: '#/work',
      ready: (page) => page.getByTestId('task-count-total').waitFor({ timeout: 120_000 }),
    },
  ];
  const rows: string[][] = [];
  for (const screen of screens) {
    const token = screen.user ? await tokenOf(screen.user) : undefined;
    const times: number[] = [];
    let last = { received: 0, compressed: 0, responses: 0 };
    for (let run = 0; run < runs; run += 1) {
      const { context, page } = await phonePage(browser, token);
      const measured = await timeTo(page, `${stack.url}/${screen.hash}`, screen.ready, screen.answered);
      times.push(measured.ms);
      last = measured;
      await context.close();
    }
    rows.push([
      screen.name,
      fmt(median(times) / 1000, 2),
      times.map((t) => fmt(t / 1000, 2)).join(' '),
      kb(last.received),
      `${last.compressed}/${last.responses}`,
    ]);
  }
  process.stdout.write(
    `\nTime to the first usable screen on the phone profile (1.6 Mbit/s, 150 ms, CPU x4, 360x740, cold cache, compressed as served)\n`,
  );
  process.stdout.write(
    `${table(['screen', 'median s', `runs (${runs})`, 'KiB received', 'compressed responses'], rows)}\n`,
  );
} finally {
  await browser.close();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
