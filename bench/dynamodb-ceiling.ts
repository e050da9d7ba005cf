/**
 * `npm run bench:dynamodb [-- --puts 2000 --concurrency 16 --rounds 2]`
 * DynamoDB Local's PutItem ceiling on this machine, started as the product starts it (-dbPath, -sharedDb).
 * The first round runs on a cold JVM; later rounds show the warm figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDynamo } from '../twin/services/dynamodb';
import { fmt, intFlags, table } from './common';
import { ensureCeilingTable, measurePuts } from './dynamo-puts';

const flags = intFlags(process.argv.slice(2), { puts: 2000, concurrency: 16, rounds: 2 });
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'anju-bench-ddb-'));
const startedAt = performance.now();
const dynamo = await startDynamo({ dataDir });
const readySeconds = (performance.now() - startedAt) / 1000;
try {
  await ensureCeilingTable(dynamo.endpoint);
  const rows: string[][] = [];
  for (let round = 1; round <= flags.rounds; round += 1) {
    const result = await measurePuts(dynamo.endpoint, {
      count: flags.puts,
      concurrency: flags.concurrency,
      round: `r${round}`,
    });
    rows.push([
      `round ${round}${round === 1 ? ' (cold JVM)' : ''}`,
      String(flags.puts),
      fmt(result.seconds, 2),
      fmt(result.putsPerSecond),
      String(result.itemBytes),
    ]);
  }
  process.stdout.write(
    `DynamoDB Local (-dbPath ${dataDir}, -sharedDb) ready in ${fmt(readySeconds, 1)} s; ${flags.concurrency} concurrent PutItem from one Node client\n\n`,
  );
  process.stdout.write(`${table(['round', 'puts', 'seconds', 'puts/s', 'item bytes (JSON)'], rows)}\n`);
} finally {
  await dynamo.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
