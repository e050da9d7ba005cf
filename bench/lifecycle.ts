/**
 * `npm run bench [-- --households 1000 --concurrency 16 --archive 1]` (1,000 households by default, as issue 8 asks)
 * Households from registration to agreement (and with `--archive 1`, through installments, inspections with photos
 * and acceptance to archive) through the HTTP API, on a local stack this benchmark starts in-process with fast waits.
 * Prints households per minute, p50/p99 latency per action, DynamoDB requests and estimated capacity units per
 * household (counted at the twin's DynamoDB front, attributed to the invocation that made them by the X-Ray trace
 * id the SDK sends with each call), Step
 * Functions state transitions (from the local execution histories), the ratio to DynamoDB Local's PutItem ceiling
 * (measured on the same JVM afterwards) and an AWS cost estimate per household.
 *
 * `--faults N` (N > 0) then drives the same number of households on a second, fresh stack on which N % of the calls
 * to every AWS service fail as they do under stress (`stressFaults`: throttling, internal errors, transaction
 * conflicts, Lambda invocation failures at Task states, answers lost after the call applied) and prints households
 * per minute with and without faults. Both runs then use the resilient client (an Idempotency-Key on every write,
 * retries on 429/503), so the difference is the faults' alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { householdDriver } from '../tools/api-client/household-driver';
import { DemoStaff } from '../tools/api-client/staff';
import type { FunctionSpec } from '../twin/assembly/assembly';
import { parseFaults, stressFaults } from '../twin/faults/faults';
import type { DynamoCall as FrontCall } from '../twin/iam/dynamodb-front';
import { newTraceId } from '../twin/iam/sandbox';
import { startLocalStack } from '../twin/main';
import { ensureSynthesized } from '../twin/stack-process';
import { fmt, intFlags, pool, summarize, table } from './common';
import { ensureCeilingTable, measurePuts } from './dynamo-puts';

const flags = intFlags(process.argv.slice(2), {
  households: 1000,
  concurrency: 16,
  archive: 1,
  ceilingPuts: 2000,
  faults: 0,
});

/**
 * Published on-demand prices, us-east-1, as the author knew them (AWS price pages as of 2025); NOT re-checked on the
 * day of the run (this machine has no internet access). Check https://aws.amazon.com/pricing before quoting; prices in
 * the China regions are set in CNY by their operators (Sinnet, NWCD) and differ.
 */
const PRICES = {
  asOf: '2025 (AWS public price pages, us-east-1; not re-verified on 2026-12 offline)',
  stepFunctionsStandardPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaPerGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
  dynamoPerWriteUnit: 0.625 / 1_000_000,
  dynamoPerReadUnit: 0.125 / 1_000_000,
  dynamoStoragePerGbMonth: 0.25,
  dynamoPitrPerGbMonth: 0.2,
  dynamoBackupPerGbMonth: 0.1,
  httpApiPerRequest: 1.0 / 1_000_000,
  s3PerGbMonth: 0.023,
  s3PerPut: 0.005 / 1000,
  s3GlacierIrPerGbMonth: 0.004,
  /** Lifecycle transition requests into Glacier Instant Retrieval. */
  s3GlacierIrTransitionPerRequest: 0.02 / 1000,
  xrayPerTraceRecorded: 5.0 / 1_000_000,
  logsIngestPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  alarmPerMonth: 0.1,
  dashboardPerMonth: 3.0,
  customMetricPerMonth: 0.3,
} as const;
/** Assumption: a real site photo is about 3 MB and its WebP preview about 60 KB (the benchmark uploads tiny JPEGs). */
const ASSUMED_PHOTO_BYTES = 3 * 1024 * 1024;
const ASSUMED_PREVIEW_BYTES = 60 * 1024;
/**
 * Assumption: a household file holds about 40 photos (before the work at application and appraisal, each of three
 * construction milestones, final acceptance); the benchmark uploads a few, and the rest are priced at the counted
 * cost of its photos.
 */
const ASSUMED_PHOTOS_PER_HOUSEHOLD = 40;
/** Assumption: photos sit in S3 Standard for a year (application to archive) before the archive step tags them. */
const ASSUMED_ACTIVE_MONTHS = 12;
/** Assumption: the table holds about 60 KB per household, its index copies included (household, events, tasks, payments, photos). */
const ASSUMED_TABLE_BYTES_PER_HOUSEHOLD = 60 * 1024;
/** Monthly table backups kept this many years (the default of -c backupRetentionYears), plus 13 weekly ones. */
const BACKUP_RETENTION_YEARS = 10;
const RETAINED_BACKUPS = 12 * BACKUP_RETENTION_YEARS + 13;
/** Assumption: log bytes per Lambda invocation (platform START/END/REPORT and the handler's JSON lines). */
const ASSUMED_LOG_BYTES_PER_INVOCATION = 1500;
/** Assumption: execution log bytes per state entered (entered and exited events, no execution data). */
const ASSUMED_LOG_BYTES_PER_TRANSITION = 800;
/** Assumption: one access log line per HTTP API request. */
const ASSUMED_LOG_BYTES_PER_API_REQUEST = 400;
/** Logs are kept a year (the default of -c logRetentionDays); stored bytes priced as ingested (pessimistic). */
const LOG_RETENTION_MONTHS = 12;
/** The outbox sweeper runs every minute: about 100 ms at 512 MB on arm64 and one outbox Query per run (assumed). */
const SWEEPS_PER_YEAR = 60 * 24 * 365;
const ASSUMED_SWEEP_SECONDS = 0.1;
/**
 * The reconciler (functions/schedules/reconciler.ts) runs every five minutes: each run queries the 8 shards of its
 * index (half a read unit each when little is due) for about a second at 512 MB; it looks at a well household once
 * an hour (a BatchGetItem of two items, 2 read units, and an UpdateItem of the pointer with its index entry, 2 write
 * units; DescribeExecution costs nothing).
 */
const RECONCILER_RUNS_PER_YEAR = 12 * 24 * 365;
const ASSUMED_RECONCILER_SECONDS = 1;
const RECONCILER_LOOKS_PER_ACTIVE_YEAR = 24 * 365;

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

/**
 * Index writes a table write causes: each GSI whose key attribute the write names (set, or removed: both write the
 * index) is written once more, at the item's size. Without the item's old image this is an estimate: an update that
 * moves an item within an index (a delete and a put there) counts once.
 */
function indexesNamedIn(requestText: string): number {
  return new Set(requestText.match(/GSI\d+PK/g) ?? []).size;
}

/** Write and read capacity units, estimated from request and response sizes (JSON overhead included: a bit high). */
function capacityOf(call: DynamoCall): { wru: number; rru: number; items: number; gsiWru: number } {
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
      return {
        wru: kb(call.requestBytes),
        rru: 0,
        items: 1,
        gsiWru: indexesNamedIn(call.body) * kb(call.requestBytes),
      };
    case 'TransactWriteItems': {
      const transactItems = Array.isArray(parsed.TransactItems) ? (parsed.TransactItems as unknown[]) : [];
      const items = transactItems.length || 1;
      const perItemKb = kb(call.requestBytes / items);
      // Index writes are not transactional: one unit per KB per index, as a standard write.
      const gsiWrites = transactItems.reduce<number>((sum, item) => sum + indexesNamedIn(JSON.stringify(item)), 0);
      return { wru: 2 * items * perItemKb, rru: 0, items, gsiWru: gsiWrites * perItemKb };
    }
    case 'BatchWriteItem': {
      const requests = Object.values((parsed.RequestItems ?? {}) as Record<string, unknown[]>).flat();
      const count = requests.length || 1;
      const perItemKb = kb(call.requestBytes / count);
      const gsiWrites = requests.reduce<number>((sum, item) => sum + indexesNamedIn(JSON.stringify(item)), 0);
      return { wru: count * perItemKb, rru: 0, items: count, gsiWru: gsiWrites * perItemKb };
    }
    case 'TransactGetItems': {
      const items = Array.isArray(parsed.TransactItems) ? parsed.TransactItems.length : 1;
      return { wru: 0, rru: 2 * items * fourKb(call.responseBytes / items), items, gsiWru: 0 };
    }
    case 'GetItem':
    case 'Query':
    case 'Scan':
      return {
        wru: 0,
        rru: fourKb(call.responseBytes) * (parsed.ConsistentRead === true ? 1 : 0.5),
        items: 1,
        gsiWru: 0,
      };
    case 'BatchGetItem':
      return { wru: 0, rru: fourKb(call.responseBytes) * 0.5, items: 1, gsiWru: 0 };
    default:
      return { wru: 0, rru: 0, items: 0, gsiWru: 0 };
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

const staffOf = new Map<string, DemoStaff>();

/** Registration to archive by the shared driver (tools/api-client/household-driver.ts), timed per action. */
function household(url: string, index: number): Promise<string> {
  const staffing = staffOf.get(url) ?? new DemoStaff(() => url);
  staffOf.set(url, staffing);
  const driver = householdDriver({
    url: () => url,
    // With faults in the comparison, both runs use the client that survives them.
    resilient: flags.faults > 0,
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
  if (flags.faults > 0) await withFaults(seconds);
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

/** The same households on a fresh stack with `--faults` % of the AWS calls failing; households per minute of both runs. */
async function withFaults(secondsWithout: number): Promise<void> {
  const faults = parseFaults(stressFaults(flags.faults, 42));
  const faultData = mkdtempSync(path.join(os.tmpdir(), 'anju-bench-faults-'));
  process.stdout.write(`\nstarting a second local stack with ${flags.faults} % of the AWS calls failing...\n`);
  const faulty = await startLocalStack({ port: 0, dataDir: faultData, fastWaits: true, log: 'quiet', faults });
  try {
    const started = performance.now();
    await pool(flags.households, flags.concurrency, async (i) => {
      await household(faulty.url, i);
    });
    const seconds = (performance.now() - started) / 1000;
    const injected = faulty.faults.injected();
    const perMinute = (s: number) => fmt((flags.households / s) * 60, 1);
    process.stdout.write(
      `\nhouseholds per minute: ${perMinute(secondsWithout)} without faults, ${perMinute(seconds)} with ${flags.faults} % of the AWS calls failing ` +
        `(${flags.households} households each, ${flags.concurrency} concurrent clients; ${injected.total} faults injected: ` +
        `${injected.byFault
          .slice(0, 8)
          .map(({ fault, count }) => `${fault} ${count}`)
          .join(', ')}${injected.byFault.length > 8 ? ', ...' : ''})\n`,
    );
  } finally {
    await faulty.stop();
    rmSync(faultData, { recursive: true, force: true });
  }
}

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

  const byLabel = new Map<string, { requests: number; wru: number; rru: number; gsiWru: number; writeItems: number }>();
  const byTarget = new Map<string, number>();
  const byLabelTarget = new Map<string, Map<string, number>>();
  for (const call of calls) {
    const targets = byLabelTarget.get(call.label) ?? new Map<string, number>();
    targets.set(call.target, (targets.get(call.target) ?? 0) + 1);
    byLabelTarget.set(call.label, targets);
    const capacity = capacityOf(call);
    const entry = byLabel.get(call.label) ?? { requests: 0, wru: 0, rru: 0, gsiWru: 0, writeItems: 0 };
    entry.requests += 1;
    entry.wru += capacity.wru;
    entry.rru += capacity.rru;
    entry.gsiWru += capacity.gsiWru;
    if (capacity.wru > 0) entry.writeItems += capacity.items;
    byLabel.set(call.label, entry);
    byTarget.set(call.target, (byTarget.get(call.target) ?? 0) + 1);
  }
  const isPolling = (label: string) => /^GET \/(households\/\{[^}]+\}|tasks)$/.test(label);
  const sum = (filter: (label: string) => boolean) => {
    let requests = 0;
    let wru = 0;
    let rru = 0;
    let gsiWru = 0;
    let writeItems = 0;
    for (const [label, entry] of byLabel) {
      if (!filter(label)) continue;
      requests += entry.requests;
      wru += entry.wru;
      rru += entry.rru;
      gsiWru += entry.gsiWru;
      writeItems += entry.writeItems;
    }
    return { requests, wru, rru, gsiWru, writeItems };
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
  for (const [label, targets] of byLabelTarget) {
    out(`  ${label}: ${[...targets.entries()].map(([t, c]) => `${t} ${fmt(c / n, 1)}`).join(', ')}`);
  }
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

  costReport(run, work, isPolling, out);
}

type Totals = { requests: number; wru: number; rru: number; gsiWru: number; writeItems: number };
type CostRow = [item: string, quantity: string, source: string, usd: number];

function isPhotoRoute(label: string): boolean {
  return label.startsWith('POST /households/{id}/photos');
}

/**
 * The AWS cost of the run's households at list prices: what one household costs once (its workflow, with a realistic
 * number of photos), what it costs each year it is kept (active, then archived), and what a deployment costs a year
 * whatever its size; then 10,000 households a year. Counted quantities come from this run, the rest are the
 * assumptions named at the top of this file.
 */
function costReport(
  run: { n: number; transitions: number; histories: number },
  work: Totals,
  isPolling: (label: string) => boolean,
  out: (line?: string) => void,
): void {
  const { n } = run;
  const gb = (bytes: number) => bytes / 1024 ** 3;
  const gbSecondsOf = (e: Invocations) => (e.ms / 1000) * (e.memoryMb / 1024);
  const lambdaInvocations = [...invocations.entries()].filter(([label]) => !isPolling(label));
  const perHousehold = (select: (label: string) => boolean) => {
    const chosen = lambdaInvocations.filter(([label]) => select(label));
    let wru = 0;
    let rru = 0;
    let gsiWru = 0;
    for (const call of calls) {
      if (!select(call.label) || isPolling(call.label)) continue;
      const capacity = capacityOf(call);
      wru += capacity.wru;
      rru += capacity.rru;
      gsiWru += capacity.gsiWru;
    }
    return {
      requests: chosen.reduce((sum, [, e]) => sum + e.count, 0) / n,
      gbSeconds: chosen.reduce((sum, [, e]) => sum + gbSecondsOf(e), 0) / n,
      // Each function is priced at its own architecture: PhotosFn is x86_64 (the sharp layer), the rest arm64.
      computeUsd: chosen.reduce((sum, [, e]) => sum + gbSecondsOf(e) * PRICES.lambdaPerGbSecond[e.architecture], 0) / n,
      wru: wru / n,
      rru: rru / n,
      gsiWru: gsiWru / n,
    };
  };
  const everything = perHousehold(() => true);
  const photoWork = perHousehold(isPhotoRoute);
  const countedPhotos = photosUploaded / n;
  // The benchmark's few photos stand for the realistic count: each extra photo costs what a counted one did.
  const extraPhotos = Math.max(0, ASSUMED_PHOTOS_PER_HOUSEHOLD - countedPhotos);
  const perPhoto = countedPhotos > 0 ? extraPhotos / countedPhotos : 0;
  const photoApiRequestsPerPhoto = 2; // request an upload, confirm it
  const photos = Math.max(countedPhotos, ASSUMED_PHOTOS_PER_HOUSEHOLD);

  const lambdaRequests = everything.requests + photoWork.requests * perPhoto;
  const gbSeconds = everything.gbSeconds + photoWork.gbSeconds * perPhoto;
  const computeUsd = everything.computeUsd + photoWork.computeUsd * perPhoto;
  const wru = work.wru / n + photoWork.wru * perPhoto;
  const gsiWru = work.gsiWru / n + photoWork.gsiWru * perPhoto;
  const rru = work.rru / n + photoWork.rru * perPhoto;
  const httpRequests = apiRequests / n + photoApiRequestsPerPhoto * extraPhotos;
  const transitions = run.transitions / Math.max(1, run.histories);
  const executions = run.histories / n;
  // Every invocation and execution traced (X-Ray samples 1 request a second and 5 % beyond: all of a county's traffic).
  const traces = lambdaRequests + executions;
  const logBytes =
    lambdaRequests * ASSUMED_LOG_BYTES_PER_INVOCATION +
    transitions * executions * ASSUMED_LOG_BYTES_PER_TRANSITION +
    httpRequests * ASSUMED_LOG_BYTES_PER_API_REQUEST;
  const storedBytes = photos * (ASSUMED_PHOTO_BYTES + ASSUMED_PREVIEW_BYTES);

  const once: CostRow[] = [
    [
      'Step Functions state transitions',
      fmt(transitions * executions, 1),
      'counted',
      transitions * executions * PRICES.stepFunctionsStandardPerTransition,
    ],
    [
      'Lambda requests',
      fmt(lambdaRequests, 1),
      `counted, photos scaled to ${ASSUMED_PHOTOS_PER_HOUSEHOLD} (polling GETs excluded)`,
      lambdaRequests * PRICES.lambdaPerRequest,
    ],
    ['Lambda GB-seconds', fmt(gbSeconds, 2), 'local wall time x MemorySize, per architecture: pessimistic', computeUsd],
    [
      'DynamoDB write request units (table)',
      fmt(wru, 1),
      'estimated from counted requests and sizes',
      wru * PRICES.dynamoPerWriteUnit,
    ],
    [
      'DynamoDB write request units (GSI copies)',
      fmt(gsiWru, 1),
      'one per index a write names, at the item size',
      gsiWru * PRICES.dynamoPerWriteUnit,
    ],
    [
      'DynamoDB read request units',
      fmt(rru, 1),
      'estimated from counted requests and sizes',
      rru * PRICES.dynamoPerReadUnit,
    ],
    [
      'HTTP API requests',
      fmt(httpRequests, 1),
      'counted acting requests, photos scaled',
      httpRequests * PRICES.httpApiPerRequest,
    ],
    [
      'S3 PUT requests (photos and previews)',
      fmt(2 * photos, 0),
      `${fmt(photos, 0)} photos assumed`,
      2 * photos * PRICES.s3PerPut,
    ],
    [
      'X-Ray traces recorded',
      fmt(traces, 1),
      'every invocation and execution sampled',
      traces * PRICES.xrayPerTraceRecorded,
    ],
    [
      'CloudWatch Logs ingested',
      `${fmt(logBytes / 1024, 0)} KB`,
      'assumed bytes per invocation, state and request',
      gb(logBytes) * PRICES.logsIngestPerGb,
    ],
    [
      'CloudWatch Logs stored a year',
      `${fmt(logBytes / 1024, 0)} KB`,
      `${LOG_RETENTION_MONTHS} months, uncompressed`,
      gb(logBytes) * PRICES.logsStoragePerGbMonth * LOG_RETENTION_MONTHS,
    ],
    [
      'Lifecycle transitions to Glacier IR',
      fmt(2 * photos, 0),
      'photo and preview, once archived',
      2 * photos * PRICES.s3GlacierIrTransitionPerRequest,
    ],
  ];
  const tableGb = gb(ASSUMED_TABLE_BYTES_PER_HOUSEHOLD);
  const keptEveryYear: CostRow[] = [
    [
      'DynamoDB storage',
      `${ASSUMED_TABLE_BYTES_PER_HOUSEHOLD / 1024} KB`,
      'assumed',
      tableGb * PRICES.dynamoStoragePerGbMonth * 12,
    ],
    ['DynamoDB point-in-time recovery', '', 'on the table size', tableGb * PRICES.dynamoPitrPerGbMonth * 12],
    [
      'AWS Backup copies of the table',
      `${RETAINED_BACKUPS} copies`,
      `monthly for ${BACKUP_RETENTION_YEARS} years and 13 weekly, steady state`,
      tableGb * RETAINED_BACKUPS * PRICES.dynamoBackupPerGbMonth * 12,
    ],
  ];
  const activeYear: CostRow[] = [
    [
      'S3 Standard, photos and previews',
      `${fmt(storedBytes / 1024 ** 2, 0)} MB`,
      `${ASSUMED_ACTIVE_MONTHS} months before archive`,
      gb(storedBytes) * PRICES.s3PerGbMonth * ASSUMED_ACTIVE_MONTHS,
    ],
    [
      'Reconciler looks, one an hour',
      `${fmt(RECONCILER_LOOKS_PER_ACTIVE_YEAR, 0)} looks`,
      '2 read and 2 write units each while active',
      RECONCILER_LOOKS_PER_ACTIVE_YEAR * (2 * PRICES.dynamoPerReadUnit + 2 * PRICES.dynamoPerWriteUnit),
    ],
    ...keptEveryYear,
  ];
  const archivedYear: CostRow[] = [
    [
      'S3 Glacier Instant Retrieval, photos and previews',
      `${fmt(storedBytes / 1024 ** 2, 0)} MB`,
      '12 months',
      gb(storedBytes) * PRICES.s3GlacierIrPerGbMonth * 12,
    ],
    ...keptEveryYear,
  ];
  const alarms = Object.values(stack.assembly.template.Resources ?? {}).filter(
    (resource) => resource.Type === 'AWS::CloudWatch::Alarm',
  ).length;
  const sweepGbSeconds = SWEEPS_PER_YEAR * ASSUMED_SWEEP_SECONDS * 0.5;
  const deploymentYear: CostRow[] = [
    [
      'Outbox sweeper, every minute',
      `${fmt(SWEEPS_PER_YEAR, 0)} runs`,
      `${ASSUMED_SWEEP_SECONDS * 1000} ms at 512 MB arm64, a Query, a trace and a log line each`,
      SWEEPS_PER_YEAR *
        (PRICES.lambdaPerRequest +
          0.5 * PRICES.dynamoPerReadUnit +
          PRICES.xrayPerTraceRecorded +
          gb(ASSUMED_LOG_BYTES_PER_INVOCATION) *
            (PRICES.logsIngestPerGb + PRICES.logsStoragePerGbMonth * LOG_RETENTION_MONTHS)) +
        sweepGbSeconds * PRICES.lambdaPerGbSecond.arm64,
    ],
    [
      'Reconciler, every five minutes',
      `${fmt(RECONCILER_RUNS_PER_YEAR, 0)} runs`,
      `${ASSUMED_RECONCILER_SECONDS} s at 512 MB arm64, 8 index Queries, a trace and a log line each`,
      RECONCILER_RUNS_PER_YEAR *
        (PRICES.lambdaPerRequest +
          8 * 0.5 * PRICES.dynamoPerReadUnit +
          PRICES.xrayPerTraceRecorded +
          gb(ASSUMED_LOG_BYTES_PER_INVOCATION) *
            (PRICES.logsIngestPerGb + PRICES.logsStoragePerGbMonth * LOG_RETENTION_MONTHS) +
          ASSUMED_RECONCILER_SECONDS * 0.5 * PRICES.lambdaPerGbSecond.arm64),
    ],
    ['CloudWatch alarms', String(alarms), 'from the template', alarms * PRICES.alarmPerMonth * 12],
    ['CloudWatch dashboard', '1', '', PRICES.dashboardPerMonth * 12],
    [
      'Custom metrics',
      '4',
      'OutboxOldestAgeSeconds (sweeper); HouseholdsReconciled, ExecutionsRestarted, ReconcileFailures (reconciler)',
      4 * PRICES.customMetricPerMonth * 12,
    ],
  ];

  const total = (rows: CostRow[]) => rows.reduce((sum, row) => sum + row[3], 0);
  const print = (title: string, rows: CostRow[], unit: string) => {
    out();
    out(title);
    out(
      table(
        ['item', 'quantity', 'source', unit],
        [...rows.map(([a, b, c, d]) => [a, b, c, d.toFixed(6)]), ['total', '', '', total(rows).toFixed(6)]],
      ),
    );
  };
  out();
  out(`AWS list prices: ${PRICES.asOf}; free tiers ignored; Lambda priced at each function's template architecture.`);
  print(`Once per household (its workflow, ${fmt(photos, 0)} photos):`, once, 'USD/hh');
  print('Per household, its first (active) year:', activeYear, 'USD/hh/year');
  print('Per household, each year after archive:', archivedYear, 'USD/hh/year');
  print('Per deployment (one stage), each year whatever its size:', deploymentYear, 'USD/year');
  const firstYear = total(once) + total(activeYear);
  out();
  out(
    `per household: USD ${fmt(firstYear, 4)} in its first year (workflow and active storage), USD ${fmt(total(archivedYear), 4)} each archived year`,
  );
  out(
    `per 10,000 households a year: USD ${fmt(10_000 * firstYear + total(deploymentYear), 2)} in the year they go through the program ` +
      `(deployment included), USD ${fmt(10_000 * total(archivedYear) + total(deploymentYear), 2)} each year they are kept archived`,
  );
}
