/**
 * `npm run bench [-- --households 1000 --concurrency 16 --archive 1]` (1,000 households by default, as issue 8 asks)
 * Households from registration to agreement (and with `--archive 1`, through installments, inspections with photos
 * and acceptance to archive) through the HTTP API, on a local stack this benchmark starts in-process with fast waits.
 * Prints households per minute, p50/p99 latency per action, DynamoDB requests and estimated capacity units per
 * household (counted at the twin's DynamoDB front, attributed to the invocation that made them by the X-Ray trace
 * id the SDK sends with each call), Step
 * Functions state transitions (from the local execution histories), the ratio to DynamoDB Local's PutItem ceiling
 * (measured on the same JVM afterwards) and an AWS cost estimate per household.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { FunctionSpec } from '../local/assembly';
import { startLocalStack } from '../local/main';
import { ensureSynthesized } from '../test/integration/harness';
import { DemoStaff, householdDriver } from '../test/integration/household-driver';
import type { DynamoCall as FrontCall } from '../twin/iam/dynamodb-front';
import { newTraceId } from '../twin/iam/sandbox';
import { fmt, intFlags, pool, summarize, table } from './common';
import { ensureCeilingTable, measurePuts } from './dynamo-puts';

const flags = intFlags(process.argv.slice(2), { households: 1000, concurrency: 16, archive: 1, ceilingPuts: 2000 });

/**
 * Published on-demand prices, us-east-1, as the author knew them (AWS price pages as of 2025); NOT re-checked on the
 * day of the run (this machine has no internet access). Check https://aws.amazon.com/pricing before quoting.
 */
const PRICES = {
  asOf: '2025 (AWS public price pages, us-east-1; not re-verified on 2026-11 offline)',
  stepFunctionsStandardPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaPerGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
  dynamoPerWriteUnit: 0.625 / 1_000_000,
  dynamoPerReadUnit: 0.125 / 1_000_000,
  httpApiPerRequest: 1.0 / 1_000_000,
  s3PerGbMonth: 0.023,
  s3PerPut: 0.005 / 1000,
} as const;
/** Assumption: a real site photo is about 3 MB (the benchmark uploads tiny JPEGs). */
const ASSUMED_PHOTO_BYTES = 3 * 1024 * 1024;
/** Assumption: photos are kept for 5 years (archive requirement) in S3 Standard without lifecycle rules. */
const ASSUMED_PHOTO_MONTHS = 60;

// ------------------------------------------------------------ counting DynamoDB requests at the DynamoDB front

type DynamoCall = { label: string; target: string; requestBytes: number; responseBytes: number; body: string };
const calls: DynamoCall[] = [];
/** The invocation behind each X-Ray trace root, while it runs. */
const invocationByTrace = new Map<string, string>();
let counting = false;

/** Each function runs in its own sandbox: the front sees every call, the trace root names its invocation. */
function countCall(call: FrontCall): void {
  if (!counting) return;
  const label =
    (call.traceRoot === undefined ? undefined : invocationByTrace.get(call.traceRoot)) ??
    (call.caller.kind === 'role' ? `${call.caller.sessionName}, outside an invocation` : 'outside a function');
  calls.push({
    label,
    target: call.operation,
    requestBytes: call.requestBytes,
    responseBytes: call.responseBytes,
    body: /^(Transact|Batch)/.test(call.operation) || call.operation === 'GetItem' ? call.requestBody : '',
  });
}

/** Write and read capacity units, estimated from request and response sizes (JSON overhead included: a bit high). */
function capacityOf(call: DynamoCall): { wru: number; rru: number; items: number } {
  const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
  const fourKb = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
  let parsed: Record<string, unknown> = {};
  try {
    parsed = call.body ? (JSON.parse(call.body) as Record<string, unknown>) : {};
  } catch {
    // Not JSON: sizes only.
  }
  switch (call.target) {
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return { wru: kb(call.requestBytes), rru: 0, items: 1 };
    case 'TransactWriteItems': {
      const items = Array.isArray(parsed.TransactItems) ? parsed.TransactItems.length : 1;
      return { wru: 2 * items * kb(call.requestBytes / items), rru: 0, items };
    }
    case 'BatchWriteItem': {
      const requests = Object.values((parsed.RequestItems ?? {}) as Record<string, unknown[]>).flat().length || 1;
      return { wru: requests * kb(call.requestBytes / requests), rru: 0, items: requests };
    }
    case 'TransactGetItems': {
      const items = Array.isArray(parsed.TransactItems) ? parsed.TransactItems.length : 1;
      return { wru: 0, rru: 2 * items * fourKb(call.responseBytes / items), items };
    }
    case 'GetItem':
    case 'Query':
    case 'Scan':
      return { wru: 0, rru: fourKb(call.responseBytes) * (parsed.ConsistentRead === true ? 1 : 0.5), items: 1 };
    case 'BatchGetItem':
      return { wru: 0, rru: fourKb(call.responseBytes) * 0.5, items: 1 };
    default:
      return { wru: 0, rru: 0, items: 0 };
  }
}

// ------------------------------------------------------------ driving households through the API

type Latencies = Map<string, number[]>;
const latencies: Latencies = new Map();
let apiRequests = 0;
let pollRequests = 0;
let photosUploaded = 0;

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const list = latencies.get(label) ?? [];
  list.push(performance.now() - started);
  latencies.set(label, list);
  return result;
}

let staffing: DemoStaff | undefined;

/** Registration to archive by the shared driver (test/integration/household-driver.ts), timed per action. */
function household(url: string, index: number): Promise<string> {
  staffing ??= new DemoStaff(() => url);
  const driver = householdDriver({
    url: () => url,
    hooks: {
      timed,
      onActingRequest: () => {
        apiRequests += 1;
      },
      onPoll: () => {
        pollRequests += 1;
      },
      onPhoto: () => {
        photosUploaded += 1;
      },
    },
  });
  return driver.drive(staffing, 1000 + index, flags.archive !== 0);
}

// ------------------------------------------------------------ the run

await ensureSynthesized();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'anju-bench-'));
process.stdout.write(`starting the local stack (data ${dataDir}, fast waits)...\n`);
const stack = await startLocalStack({ port: 0, dataDir, fastWaits: true, log: 'quiet', observeDynamo: countCall });
process.stdout.write(`ready in ${fmt(stack.readyMs / 1000, 1)} s at ${stack.url}\n`);

type Invocations = { count: number; ms: number; memoryMb: number; architecture: FunctionSpec['architecture'] };
const invocations = new Map<string, Invocations>();
const functionByName = new Map(stack.assembly.functions.map((fn) => [fn.name, fn]));
const invoke = stack.lambdas.invoke.bind(stack.lambdas);
stack.lambdas.invoke = async (nameOrArn: string, event: unknown) => {
  const name = nameOrArn.split(':').pop() ?? nameOrArn;
  const routeKey = (event as { routeKey?: unknown } | null)?.routeKey;
  const label = typeof routeKey === 'string' ? routeKey : `workflow ${name}`;
  const started = performance.now();
  const traceId = newTraceId();
  const root = /Root=([^;]+)/.exec(traceId)?.[1] ?? traceId;
  invocationByTrace.set(root, label);
  try {
    return await invoke(nameOrArn, event, { traceId });
  } finally {
    invocationByTrace.delete(root);
    if (counting) {
      const fn = functionByName.get(name);
      const entry = invocations.get(label) ?? {
        count: 0,
        ms: 0,
        memoryMb: fn?.memoryMb ?? 128,
        architecture: fn?.architecture ?? 'x86_64',
      };
      entry.count += 1;
      entry.ms += performance.now() - started;
      invocations.set(label, entry);
    }
  }
};

let exitCode = 0;
try {
  counting = true;
  const started = performance.now();
  let done = 0;
  const progress = setInterval(() => process.stdout.write(`  ${done}/${flags.households} households done\n`), 15_000);
  try {
    await pool(flags.households, flags.concurrency, async (i) => {
      await household(stack.url, i);
      done += 1;
    });
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - started) / 1000;
  counting = false;
  const n = flags.households;

  // State transitions from the local execution histories (StateEntered events; AWS bills each state entered).
  const sfn = new SFNClient({
    endpoint: stack.endpoints.sfn,
    region: 'us-east-1',
    credentials: { accessKeyId: 'anjulocal', secretAccessKey: 'anjulocalsecret' },
  });
  let transitions = 0;
  let histories = 0;
  for (const machine of stack.assembly.stateMachines) {
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.arn, nextToken }));
      for (const execution of page.executions ?? []) {
        let historyToken: string | undefined;
        let entered = 0;
        do {
          const history = await sfn.send(
            new GetExecutionHistoryCommand({ executionArn: execution.executionArn, nextToken: historyToken }),
          );
          entered += (history.events ?? []).filter((event) => String(event.type).endsWith('StateEntered')).length;
          historyToken = history.nextToken;
        } while (historyToken);
        if (entered > 0) histories += 1;
        transitions += entered;
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }

  const ceiling = flags.ceilingPuts > 0 ? await ceilingOn(stack.endpoints.dynamodb) : undefined;
  report({ seconds, n, transitions, histories, ceiling });
} catch (error) {
  exitCode = 1;
  process.stderr.write(
    `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);

async function ceilingOn(endpoint: string): Promise<number> {
  await ensureCeilingTable(endpoint);
  // One warm-up round so the figure is the warm JVM's, as the lifecycle run was.
  await measurePuts(endpoint, { count: Math.min(500, flags.ceilingPuts), concurrency: 16, round: 'warm' });
  return (await measurePuts(endpoint, { count: flags.ceilingPuts, concurrency: 16, round: 'ceiling' })).putsPerSecond;
}

function report(run: { seconds: number; n: number; transitions: number; histories: number; ceiling?: number }): void {
  const { seconds, n } = run;
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(
    `${n} households, ${flags.archive ? 'registration to archive' : 'registration to agreement'}, ${flags.concurrency} concurrent clients: ${fmt(seconds, 1)} s, ${fmt((n / seconds) * 60, 1)} households/min`,
  );
  out(
    `API requests: ${apiRequests} acting + ${pollRequests} polling GETs of the household file; ${photosUploaded} photos`,
  );
  out();
  out(
    table(
      ['action (client-side latency)', 'count', 'p50 ms', 'p99 ms', 'max ms'],
      [...latencies.entries()].map(([label, values]) => {
        const s = summarize(values);
        return [label, String(s.count), fmt(s.p50), fmt(s.p99), fmt(s.max)];
      }),
    ),
  );

  const byLabel = new Map<string, { requests: number; wru: number; rru: number; writeItems: number }>();
  const byTarget = new Map<string, number>();
  for (const call of calls) {
    const capacity = capacityOf(call);
    const entry = byLabel.get(call.label) ?? { requests: 0, wru: 0, rru: 0, writeItems: 0 };
    entry.requests += 1;
    entry.wru += capacity.wru;
    entry.rru += capacity.rru;
    if (capacity.wru > 0) entry.writeItems += capacity.items;
    byLabel.set(call.label, entry);
    byTarget.set(call.target, (byTarget.get(call.target) ?? 0) + 1);
  }
  const isPolling = (label: string) => /^GET \/(households\/\{[^}]+\}|tasks)$/.test(label);
  const sum = (filter: (label: string) => boolean) => {
    let requests = 0;
    let wru = 0;
    let rru = 0;
    let writeItems = 0;
    for (const [label, entry] of byLabel) {
      if (!filter(label)) continue;
      requests += entry.requests;
      wru += entry.wru;
      rru += entry.rru;
      writeItems += entry.writeItems;
    }
    return { requests, wru, rru, writeItems };
  };
  const all = sum(() => true);
  const work = sum((label) => !isPolling(label));
  out();
  out('DynamoDB requests per household, by the invocation that made them (counted at the DynamoDB front):');
  out(
    table(
      ['invocation', 'invocations/hh', 'requests/hh', 'items written/hh', 'WRU/hh (est.)', 'RRU/hh (est.)'],
      [...byLabel.entries()]
        .sort((a, b) => b[1].requests - a[1].requests)
        .map(([label, entry]) => [
          label,
          fmt((invocations.get(label)?.count ?? 0) / n, 1),
          fmt(entry.requests / n, 1),
          fmt(entry.writeItems / n, 1),
          fmt(entry.wru / n, 1),
          fmt(entry.rru / n, 1),
        ]),
    ),
  );
  out(`by operation: ${[...byTarget.entries()].map(([t, c]) => `${t} ${fmt(c / n, 1)}`).join(', ')} per household`);
  out(
    `total ${fmt(all.requests / n, 1)} requests/household (${fmt(work.requests / n, 1)} without the benchmark's polling GETs)`,
  );
  out(
    `Step Functions: ${fmt(run.transitions / Math.max(1, run.histories), 1)} states entered per execution (${run.histories} histories read)`,
  );

  const writeItemsPerSecond = all.writeItems / seconds;
  if (run.ceiling !== undefined) {
    out();
    out(
      `DynamoDB Local PutItem ceiling on the same JVM (-dbPath, 16 concurrent, warm): ${fmt(run.ceiling)} puts/s; ` +
        `this run wrote ${fmt(writeItemsPerSecond)} items/s and made ${fmt(all.requests / seconds)} requests/s ` +
        `= ${fmt((100 * all.requests) / seconds / run.ceiling)} % of the ceiling in requests. ` +
        `At ${fmt(work.requests / n, 1)} requests per household the ceiling alone would allow ` +
        `${fmt((run.ceiling * 60) / (work.requests / n))} households/min.`,
    );
  }

  // Cost per household on AWS: counted quantities times published prices; durations and photo sizes are assumptions.
  const lambdaInvocations = [...invocations.entries()].filter(([label]) => !isPolling(label));
  const lambdaRequests = lambdaInvocations.reduce((s, [, e]) => s + e.count, 0) / n;
  const gbSecondsOf = (e: Invocations) => (e.ms / 1000) * (e.memoryMb / 1024);
  const gbSeconds = lambdaInvocations.reduce((s, [, e]) => s + gbSecondsOf(e), 0) / n;
  // Each function is priced at its own architecture: PhotosFn is x86_64 (the sharp layer), the rest arm64.
  const gbSecondsCost =
    lambdaInvocations.reduce((s, [, e]) => s + gbSecondsOf(e) * PRICES.lambdaPerGbSecond[e.architecture], 0) / n;
  const transitionsPerHousehold = run.transitions / Math.max(1, run.histories);
  const httpRequests = apiRequests / n;
  const photos = photosUploaded / n;
  const rows: [string, string, string, number][] = [
    [
      'Step Functions state transitions',
      fmt(transitionsPerHousehold, 1),
      'counted',
      transitionsPerHousehold * PRICES.stepFunctionsStandardPerTransition,
    ],
    [
      'Lambda requests',
      fmt(lambdaRequests, 1),
      'counted (polling GETs excluded)',
      lambdaRequests * PRICES.lambdaPerRequest,
    ],
    [
      'Lambda GB-seconds',
      fmt(gbSeconds, 2),
      'local wall time x MemorySize, priced per architecture: pessimistic',
      gbSecondsCost,
    ],
    [
      'DynamoDB write request units',
      fmt(work.wru / n, 1),
      'estimated from counted requests and sizes',
      (work.wru / n) * PRICES.dynamoPerWriteUnit,
    ],
    [
      'DynamoDB read request units',
      fmt(work.rru / n, 1),
      'estimated from counted requests and sizes',
      (work.rru / n) * PRICES.dynamoPerReadUnit,
    ],
    [
      'HTTP API requests',
      fmt(httpRequests, 1),
      'counted (acting requests only)',
      httpRequests * PRICES.httpApiPerRequest,
    ],
    ['S3 PUT requests (photos)', fmt(photos, 1), 'counted', photos * PRICES.s3PerPut],
    [
      `S3 storage, ${ASSUMED_PHOTO_MONTHS} months`,
      `${fmt((photos * ASSUMED_PHOTO_BYTES) / 1024 ** 2, 1)} MB`,
      `assumed ${ASSUMED_PHOTO_BYTES / 1024 ** 2} MB per photo`,
      ((photos * ASSUMED_PHOTO_BYTES) / 1024 ** 3) * PRICES.s3PerGbMonth * ASSUMED_PHOTO_MONTHS,
    ],
  ];
  const total = rows.reduce((s, row) => s + row[3], 0);
  out();
  out(
    `AWS cost per household (prices: ${PRICES.asOf}; Lambda priced at each function's template architecture; free tiers ignored)`,
  );
  out(
    table(
      ['item', 'quantity/hh', 'source', 'USD/hh'],
      [...rows.map(([a, b, c, d]) => [a, b, c, d.toFixed(6)]), ['total', '', '', total.toFixed(6)]],
    ),
  );
  out(`per 10,000 households: USD ${fmt(total * 10_000, 2)}`);
}
