/**
 * `npm run bench:dynamodb-kill [-- --runs 10 --concurrency 16]`
 * Does DynamoDB Local keep every write it acknowledged when its JVM is killed? Each run starts it on a fresh
 * folder (-dbPath, as the product does), keeps `concurrency` two-item transactions in flight for 1.5-4.5 s, then
 * kills the JVM with SIGKILL: either at once, with writes in flight, or after the writers stopped and 500 ms
 * passed (what `RunningStack.crash` does: the application dies first). After a restart on the same folder it
 * reads back every write that was acknowledged and prints how many are missing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamo } from '../twin/services/dynamodb';
import { fmt, intFlags, table } from './common';
import { client } from './dynamo-puts';

const flags = intFlags(process.argv.slice(2), { runs: 10, concurrency: 16 });
const TABLE = 'BenchDurability';
const SETTLE_MS = 500;

type Outcome = { acknowledged: number; missing: number; missingAfterKill: number; earliestLostMs: number };

async function run(killInFlight: boolean): Promise<Outcome> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'anju-bench-kill-'));
  try {
    const first = await startDynamo({ dataDir });
    const writer = client(first.endpoint, { maxAttempts: 1 });
    await writer.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
      }),
    );
    const acknowledged: string[] = [];
    const acknowledgedAt: number[] = [];
    let next = 0;
    let writing = true;
    const write = async () => {
      while (writing) {
        const id = `w${next++}`;
        try {
          await writer.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: TABLE,
                    Item: { PK: id, at: Date.now() },
                    ConditionExpression: 'attribute_not_exists(PK)',
                  },
                },
                { Put: { TableName: TABLE, Item: { PK: `${id}-event`, at: Date.now() } } },
              ],
            }),
          );
          acknowledged.push(id);
          acknowledgedAt.push(performance.now());
        } catch {
          // The JVM is gone: this write was never acknowledged.
        }
      }
    };
    const writers = Array.from({ length: flags.concurrency }, write);
    await new Promise((resolve) => setTimeout(resolve, 1500 + Math.random() * 3000));
    if (!killInFlight) {
      writing = false;
      await Promise.all(writers);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    }
    const killedAt = acknowledged.length;
    const killTime = performance.now();
    if (first.pid !== undefined) process.kill(first.pid, 'SIGKILL');
    writing = false;
    await Promise.all(writers);
    writer.destroy();
    await first.stop();

    const second = await startDynamo({ dataDir });
    const reader = client(second.endpoint);
    const missing: number[] = [];
    for (const [position, id] of acknowledged.entries()) {
      const found = await reader.send(new GetCommand({ TableName: TABLE, Key: { PK: id }, ConsistentRead: true }));
      if (!found.Item) missing.push(position);
    }
    reader.destroy();
    await second.stop();
    return {
      acknowledged: acknowledged.length,
      missing: missing.length,
      missingAfterKill: missing.filter((position) => position >= killedAt).length,
      earliestLostMs: Math.max(0, ...missing.map((position) => killTime - (acknowledgedAt[position] ?? killTime))),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rows: string[][] = [];
for (const killInFlight of [true, false]) {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < flags.runs; i += 1) outcomes.push(await run(killInFlight));
  const sum = (pick: (o: Outcome) => number) => outcomes.reduce((total, o) => total + pick(o), 0);
  rows.push([
    killInFlight ? 'SIGKILL with writes in flight' : `writers stopped, ${SETTLE_MS} ms, then SIGKILL`,
    String(flags.runs),
    String(sum((o) => o.acknowledged)),
    String(sum((o) => o.missing)),
    String(outcomes.filter((o) => o.missing > 0).length),
    String(sum((o) => o.missingAfterKill)),
    fmt(Math.max(...outcomes.map((o) => o.earliestLostMs))),
  ]);
}
process.stdout.write(
  `DynamoDB Local killed under ${flags.concurrency} concurrent two-item transactions, restarted on the same folder\n\n`,
);
process.stdout.write(
  `${table(['kill', 'runs', 'acknowledged', 'lost', 'runs with a loss', 'lost, acknowledged after the signal', 'lost, acknowledged up to ms before'], rows)}\n`,
);
