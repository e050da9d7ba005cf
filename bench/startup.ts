/**
 * `npm run bench:startup [-- --runs 3 --households 10000 --concurrency 16]`
 * Runs `npm start` (as a newcomer types it; the console and the stack's bundle already built) `runs` times on a fresh
 * temporary data folder with fast waits, and prints start-to-ready and the resident memory of the stack (its Node
 * process plus DynamoDB Local's JVM, without npm and the shell that launched them) once ready; on the last run it then
 * registers `households` households through the API and prints the memory again.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoApplication } from '../contract/examples';
import {
  api,
  ensureLocalBuilt,
  ensureSynthesized,
  makeDataDir,
  removeDataDir,
  usersForApplication,
} from '../twin/stack-process';
import { fmt, intFlags, pool, summarize, table, treeRssMiB } from './common';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const READY_TIMEOUT_MS = 180_000;

const flags = intFlags(process.argv.slice(2), { runs: 3, households: 10_000, concurrency: 16 });

type Started = {
  child: ChildProcess;
  url: string;
  wallMs: number;
  reportedMs: number;
  dataDir: string;
  killOnExit: () => void;
};

/** The whole group: npm does not pass a signal on to the script it runs, nor the stack to every child at once. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function start(): Promise<Started> {
  const dataDir = makeDataDir();
  const startedAt = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}`,
      PORT: '0',
      ANJU_DATA_DIR: dataDir,
      ANJU_FAST_WAITS: '1',
      ANJU_LOG: 'quiet',
    },
  });
  const killOnExit = () => signalGroup(child);
  process.once('exit', killOnExit);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready within ${READY_TIMEOUT_MS} ms:\n${output}`)),
      READY_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      const match = /ANJU_READY url=(\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the stack exited (code ${code}) before it was ready:\n${output}`));
    });
  });
  const wallMs = performance.now() - startedAt;
  const reported = /ready in ([\d.]+) s/.exec(output);
  return {
    child,
    url,
    wallMs,
    reportedMs: reported?.[1] ? Number(reported[1]) * 1000 : Number.NaN,
    dataDir,
    killOnExit,
  };
}

async function stop(started: Started): Promise<void> {
  const { child } = started;
  const gone = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child), 20_000);
  await gone;
  clearTimeout(timer);
  signalGroup(child);
  process.removeListener('exit', started.killOnExit);
  removeDataDir(started.dataDir);
}

function memoryRow(label: string, rss: ReturnType<typeof treeRssMiB>): string[] {
  const node = rss.byCommand.get('node') ?? 0;
  const java = rss.byCommand.get('java') ?? 0;
  return [label, fmt(node), fmt(java), fmt(node + java), fmt(rss.tree - node - java)];
}

await Promise.all([ensureSynthesized(), ensureLocalBuilt()]);
// What a first `npm start` builds once (the console) is not start-up; build it before timing.
spawnSync(path.join(BIN, 'node'), ['scripts/ensure-console.mjs'], { cwd: ROOT, stdio: 'inherit' });
const wall: number[] = [];
const reported: number[] = [];
const rssRows: string[][] = [];
let registration = '';
for (let run = 1; run <= flags.runs; run += 1) {
  const started = await start();
  wall.push(started.wallMs);
  reported.push(started.reportedMs);
  // Let the post-ready work (recovery, first timers) settle before reading memory.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const pid = started.child.pid ?? 0;
  const ready = treeRssMiB(pid);
  rssRows.push(memoryRow(`run ${run}, ready`, ready));
  try {
    if (run === flags.runs && flags.households > 0) {
      const first = demoApplication(0);
      const users = await usersForApplication(started.url, first);
      const registeredAt = performance.now();
      await pool(flags.households, flags.concurrency, async (i) => {
        const answer = await api(started.url, users.townshipCivilAffairs.token).post('/households', {
          ...demoApplication(i),
          // Every household registers with the same township's civil-affairs user.
          villageCode: first.villageCode,
        });
        if (answer.status !== 201)
          throw new Error(`registration ${i} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      });
      const seconds = (performance.now() - registeredAt) / 1000;
      registration = `${flags.households} households registered in ${fmt(seconds, 1)} s (${fmt(flags.households / seconds, 1)}/s, ${flags.concurrency} concurrent clients)`;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const after = treeRssMiB(pid);
      rssRows.push(memoryRow(`run ${run}, +${flags.households} households`, after));
    }
  } finally {
    await stop(started);
  }
}

const s = summarize(wall);
const r = summarize(reported);
process.stdout.write(
  `\`npm start\` to ready over ${flags.runs} run(s), fresh data folder each, ANJU_FAST_WAITS=1, synthesis and bundling done before\n\n`,
);
process.stdout.write(
  `${table(
    ['measure', 'min s', 'median s', 'max s'],
    [
      ['`npm start` to ANJU_READY', fmt(s.min / 1000, 1), fmt(s.p50 / 1000, 1), fmt(s.max / 1000, 1)],
      ['stack-reported ready time', fmt(r.min / 1000, 1), fmt(r.p50 / 1000, 1), fmt(r.max / 1000, 1)],
    ],
  )}\n\n`,
);
process.stdout.write(`${table(['resident memory', 'node MiB', 'java MiB', 'stack MiB', 'npm + sh MiB'], rssRows)}\n`);
if (registration) process.stdout.write(`\n${registration}\n`);
