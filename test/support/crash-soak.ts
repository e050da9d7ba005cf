/**
 * Crash-restart soak: households driven from registration to archive by resilient clients while the
 * local stack is killed with SIGKILL (its Node process, then DynamoDB Local's JVM: `RunningStack.crash`)
 * at seeded random moments and started again on the same data folder. Used by the integration tier (a small run) and by
 * `npm run test:soak` (200 households, 10 kills); the checks are the same.
 */

import { expect } from 'vitest';
import { pool } from '../../bench/common';
import { demoApplication, demoProgram } from '../../contract/examples';
import { verifyChain } from '../../domain/rules/audit';
import { splitInstallments } from '../../domain/rules/installments';
import { lookupSubsidy } from '../../domain/rules/subsidy';
import { login } from '../../tools/api-client/client';
import { type HouseholdFileView, householdDriver } from '../../tools/api-client/household-driver';
import { DemoStaff } from '../../tools/api-client/staff';
import { demoUsers } from '../../tools/demo/users';
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
};

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
const TASK_WAIT_MS = 120_000;

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
  const start = () =>
    startStack({ dataDir, fastWaits: true, ...(options.logFile ? { logFile: options.logFile } : {}) });
  stack = await start();
  // While the stack is down, requests go to a port nothing listens on (the old one could be reused).
  let url = stack.url;
  let acting = 0;
  const inProgress = new Map<number, string>();
  const waits: { householdId: string; phase: string; ms: number }[] = [];
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
  }

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
  const seconds = (performance.now() - started) / 1000;
  const longestTaskWaits = waits.sort((a, b) => b.ms - a.ms).slice(0, 5);
  log(
    `soak: ${options.households} households driven to the end in ${seconds.toFixed(0)} s with ${kills} kills; longest wait for a task ${((longestTaskWaits[0]?.ms ?? 0) / 1000).toFixed(1)} s (${longestTaskWaits[0]?.phase ?? '-'})`,
  );
  return {
    seed: options.seed,
    kills,
    seconds,
    reference,
    households,
    openTasks,
    longestTaskWaits,
    fundsReport: funds.body,
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

/** What both tiers assert of a soak: every household ended as a run without crashes would, nothing open, every yuan released once. */
export function expectEndedAsWithoutCrashes(run: SoakResult, kills: number): void {
  expect(run.kills).toBe(kills);
  expect(run.reference.phase).toBe('archived');
  expect(run.households.flatMap(({ index, file }) => problemsOf(index, file, run.reference))).toEqual([]);
  expect(run.openTasks).toEqual([]);
  const approved = [run.reference, ...run.households.map((h) => h.file)].reduce(
    (sum, file) => sum + (file.household.approvedSubsidy ?? 0),
    0,
  );
  expect(run.fundsReport.total.released).toBe(approved);
}
