/**
 * The outbox (docs/workflow.md "The outbox" and "Healing"): every way a stored decision or a requested start reaches
 * the state machine, in one place. What is to be delivered is always stored first (a `decided` or `starting` task in
 * the GSI2 partitions `OUTBOX#{shard}`); each path below sends it and only then takes it out, so a lost call is
 * repeated by the sweep and nothing is lost between the table and the state machine.
 *
 * - registration: start the first execution, then take the `starting` task out (`startFirst`), unless the first
 *   step waits for a person: its RecordTaskFn writes over the entry;
 * - an action: send its decision to the token it read, or to the token the state machine recorded since
 *   (`handOver`); when the next step waits for a person, that step's RecordTaskFn writes over the entry instead of
 *   a delete;
 * - RecordTaskFn: re-send a decision of its step stored before it ran (`resend`), or tell a stale execution where
 *   the household is (`resync`);
 * - the sweep: re-send what waited too long, in parallel with a bound, backing off an entry that keeps failing;
 *   a dead token or a start never confirmed is settled by the reconciler's look at the household, so a decision
 *   delivered before its entry was removed never starts a second execution;
 * - the reconciler (`reconcileDue`, reconcile.ts): every unfinished household has one running execution, replaced
 *   before its time limit.
 */
import { DescribeStateMachineCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Phase } from '../../domain/model';
import { type HealingPolicy, OUTBOX_FIRST_TRY_AFTER_MS, outboxRetryDelayMs } from '../../process/healing';
import { humanStepOf } from '../../process/renovation';
import { logger } from '../config/logger';
import type { Decision, ExecutionStore, Task, TaskStore } from '../store';
import { type ExecutionInput, firstExecutionName, startNamed } from './executions';
import { createReconciler, inParallel, type ReconcileCounts, type Reconciled } from './reconcile';

export { type ExecutionInput, executionArn, firstExecutionName } from './executions';
export { RECONCILE_BUDGET, type ReconcileCounts, type Reconciled } from './reconcile';

/** Entries a sweep delivers at most, and how many at a time: a backlog drains over a few runs, never in one long one. */
export const SWEEP_BUDGET = 200;
export const SWEEP_CONCURRENCY = 8;
/** Entries read from each shard: the due ones come first; the rest only tell the backlog's age. */
const SWEEP_READ_PER_SHARD = 100;

export interface SweepCounts {
  resent: number;
  /** Dead tokens and unconfirmed starts the reconciler's look settled (a start or a restart, or nothing to do). */
  settled: number;
  restarted: number;
  started: number;
  /** Entries whose delivery failed this time: each waits its backoff before the next try. */
  failed: number;
  /** Entries found, due or not. */
  waiting: number;
  /** Age of the oldest entry the sweep found, in seconds (0 when none): the outbox alarm watches it. */
  oldestAgeSeconds: number;
}

/** When an entry entered the outbox: its decision, or for a `starting` entry its registration. */
const enteredAt = (task: Task) => task.decidedAt ?? task.createdAt;

/** When an entry is next due: as written, or for an entry written before `nextTryAt` existed, as it would be. */
function dueAt(task: Task): string {
  if (task.nextTryAt) return task.nextTryAt;
  const wait = task.status === 'starting' ? OUTBOX_FIRST_TRY_AFTER_MS.starting : OUTBOX_FIRST_TRY_AFTER_MS.decided;
  return new Date(Date.parse(enteredAt(task)) + wait).toISOString();
}

function oldestAgeSeconds(entries: readonly Task[], now: Date): number {
  const times = entries.map((task) => Date.parse(enteredAt(task))).filter(Number.isFinite);
  return times.length === 0 ? 0 : Math.max(0, Math.round((now.getTime() - Math.min(...times)) / 1000));
}

export interface Outbox {
  /**
   * The registration's first execution, then its `starting` task out of the outbox (or, when the first step waits for
   * a person, left for that step's RecordTaskFn to write over). False when the start failed: the household is stored
   * and the sweep starts it. An execution that already exists counts as started.
   */
  startFirst(householdId: string, phase: Phase): Promise<boolean>;
  /**
   * An action's decision to the execution waiting for it. The token read with the file is dead when the state machine
   * recorded the step's task again between that read and the commit (an execution restarted after a crash does):
   * the decided task then holds the live token, so the decision goes there now instead of waiting for the sweep.
   * Never throws: a decision not acknowledged stays in the outbox.
   */
  handOver(householdId: string, step: Phase, token: string, decision: Decision): Promise<void>;
  /**
   * RecordTaskFn found a decision of its step stored but not acknowledged: it goes to the token RecordTaskFn holds,
   * then out of the outbox so it is neither re-sent nor restarted.
   */
  resend(taskToken: string, stored: Task & { decision: Decision }): Promise<void>;
  /** RecordTaskFn's execution is at a stale step: it is told the household's phase and catches up. */
  resync(taskToken: string, phase: Phase): Promise<Decision>;
  /**
   * Re-sends what waited too long, settles dead tokens and unconfirmed starts through the reconciler's look, backs
   * off what fails; stops taking entries at `deadline` (epoch ms).
   */
  sweep(now?: Date, deadline?: number): Promise<SweepCounts>;
  /** The reconciler's run: the households due for a look (reconcile.ts); stops taking households at `deadline`. */
  reconcileDue(now?: Date, deadline?: number): Promise<ReconcileCounts>;
  /** The reconciler's look at one household; undefined when there is no such household. */
  reconcileHousehold(householdId: string, now?: Date): Promise<Reconciled | undefined>;
  /** The state machine answers (the health check). */
  reachable(): Promise<void>;
}

export interface OutboxParts {
  sfn: SFNClient;
  stateMachineArn: string;
  tasks: TaskStore;
  executions: ExecutionStore;
  /** The reconciler's policy (process/healing.ts `healingPolicyFor` the state machine's execution limit). */
  policy: HealingPolicy;
}

const DEAD_TOKEN_ERRORS = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

/**
 * No task waits on this token any more: its decision was delivered already (and the answer lost), or its execution
 * is gone. Which of the two, only the household's execution can tell (the sweep asks the reconciler).
 */
export function isDeadToken(error: unknown): boolean {
  return error instanceof Error && DEAD_TOKEN_ERRORS.has(error.name);
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : String(error));

export function createOutbox({ sfn, stateMachineArn, tasks, executions, policy }: OutboxParts): Outbox {
  const reconciler = createReconciler({ sfn, stateMachineArn, executions, policy });

  const start = (name: string, input: ExecutionInput) => startNamed(sfn, stateMachineArn, name, input);

  const send = async (taskToken: string, decision: Decision): Promise<void> => {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(decision) }));
  };

  /** Sends, then takes the decision out of the outbox. */
  const deliver = async (householdId: string, taskToken: string, decision: Decision): Promise<void> => {
    await send(taskToken, decision);
    await tasks.deleteIfToken(householdId, taskToken);
  };

  /**
   * An action's decision: sent, then out of the outbox, unless the next step waits for a person. Then the execution
   * goes straight on to that step's RecordTaskFn, whose write replaces this TASK item within seconds (it reads the
   * decided item and writes over it on that condition), so the delete would be a request for nothing: one in four of
   * an action's. Should the execution die first, the entry is what the sweep re-sends, as after a lost delete.
   */
  const deliverDecision = async (householdId: string, taskToken: string, decision: Decision): Promise<void> => {
    if (humanStepOf(decision.next)) await send(taskToken, decision);
    else await deliver(householdId, taskToken, decision);
  };

  const handOverOrThrow = async (householdId: string, step: Phase, token: string, decision: Decision) => {
    try {
      await deliverDecision(householdId, token, decision);
    } catch (error) {
      if (!isDeadToken(error)) throw error;
      const task = await tasks.get(householdId);
      const live = task?.status === 'decided' && task.step === step ? task.taskToken : undefined;
      if (!live || live === token) throw error;
      await deliverDecision(householdId, live, decision);
      logger.info('decision handed to the re-recorded task', { householdId, step });
    }
  };

  /**
   * A decided entry: send it again. A dead token is ambiguous (delivered and its removal lost, or the execution is
   * gone), so nothing is started here: the reconciler's look at the household decides, by whether its execution
   * runs, and starts one only through the execution pointer (never a second one).
   */
  const redeliver = async (task: Task, now: Date, counts: SweepCounts): Promise<void> => {
    const { householdId, taskToken, decision } = task;
    if (!taskToken || !decision) return;
    try {
      await deliver(householdId, taskToken, decision);
      counts.resent++;
      return;
    } catch (error) {
      if (!isDeadToken(error)) throw error;
    }
    const outcome = await reconciler.household(householdId, now);
    await tasks.deleteIfToken(householdId, taskToken);
    count(outcome, counts);
    logger.info('a re-sent decision met a dead token; the household was reconciled', { householdId, outcome });
  };

  /** A starting entry: the reconciler's look starts the pointer's execution under its own name if it is missing. */
  const startStarting = async (task: Task, now: Date, counts: SweepCounts): Promise<void> => {
    count(await reconciler.household(task.householdId, now), counts);
    await tasks.deleteStarting(task.householdId);
  };

  const count = (outcome: string | undefined, counts: SweepCounts) => {
    counts.settled++;
    if (outcome === 'started') counts.started++;
    if (outcome === 'restarted') counts.restarted++;
  };

  /** An entry that failed waits longer after each failure (30 s doubling to 30 min, jittered). */
  const backOff = async (task: Task, now: Date, error: unknown): Promise<void> => {
    const attempts = (task.attempts ?? 0) + 1;
    const nextTryAt = new Date(now.getTime() + outboxRetryDelayMs(attempts)).toISOString();
    await tasks.postpone(task, { attempts, nextTryAt, lastError: errorName(error) }).catch((postponeError: unknown) =>
      logger.warn('could not postpone an outbox entry; the next sweep tries it again', {
        householdId: task.householdId,
        error: errorName(postponeError),
      }),
    );
    logger.warn('outbox entry not delivered; it waits before the next try', {
      householdId: task.householdId,
      attempts,
      nextTryAt,
      error: errorName(error),
    });
  };

  return {
    async startFirst(householdId, phase) {
      try {
        await start(firstExecutionName(householdId), { householdId, phase });
        // As after an action: a first step that waits for a person writes its task over the `starting` entry.
        if (!humanStepOf(phase)) await tasks.deleteStarting(householdId);
        return true;
      } catch (error) {
        logger.warn('could not start the workflow; the outbox sweeper will retry', {
          householdId,
          error: errorName(error),
        });
        return false;
      }
    },

    async handOver(householdId, step, token, decision) {
      try {
        await handOverOrThrow(householdId, step, token, decision);
      } catch (error) {
        logger.warn('decision stored but not acknowledged; the outbox sweeper will re-send it', {
          householdId,
          error: errorName(error),
        });
      }
    },

    async resend(taskToken, stored) {
      await send(taskToken, stored.decision);
      // The decision is delivered: it must not be re-sent (or restarted) from the outbox.
      if (stored.taskToken) await tasks.deleteIfToken(stored.householdId, stored.taskToken);
      logger.info('re-sent a stored decision', { householdId: stored.householdId, step: stored.step });
    },

    async resync(taskToken, phase) {
      const decision: Decision = { outcome: 'resync', next: phase };
      await send(taskToken, decision);
      return decision;
    },

    async sweep(now = new Date(), deadline = Number.POSITIVE_INFINITY) {
      const entries = await tasks.outbox(SWEEP_READ_PER_SHARD);
      const due = entries.filter((task) => dueAt(task) <= now.toISOString()).slice(0, SWEEP_BUDGET);
      const counts: SweepCounts = {
        resent: 0,
        settled: 0,
        restarted: 0,
        started: 0,
        failed: 0,
        waiting: entries.length,
        oldestAgeSeconds: oldestAgeSeconds(entries, now),
      };
      await inParallel(
        due,
        SWEEP_CONCURRENCY,
        async (task) => {
          try {
            if (task.status === 'decided') await redeliver(task, now, counts);
            else if (task.status === 'starting') await startStarting(task, now, counts);
          } catch (error) {
            counts.failed++;
            await backOff(task, now, error);
          }
        },
        deadline,
      );
      return counts;
    },

    reconcileDue: (now = new Date(), deadline = Number.POSITIVE_INFINITY) => reconciler.due(now, { deadline }),

    reconcileHousehold: (householdId, now = new Date()) => reconciler.household(householdId, now),

    reachable: async () => {
      await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    },
  };
}
