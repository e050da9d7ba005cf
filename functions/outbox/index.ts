/**
 * The outbox (docs/workflow.md "The outbox"): every way a stored decision or a requested start reaches the state
 * machine, in one place. What is to be delivered is always stored first (a `decided` or `starting` task in the
 * GSI2 partition `OUTBOX`); each path below sends it and only then takes it out, so a lost call is repeated by the
 * sweep and nothing is lost between the table and the state machine.
 *
 * - registration: start the first execution, then take the `starting` task out (`startFirst`);
 * - an action: send its decision to the token it read, or to the token the state machine recorded since
 *   (`handOver`);
 * - RecordTaskFn: re-send a decision of its step stored before it ran (`resend`), or tell a stale execution where
 *   the household is (`resync`);
 * - the sweep: re-send what waited too long, restart a household whose execution is gone, start what never started.
 *
 * The sweep delivers one entry at a time through `redeliver` and `startStarting`, so draining entries in parallel
 * with backoff, or reading them from another index, changes `sweep` alone.
 */
import {
  DescribeStateMachineCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Phase } from '../../domain/model';
import { isTerminal } from '../../process/renovation';
import { logger } from '../config/logger';
import type { Decision, HouseholdStore, Task, TaskStore } from '../store';
import { type ExecutionInput, firstExecutionName, restartExecutionName } from './executions';

export { type ExecutionInput, firstExecutionName, restartExecutionName } from './executions';

/** A decision stored this long ago and still in the outbox was not acknowledged: the sweep sends it again. */
export const OUTBOX_GRACE_MS = 60_000;
/**
 * A `starting` entry needs only the few seconds the registration takes between its commit and its StartExecution:
 * a second start under the same name is refused by Step Functions, so starting it early never makes a second
 * execution, and a household no longer waits a minute for its first task.
 */
export const STARTING_GRACE_MS = 10_000;

export interface SweepCounts {
  resent: number;
  restarted: number;
  started: number;
  failed: number;
  /** Age of the oldest entry the sweep found, in seconds (0 when none): the outbox alarm watches it. */
  oldestAgeSeconds: number;
}

function oldestAgeSeconds(entries: readonly Task[], now: Date): number {
  const times = entries.map((task) => Date.parse(task.decidedAt ?? task.createdAt)).filter(Number.isFinite);
  return times.length === 0 ? 0 : Math.max(0, Math.round((now.getTime() - Math.min(...times)) / 1000));
}

export interface Outbox {
  /**
   * The registration's first execution, then its `starting` task out of the outbox. False when that failed: the
   * household is stored and the sweep starts it.
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
  /** Re-sends what waited too long, restarts households whose execution is gone, starts what never started. */
  sweep(now?: Date): Promise<SweepCounts>;
  /** The state machine answers (the health check). */
  reachable(): Promise<void>;
}

export interface OutboxParts {
  sfn: SFNClient;
  stateMachineArn: string;
  tasks: TaskStore;
  households: Pick<HouseholdStore, 'record'>;
}

const DEAD_TOKEN_ERRORS = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

/** The execution waiting on this token is gone: only a new execution can carry the household on. */
export function isDeadToken(error: unknown): boolean {
  return error instanceof Error && DEAD_TOKEN_ERRORS.has(error.name);
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : String(error));

export function createOutbox({ sfn, stateMachineArn, tasks, households }: OutboxParts): Outbox {
  /** Starts an execution; one that already exists under this name (a retry) counts as started. */
  const start = async (name: string, input: ExecutionInput): Promise<void> => {
    try {
      await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ExecutionAlreadyExists')) throw error;
    }
  };

  const send = async (taskToken: string, decision: Decision): Promise<void> => {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(decision) }));
  };

  /** Sends, then takes the decision out of the outbox. */
  const deliver = async (householdId: string, taskToken: string, decision: Decision): Promise<void> => {
    await send(taskToken, decision);
    await tasks.deleteIfToken(householdId, taskToken);
  };

  const handOverOrThrow = async (householdId: string, step: Phase, token: string, decision: Decision) => {
    try {
      await deliver(householdId, token, decision);
    } catch (error) {
      if (!isDeadToken(error)) throw error;
      const task = await tasks.get(householdId);
      const live = task?.status === 'decided' && task.step === step ? task.taskToken : undefined;
      if (!live || live === token) throw error;
      await deliver(householdId, live, decision);
      logger.info('decision handed to the re-recorded task', { householdId, step });
    }
  };

  /** A decided entry: send it again; when its execution is gone, start a new one at the household's phase. */
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
    // The execution that waited for this decision is gone; the household record still knows where it is.
    const record = await households.record(householdId);
    if (record && !isTerminal(record.household.phase)) {
      await start(restartExecutionName(householdId, now), { householdId, phase: record.household.phase });
    }
    await tasks.deleteIfToken(householdId, taskToken);
    counts.restarted++;
    logger.info('restarted a household whose execution was gone', { householdId, phase: record?.household.phase });
  };

  /** A starting entry: start it under its own name (a start that did happen is refused, not doubled). */
  const startStarting = async (task: Task, counts: SweepCounts): Promise<void> => {
    await start(task.executionName ?? firstExecutionName(task.householdId), {
      householdId: task.householdId,
      phase: task.step,
    });
    await tasks.deleteStarting(task.householdId);
    counts.started++;
  };

  return {
    async startFirst(householdId, phase) {
      try {
        await start(firstExecutionName(householdId), { householdId, phase });
        await tasks.deleteStarting(householdId);
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

    async sweep(now = new Date()) {
      const decidedBefore = new Date(now.getTime() - OUTBOX_GRACE_MS).toISOString();
      const entries = await tasks.outbox(new Date(now.getTime() - STARTING_GRACE_MS).toISOString());
      const counts: SweepCounts = {
        resent: 0,
        restarted: 0,
        started: 0,
        failed: 0,
        oldestAgeSeconds: oldestAgeSeconds(entries, now),
      };
      for (const task of entries) {
        try {
          if (task.status === 'decided' && (task.decidedAt ?? '') < decidedBefore) await redeliver(task, now, counts);
          else if (task.status === 'starting') await startStarting(task, counts);
        } catch (error) {
          counts.failed++;
          logger.warn('outbox entry not delivered; next sweep retries', {
            householdId: task.householdId,
            error: errorName(error),
          });
        }
      }
      return counts;
    },

    reachable: async () => {
      await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    },
  };
}
