/**
 * `npm run bench:startup [-- --runs 3 --households 10000 --concurrency 16]`
 * Runs `npm start` (as a newcomer types it; the console and the stack's bundle already built) `runs` times on a fresh
 * temporary data folder with fast waits, and prints start-to-ready and the resident memory of the stack (its Node
 * process plus DynamoDB Local's JVM, without npm and the shell that launched them) once ready; on the last run it then
 * registers `households` households through the API and prints the memory again.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoApplication } from '../contract/examples';
import { api } from '../tools/api-client/client';
import { staffFor } from '../tools/api-client/staff';
import { ensureLocalBuilt, ensureSynthesized, startStack } from '../twin/stack-process';
import { fmt, intFlags, pool, summarize, table, treeRssMiB } from './common';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

const flags = intFlags(process.argv.slice(2), { runs: 3, households: 10_000, concurrency: 16 });

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
  const startedAt = performance.now();
  const started = await startStack({ viaNpmStart: true, env: { ANJU_LOG: 'quiet' } });
  wall.push(performance.now() - startedAt);
  const readyIn = /ready in ([\d.]+) s/.exec(started.output());
  reported.push(readyIn?.[1] ? Number(readyIn[1]) * 1000 : Number.NaN);
  // Let the post-ready work (recovery, first timers) settle before reading memory.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const { pid } = started;
  const ready = treeRssMiB(pid);
  rssRows.push(memoryRow(`run ${run}, ready`, ready));
  try {
    if (run === flags.runs && flags.households > 0) {
      const first = demoApplication(0);
      const users = await staffFor(started.url, first.villageCode);
      const registeredAt = performance.now();
      await pool(flags.households, flags.concurrency, async (i) => {
        const answer = await api(started.url, users.civil.token).post('/households', {
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
    await started.discard();
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
