/**
 * Crash-restart soak: households driven from registration to archive by resilient clients while the
 * local stack is killed with SIGKILL (its Node process, then DynamoDB Local's JVM: `RunningStack.crash`)
 * at seeded random moments and started again on the same data folder, with faults on (`soakFaults`: at
 * least 2 % of the calls to every service fail as AWS fails under stress) and the one-year execution
 * limit shortened, each household's construction stalling before its acceptance until the reconciler has replaced its
 * execution at least once. Used by the
 * integration tier (a small run) and by `npm run test:soak` (200 households, 10 kills); the checks are the
 * same: every household archived as a run without crashes would be, its audit chain intact, every
 * installment paid once, none waiting more than `TASK_WAIT_MS` without its task, and never two running
 * executions of one household (the running executions are listed every second).
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ExecutionListItem, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { pool } from '../../bench/common';
import { demoApplication, demoProgram } from '../../contract/examples';
import { verifyChain } from '../../domain/rules/audit';
import { splitInstallments } from '../../domain/rules/installments';
import { lookupSubsidy } from '../../domain/rules/subsidy';
import { stateMachineName } from '../../infra/constructs/state-machine';
import { login } from '../../tools/api-client/client';
import { type HouseholdFileView, householdDriver } from '../../tools/api-client/household-driver';
import { DemoStaff } from '../../tools/api-client/staff';
import { demoUsers } from '../../tools/demo/users';
import { stressFaults } from '../../twin/faults/faults';
import { makeDataDir, type RunningStack, removeDataDir, startStack } from '../../twin/stack-process';

export type SoakOptions = {
  readonly households: number;
  readonly kills: number;
  readonly seed: number;
  readonly concurrency?: number;
  /** Demo application numbers start here, so two soaks never register the same ID numbers. */
  readonly firstIndex?: number;
  readonly log?: (line: string) => void;
  /** Every start's output is appended to this file (kept after the run, for reading what happened at a kill). */
  readonly logFile?: string;
  /** How long a household may be seen without its task before the run fails as a lost task (default 120 s). */
  readonly taskWaitMs?: number;
  /** Called once the stack is up with a clean-up that stops it and removes its data, so a failed or timed-out run leaves nothing behind. */
  readonly onCleanup?: (cleanup: () => Promise<void>) => void;
  /** `ANJU_FAULTS` of every start (`soakFaults(seed)`); none when absent. */
  readonly faults?: string;
  /** `ANJU_EXECUTION_MAX_SECONDS` of every start: short enough that every household's execution is replaced. */
  readonly executionMaxSeconds?: number;
};

export type SoakResult = {
  readonly seed: number;
  readonly kills: number;
  readonly seconds: number;
  /** The reference household, driven before the first kill: the shape every household must end in. */
  readonly reference: HouseholdFileView;
  readonly households: { readonly index: number; readonly file: HouseholdFileView }[];
  readonly openTasks: readonly string[];
  /** The longest waits for a task (from the first read without it to the read with it), longest first. */
  readonly longestTaskWaits: readonly { householdId: string; phase: string; ms: number }[];
  readonly fundsReport: { total: { planned: number; released: number } };
  /** What the running executions showed, listed every second while the households were driven. */
  readonly executions: {
    /** How many times they were listed. */
    readonly looks: number;
    /** Households seen with two or more running executions at once, with their names: must stay empty. */
    readonly twoRunning: readonly string[];
    /** Each household's last execution attempt (its execution pointer): 0 when it was never replaced. */
    readonly attempts: ReadonlyMap<string, number>;
  };
  /** The faults the twin injected over every start, by kind (`dynamodb:PutItem ThrottlingException`...). */
  readonly faults: { readonly total: number; readonly byKind: ReadonlyMap<string, number> };
};

/**
 * The faults of a soak: 2 % of the calls to every service fail before they are applied (DynamoDB throttling,
 * internal errors and transaction conflicts, Step Functions throttling, S3 SlowDown, Lambda invocation failures
 * at Task states) and 0.5 % more are applied and then lose their answer, as after a timeout.
 */
export function soakFaults(seed: number): string {
  return stressFaults(2, seed);
}

/**
 * The execution limit of a soak: a household lives about half a minute in it, and the reconciler replaces an
 * execution once it has lived half its limit, so every household's execution is replaced at least once.
 */
export const SOAK_EXECUTION_MAX_SECONDS = 16;

/**
 * A household's construction stalls before its acceptance until its execution has been replaced (its pointer's
 * attempt is 1 or more), as a stalled construction outlives the one-year limit on AWS: so every household meets the
 * shortened limit, however fast the run. Bounded by many limits and a restart, then the run fails: the reconciler
 * did not replace it.
 */
async function untilExecutionReplaced(
  householdId: string,
  currentStack: () => RunningStack | undefined,
  executionMaxSeconds: number,
): Promise<void> {
  const boundMs = Math.max(180_000, 10 * executionMaxSeconds * 1000);
  const started = Date.now();
  while (Date.now() - started < boundMs) {
    const stack = currentStack();
    if (stack) {
      const ddb = DynamoDBDocumentClient.from(
        new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: 'us-east-1', credentials: OPERATOR }),
      );
      try {
        const pointer = await ddb.send(
          new GetCommand({ TableName: 'Table', Key: { PK: `HH#${householdId}`, SK: 'EXEC' }, ConsistentRead: true }),
        );
        if (Number(pointer.Item?.attempt ?? 0) >= 1) return;
      } catch {
        // The stack was killed meanwhile: look again once it is back.
      } finally {
        ddb.destroy();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`household ${householdId}: its execution was not replaced within ${boundMs / 1000} s`);
}

/** The twin's operator: the soak's own look at the services, beside the functions' signed calls. */
const OPERATOR = { accessKeyId: 'anjulocal', secretAccessKey: 'anjulocalsecret' };
const STATE_MACHINE = `arn:aws:states:us-east-1:000000000000:stateMachine:${stateMachineName('anju-dev')}`;

/** The household an execution belongs to: its name is `{householdId}-{attempt}`. */
const householdOf = (execution: ExecutionListItem) => (execution.name ?? '').replace(/-\d+$/, '');

async function runningExecutions(sfn: SFNClient): Promise<ExecutionListItem[]> {
  const running: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: STATE_MACHINE,
        statusFilter: 'RUNNING',
        maxResults: 1000,
        nextToken,
      }),
    );
    running.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return running;
}

/** mulberry32: a small seeded generator, so a failing run can be repeated with its printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Acting requests of one household from registration to archive (register, 12 steps, 4 photos x 2). */
const ACTING_REQUESTS_PER_HOUSEHOLD = 21;
const DOWN = 'http://127.0.0.1:1';
/**
 * A restart takes 7-20 s and a restarted execution records its task again within seconds; a household
 * two minutes without its task has lost it, and the run fails with its id instead of hanging.
 */
export const TASK_WAIT_MS = 120_000;

export async function runCrashSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed);
  const firstIndex = options.firstIndex ?? 5000;
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const dataDir = makeDataDir();
  let stack: RunningStack | undefined;
  let stopped = false;
  options.onCleanup?.(async () => {
    stopped = true;
    await stack?.stop();
    removeDataDir(dataDir);
  });
  const env: Record<string, string> = {
    ...(options.faults ? { ANJU_FAULTS: options.faults } : {}),
    ...(options.executionMaxSeconds ? { ANJU_EXECUTION_MAX_SECONDS: String(options.executionMaxSeconds) } : {}),
  };
  const start = () =>
    startStack({ dataDir, fastWaits: true, env, ...(options.logFile ? { logFile: options.logFile } : {}) });
  stack = await start();
  // While the stack is down, requests go to a port nothing listens on (the old one could be reused).
  let url = stack.url;
  let acting = 0;
  const inProgress = new Map<number, string>();
  const waits: { householdId: string; phase: string; ms: number }[] = [];
  const stallUntilReplaced = options.executionMaxSeconds
    ? (householdId: string) =>
        untilExecutionReplaced(householdId, () => (url === DOWN ? undefined : stack), options.executionMaxSeconds ?? 0)
    : undefined;
  const driver = householdDriver({
    url: () => url,
    resilient: true,
    retryForMs: 600_000,
    taskWaitMs: options.taskWaitMs ?? TASK_WAIT_MS,
    hooks: {
      onTaskWait: (householdId, phase, ms) => waits.push({ householdId, phase, ms }),
      onActingRequest: () => {
        acting += 1;
      },
      onRegistered: (index, id) => inProgress.set(index, id),
      ...(stallUntilReplaced ? { beforeAcceptance: stallUntilReplaced } : {}),
    },
  });
  const staff = new DemoStaff(() => url);
  // Log every needed user in while the stack is up: tokens are signed with the key kept in the data folder.
  const indexes = Array.from({ length: options.households }, (_, i) => firstIndex + 1 + i);
  for (const index of indexes) await staff.for(demoApplication(index).villageCode);

  log(`soak: seed ${options.seed}, ${options.households} households, ${options.kills} kills, data ${dataDir}`);
  const auditor = await login(url, 'liu.shenji');
  const referenceId = await driver.drive(staff, firstIndex);
  inProgress.delete(firstIndex);
  const reference = await driver.read(auditor, referenceId);

  // Every second, the running executions of every household: never two of one household at once. And the faults the
  // stack injected so far (a killed stack cannot be asked afterwards).
  const twoRunning = new Map<string, string>();
  let looks = 0;
  const faultsOfEarlierStacks = new Map<string, number>();
  let faultsOfThisStack = new Map<string, number>();
  let lookedAt: RunningStack | undefined;
  let sfn: SFNClient | undefined;
  let watching = true;
  const look = async () => {
    const current = stack;
    if (!current || url === DOWN) return;
    if (lookedAt !== current) {
      for (const [kind, count] of faultsOfThisStack)
        faultsOfEarlierStacks.set(kind, (faultsOfEarlierStacks.get(kind) ?? 0) + count);
      faultsOfThisStack = new Map();
      sfn?.destroy();
      sfn = new SFNClient({ endpoint: current.endpoints.sfn, region: 'us-east-1', credentials: OPERATOR });
      lookedAt = current;
    }
    const byHousehold = new Map<string, string[]>();
    for (const execution of await runningExecutions(sfn as SFNClient)) {
      const id = householdOf(execution);
      byHousehold.set(id, [...(byHousehold.get(id) ?? []), execution.name ?? '?']);
    }
    looks += 1;
    for (const [id, names] of byHousehold) if (names.length > 1) twoRunning.set(id, names.join(', '));
    const report = await current.twin();
    faultsOfThisStack = new Map(report.faults.byFault.map(({ fault, count }) => [fault, count]));
  };
  const watcher = (async () => {
    while (watching) {
      await look().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();

  // Kill points spread over the run by progress (acting requests), each with a jitter in time.
  const expected = options.households * ACTING_REQUESTS_PER_HOUSEHOLD;
  const killAt = Array.from({ length: options.kills }, () => Math.floor((0.03 + 0.85 * random()) * expected)).sort(
    (a, b) => a - b,
  );
  const jitterMs = killAt.map(() => Math.floor(random() * 1500));
  acting = 0;
  let finished = false;
  let kills = 0;
  const earlierOutput: string[] = [];
  const chaos = (async () => {
    for (const [k, threshold] of killAt.entries()) {
      while (acting < threshold && !finished) await new Promise((resolve) => setTimeout(resolve, 100));
      if (finished) return;
      await new Promise((resolve) => setTimeout(resolve, jitterMs[k]));
      if (stopped) return;
      url = DOWN;
      await stack?.crash();
      earlierOutput.push(stack?.output() ?? '');
      kills += 1;
      const restarting = performance.now();
      stack = await start();
      url = stack.url;
      log(
        `soak ${elapsed()}: kill ${kills}/${options.kills} after ${acting} acting requests; back in ${((performance.now() - restarting) / 1000).toFixed(1)} s`,
      );
    }
  })();
  // Progress, and where the unfinished households stand: a household stuck without its task shows here.
  const watchdog = setInterval(() => {
    void (async () => {
      const unfinished: string[] = [];
      for (const [index, id] of [...inProgress.entries()].slice(0, 8)) {
        const file = await driver.read(auditor, id).catch(() => undefined);
        unfinished.push(`${index}:${file ? `${file.phase}/${file.task?.step ?? 'no task'}` : 'unreadable'}`);
      }
      log(
        `soak ${elapsed()}: ${acting} acting requests, ${kills} kills, ${inProgress.size} in progress ${unfinished.join(' ')}`,
      );
    })();
  }, 60_000);

  const ids = new Map<number, string>();
  try {
    await pool(indexes.length, options.concurrency ?? 16, async (i) => {
      const index = indexes[i] ?? 0;
      ids.set(index, await driver.drive(staff, index));
      inProgress.delete(index);
    });
  } catch (error) {
    // What the stacks logged about failures, for the report (the functions log JSON lines).
    const lines = [...earlierOutput, stack?.output() ?? '']
      .join('\n')
      .split('\n')
      .filter((line) => /"level":"(ERROR|WARN)"|Error|error/.test(line));
    log(`soak ${elapsed()}: failed; the stacks' error lines:\n${lines.slice(-40).join('\n')}`);
    throw error;
  } finally {
    finished = true;
    clearInterval(watchdog);
    await chaos;
    watching = false;
    await watcher;
  }
  await look();
  sfn?.destroy();

  const households: { index: number; file: HouseholdFileView }[] = [];
  for (const index of indexes) {
    households.push({ index, file: await driver.read(auditor, ids.get(index) ?? '') });
  }
  const ours = new Set([referenceId, ...ids.values()]);
  const openTasks: string[] = [];
  for (const user of demoUsers.filter((u) => !u.roles.includes('admin') && !u.roles.includes('auditor'))) {
    const token = await login(url, user.username);
    const queue = await driver.send<{ items: { householdId: string; step: string }[] }>('GET', token, '/tasks');
    for (const task of queue.body.items ?? []) {
      if (ours.has(task.householdId)) openTasks.push(`${task.householdId} ${task.step} (${user.username})`);
    }
  }
  const funds = await driver.send<SoakResult['fundsReport']>(
    'GET',
    auditor,
    `/reports/funds?county=${demoProgram.county.code}`,
  );
  // Each household's execution pointer: how many times its execution was replaced.
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: 'us-east-1', credentials: OPERATOR }),
  );
  const attempts = new Map<string, number>();
  for (const id of ours) {
    const pointer = await ddb.send(new GetCommand({ TableName: 'Table', Key: { PK: `HH#${id}`, SK: 'EXEC' } }));
    attempts.set(id, Number(pointer.Item?.attempt ?? -1));
  }
  ddb.destroy();
  const byKind = new Map(faultsOfEarlierStacks);
  for (const [kind, count] of faultsOfThisStack) byKind.set(kind, (byKind.get(kind) ?? 0) + count);
  const faultTotal = [...byKind.values()].reduce((sum, count) => sum + count, 0);

  const seconds = (performance.now() - started) / 1000;
  const longestTaskWaits = waits.sort((a, b) => b.ms - a.ms).slice(0, 5);
  const replaced = [...attempts.values()];
  log(
    `soak: ${options.households} households driven to the end in ${seconds.toFixed(0)} s with ${kills} kills; longest wait for a task ${((longestTaskWaits[0]?.ms ?? 0) / 1000).toFixed(1)} s (${longestTaskWaits[0]?.phase ?? '-'}); ${faultTotal} faults injected; executions per household ${Math.min(...replaced) + 1}-${Math.max(...replaced) + 1} (mean ${(replaced.reduce((a, b) => a + b, 0) / replaced.length + 1).toFixed(1)}); running executions listed ${looks} times, ${twoRunning.size} households seen with two`,
  );
  if (faultTotal > 0) {
    log(
      `soak faults: ${[...byKind.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([kind, count]) => `${kind} ${count}`)
        .join(', ')}`,
    );
  }
  return {
    seed: options.seed,
    kills,
    seconds,
    reference,
    households,
    openTasks,
    longestTaskWaits,
    fundsReport: funds.body,
    executions: {
      looks,
      twoRunning: [...twoRunning.entries()].map(([id, names]) => `${id}: ${names}`),
      attempts,
    },
    faults: { total: faultTotal, byKind },
  };
}

/** The subsidy and installments a demo household must end with (rebuild, grade D, as the driver decides). */
export function expectedMoney(index: number): { subsidy: number; installments: number[] } {
  const application = demoApplication(index);
  const subsidy = lookupSubsidy(demoProgram, { category: application.category, mode: 'rebuild', grade: 'D' });
  return { subsidy, installments: splitInstallments(subsidy, demoProgram.installments) };
}

/**
 * Everything that must hold of one household after the soak, as a list of problems (empty when
 * sound): archived, the same audit events in the same order as the reference, an intact chain,
 * every installment paid once and to the cent.
 */
export function problemsOf(index: number, file: HouseholdFileView, reference: HouseholdFileView): string[] {
  const problems: string[] = [];
  const id = `${file.householdId} (demo ${index})`;
  if (file.phase !== 'archived') problems.push(`${id} ended in ${file.phase}`);
  if (file.task !== null) problems.push(`${id} still has a pending ${file.task?.step} task`);
  const chain = verifyChain(file.timeline, file.version);
  if (!chain.ok) problems.push(`${id} audit chain broken at seq ${chain.brokenAt}`);
  const steps = (view: HouseholdFileView) => view.timeline.map((event) => `${event.type}/${event.role}`).join(' ');
  if (steps(file) !== steps(reference)) {
    problems.push(
      `${id} audit events differ from the no-crash reference:\n  got  ${steps(file)}\n  want ${steps(reference)}`,
    );
  }
  if (file.version !== reference.version)
    problems.push(`${id} version ${file.version}, reference ${reference.version}`);
  const money = expectedMoney(index);
  if (file.household.approvedSubsidy !== money.subsidy) {
    problems.push(`${id} approved ${file.household.approvedSubsidy}, expected ${money.subsidy}`);
  }
  const paid = (file.payments ?? []).map((p) => `${p.installment}:${p.amount}`).sort();
  const want = money.installments.map((amount, i) => `${i}:${amount}`).sort();
  if (paid.join(',') !== want.join(',')) problems.push(`${id} payments ${paid.join(',')}, expected ${want.join(',')}`);
  // The rest of the file as the reference has it: payment states, inspections, confirmed photos by step
  // and kind. A crash may leave a requested photo that was never uploaded (the phone retried with a new
  // one); it is not evidence and is not compared.
  const shape = (view: HouseholdFileView) =>
    JSON.stringify({
      payments: (view.payments ?? []).map((p) => `${p.installment}:${p.status}`).sort(),
      inspections: (view.inspections ?? []).map((i) => `${i.milestone}:${i.result}`).sort(),
      photos: (view.photos ?? [])
        .filter((p) => p.status === 'confirmed')
        .map((p) => `${p.step}/${p.kind}`)
        .sort(),
    });
  if (shape(file) !== shape(reference)) {
    problems.push(`${id} file differs from the no-crash reference:\n  got  ${shape(file)}\n  want ${shape(reference)}`);
  }
  return problems;
}

/**
 * What both tiers assert of a soak: every household ended as a run without crashes would, nothing open, every
 * yuan released once, never two running executions of a household, every household's execution replaced at
 * least once (the shortened limit), and faults met on the way. No household
 * waited more than `TASK_WAIT_MS` without its task: the driver fails the run as soon as one does.
 */
export function expectEndedAsWithoutCrashes(run: SoakResult, kills: number): void {
  expect(run.kills).toBe(kills);
  expect(run.executions.looks).toBeGreaterThan(0);
  expect(run.executions.twoRunning).toEqual([]);
  // Every household's construction stalled until its execution was replaced (`untilExecutionReplaced`).
  const neverReplaced = [...run.executions.attempts].filter(([, attempt]) => attempt < 1).map(([id]) => id);
  expect(neverReplaced).toEqual([]);
  expect(run.faults.total).toBeGreaterThan(0);
  expect(run.longestTaskWaits[0]?.ms ?? 0).toBeLessThanOrEqual(TASK_WAIT_MS);
  expect(run.reference.phase).toBe('archived');
  expect(run.households.flatMap(({ index, file }) => problemsOf(index, file, run.reference))).toEqual([]);
  expect(run.openTasks).toEqual([]);
  const approved = [run.reference, ...run.households.map((h) => h.file)].reduce(
    (sum, file) => sum + (file.household.approvedSubsidy ?? 0),
    0,
  );
  expect(run.fundsReport.total.released).toBe(approved);
}
