/**
 * `npm run bench:import [-- --households 10000 --concurrency 16 --calls 30]`
 * Bulk import at scale on a local stack this benchmark starts in-process (fresh data folder, fast
 * waits): writes a CSV of valid households of the demo program (Chinese headers, as a county
 * clerk's sheet), imports it with the same code as `npm run import` (every row registered through
 * `POST /households`, which also starts its execution), and prints rows per second. Then, with
 * that many households stored, calls `GET /reports/progress` (JSON and Excel) and the masked
 * household export of one township several times and prints their latency (p50/p95).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoApplication, demoIdNumber, demoProgram } from '../contract/examples';
import { csvLine } from '../domain/funding/csv';
import { IMPORT_COLUMNS } from '../domain/import';
import { login } from '../tools/api-client/client';
import { importHouseholds } from '../tools/import/households';
import { startLocalStack } from '../twin/main';
import { ensureSynthesized } from '../twin/stack-process';
import { fmt, intFlags, percentile, table } from './common';

const flags = intFlags(process.argv.slice(2), { households: 10_000, concurrency: 16, calls: 30 });
/** Application numbers of this benchmark, clear of the tests' and the demo county's. */
const FIRST = 3_000_000;

function csvOf(count: number): string {
  const villages = demoProgram.townships.flatMap((t) => t.villages);
  const lines = [csvLine(Object.values(IMPORT_COLUMNS))];
  for (let i = 0; i < count; i++) {
    const application = demoApplication(FIRST + i);
    const village = villages[i % villages.length];
    lines.push(
      csvLine([
        application.head.name,
        demoIdNumber(FIRST + i),
        String(1 + application.members.length),
        '低保户',
        village?.code ?? '',
        '土木',
        String(application.house.areaM2),
        application.bankAccount ?? '',
        i % 5 === 0 ? '集中' : '分散',
      ]),
    );
  }
  return lines.join('');
}

async function timed(url: string, token: string, route: string, calls: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    const answer = await fetch(`${url}${route}`, { headers: { authorization: `Bearer ${token}` } });
    await answer.arrayBuffer();
    if (answer.status !== 200) throw new Error(`${route} answered ${answer.status}`);
    ms.push(performance.now() - started);
  }
  return ms.sort((a, b) => a - b);
}

await ensureSynthesized();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'anju-bench-import-'));
const workDir = mkdtempSync(path.join(os.tmpdir(), 'anju-bench-import-file-'));
process.stdout.write(`starting the local stack (data ${dataDir}, fast waits)...\n`);
const stack = await startLocalStack({ port: 0, dataDir, fastWaits: true, log: 'quiet', demoHouseholds: 0 });
try {
  process.stdout.write(`ready in ${fmt(stack.readyMs / 1000, 1)} s at ${stack.url}\n`);
  const file = path.join(workDir, 'households.csv');
  writeFileSync(file, csvOf(flags.households), 'utf8');

  const started = performance.now();
  let lastPrint = started;
  const summary = await importHouseholds(
    {
      file,
      programId: demoProgram.programId,
      url: stack.url,
      username: 'wang.minzheng',
      concurrency: flags.concurrency,
    },
    {
      onStart() {},
      onRow(_outcome, counts) {
        const now = performance.now();
        if (now - lastPrint < 30_000) return;
        lastPrint = now;
        const done = counts.registered + counts.existing + counts.failed;
        process.stdout.write(`  ${done}/${flags.households} rows, ${fmt(done / ((now - started) / 1000), 1)} rows/s\n`);
      },
      onStop() {},
    },
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `\nimport of ${flags.households} rows (${flags.concurrency} in flight): ${fmt(seconds, 1)} s, ` +
      `${fmt(flags.households / seconds, 1)} rows/s; registered ${summary.registered}, already there ${summary.existing}, ` +
      `refused ${summary.failed}, bad rows ${summary.invalid.length}\n\n`,
  );

  const token = await login(stack.url, 'wang.minzheng');
  const county = demoProgram.county.code;
  const township = demoProgram.townships[0]?.code ?? '';
  const rows: string[][] = [];
  for (const [what, route, calls] of [
    [
      'GET /reports/progress (JSON)',
      `/reports/progress?county=${county}&program=${demoProgram.programId}`,
      flags.calls,
    ],
    ['GET /reports/progress (xlsx)', `/reports/progress?county=${county}&format=xlsx`, flags.calls],
    ['GET /reports/households township page (500)', `/reports/households?county=${county}&township=${township}`, 5],
  ] as const) {
    const ms = await timed(stack.url, token, route, calls);
    rows.push([
      what,
      String(ms.length),
      fmt(percentile(ms, 50)),
      fmt(percentile(ms, 95)),
      fmt(ms.at(-1) ?? Number.NaN),
    ]);
  }
  process.stdout.write(
    `latency with ${summary.registered + summary.existing} households stored (client side, sequential calls)\n`,
  );
  process.stdout.write(`${table(['request', 'calls', 'p50 ms', 'p95 ms', 'max ms'], rows)}\n`);
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
}
