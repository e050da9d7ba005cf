/**
 * The reconciler's work on one household and on every household due for a look (docs/workflow.md "Healing", the
 * decision itself is `reconcile` in process/healing.ts). The household record is the source of truth: an
 * unfinished household must have exactly one running execution, younger than its limit less the margin.
 *
 * Replacing attempt n is: stop n if it runs, move the pointer from n to n+1 under a condition on n, start n+1.
 * Execution names are unique per state machine, so any number of starters of n+1 start one execution; the
 * condition lets one reconciler of two move the pointer; the stop comes before the move, so n+1 never runs
 * beside n. A crash between any two steps leaves a state the next look resolves the same way.
 */
import { DescribeExecutionCommand, type SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import {
  type ExecutionStatus,
  executionName,
  type HealingPolicy,
  type ObservedExecution,
  reconcile,
} from '../../process/healing';
import { isTerminal } from '../../process/renovation';
import { logger } from '../config/logger';
import type { ExecutionPointer, ExecutionStore } from '../store';
import { type ExecutionInput, executionArn, startNamed } from './executions';

/** What one look at a household came to. */
export type Reconciled =
  | 'running'
  | 'waiting'
  | 'started'
  | 'restarted'
  | 'released'
  /** Another reconciler moved the pointer first: it does the start. */
  | 'lost-race'
  /** A household stored before execution pointers existed: see `adopt`. */
  | 'adopted';

export interface ReconcileCounts {
  checked: number;
  started: number;
  restarted: number;
  released: number;
  failed: number;
}

export interface ReconcilerParts {
  sfn: SFNClient;
  stateMachineArn: string;
  executions: ExecutionStore;
  policy: HealingPolicy;
}

export interface Reconciler {
  /** Looks at one household's execution and acts on it (start, stop and restart, release); undefined: no such household. */
  household(householdId: string, now?: Date): Promise<Reconciled | undefined>;
  /** The households due for a look, the most overdue first, at most `budget`, a few at a time, until `deadline`. */
  due(now?: Date, options?: { budget?: number; deadline?: number }): Promise<ReconcileCounts>;
}

/** Households per run: 250 x 12 runs an hour looks at 3,000 an hour, every household of 10,000 within the hour's check when most are well. */
export const RECONCILE_BUDGET = 250;
/** DescribeExecution calls in flight: well inside the API's refill rate, whatever else runs. */
export const RECONCILE_CONCURRENCY = 4;

const STATUSES: ReadonlySet<string> = new Set([
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
]);

const errorName = (error: unknown) => (error instanceof Error ? error.name : String(error));

/** Runs `work` over `items`, at most `limit` at a time, taking no new item once `deadline` (epoch ms) has passed. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  deadline = Number.POSITIVE_INFINITY,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let i = next++; i < items.length && Date.now() < deadline; i = next++) {
      const item = items[i];
      if (item !== undefined) await work(item);
    }
  });
  await Promise.all(lanes);
}

export function createReconciler({ sfn, stateMachineArn, executions, policy }: ReconcilerParts): Reconciler {
  const arnOf = (name: string) => executionArn(stateMachineArn, name);

  const describe = async (name: string): Promise<ObservedExecution> => {
    try {
      const found = await sfn.send(new DescribeExecutionCommand({ executionArn: arnOf(name) }));
      const status = String(found.status);
      if (!STATUSES.has(status)) throw new Error(`execution ${name} has the unknown status ${status}`);
      return {
        status: status as ExecutionStatus,
        startDate: found.startDate ?? new Date(0),
        ...(found.stopDate ? { stopDate: found.stopDate } : {}),
        ...(found.error ? { error: found.error } : {}),
      };
    } catch (error) {
      if (errorName(error) === 'ExecutionDoesNotExist') return { status: 'MISSING' };
      throw error;
    }
  };

  const start = (name: string, input: ExecutionInput) => startNamed(sfn, stateMachineArn, name, input);

  const stop = async (name: string, cause: string): Promise<void> => {
    try {
      await sfn.send(new StopExecutionCommand({ executionArn: arnOf(name), error: 'Replaced', cause }));
    } catch (error) {
      if (errorName(error) !== 'ExecutionDoesNotExist') throw error;
    }
  };

  /**
   * A household registered before execution pointers existed gets one at its first execution (`{id}-0`, the name
   * every registration used), due now; the look that follows restarts it if that execution is not running.
   */
  const adopt = async (householdId: string, now: Date): Promise<ExecutionPointer | undefined> => {
    const pointer: ExecutionPointer = {
      householdId,
      executionName: executionName(householdId, 0),
      attempt: 0,
      startedAt: now.toISOString(),
      checkAt: now.toISOString(),
      watched: true,
    };
    return (await executions.adopt(pointer)) ? pointer : undefined;
  };

  const household = async (householdId: string, now = new Date()): Promise<Reconciled | undefined> => {
    const found = await executions.watched(householdId);
    if (!found.record) {
      if (found.pointer) await executions.release(householdId, found.pointer.attempt);
      return undefined;
    }
    const { household: h } = found.record;
    const pointer = found.pointer ?? (await adopt(householdId, now));
    if (!pointer) return 'lost-race';
    const observed = await describe(pointer.executionName);
    const decision = reconcile(
      {
        householdId,
        phase: h.phase,
        terminal: isTerminal(h.phase),
        execution: { name: pointer.executionName, attempt: pointer.attempt, startedAt: new Date(pointer.startedAt) },
      },
      observed,
      now,
      policy,
    );
    switch (decision.action) {
      case 'leave':
        await executions.reschedule(householdId, pointer.attempt, decision.nextCheckAt.toISOString());
        return found.pointer ? (observed.status === 'RUNNING' ? 'running' : 'waiting') : 'adopted';
      case 'start':
        await start(decision.name, decision.input);
        await executions.reschedule(householdId, pointer.attempt, decision.nextCheckAt.toISOString());
        logger.info('started an execution that was never started', { householdId, execution: decision.name });
        return 'started';
      case 'restart': {
        if (decision.stop) await stop(decision.stop, `replaced by ${decision.name}: ${decision.reason}`);
        const moved = await executions.advance(pointer.attempt, {
          householdId,
          executionName: decision.name,
          attempt: decision.attempt,
          startedAt: now.toISOString(),
          checkAt: decision.nextCheckAt.toISOString(),
          watched: true,
        });
        if (!moved) return 'lost-race';
        await start(decision.name, decision.input);
        logger.info('restarted a household at its phase', {
          householdId,
          phase: h.phase,
          execution: decision.name,
          reason: decision.reason,
        });
        return 'restarted';
      }
      case 'retire':
        if (decision.stop) await stop(decision.stop, 'the household is finished');
        await executions.release(householdId, pointer.attempt);
        return 'released';
    }
  };

  return {
    household,

    async due(now = new Date(), { budget = RECONCILE_BUDGET, deadline } = {}) {
      const counts: ReconcileCounts = { checked: 0, started: 0, restarted: 0, released: 0, failed: 0 };
      const pointers = await executions.due(now.toISOString(), budget);
      await inParallel(
        pointers,
        RECONCILE_CONCURRENCY,
        async (pointer) => {
          try {
            const outcome = await household(pointer.householdId, now);
            counts.checked++;
            if (outcome === 'started') counts.started++;
            if (outcome === 'restarted') counts.restarted++;
            if (outcome === 'released') counts.released++;
          } catch (error) {
            // Left as it is: still due, it comes first in the next run.
            counts.failed++;
            logger.warn('could not reconcile a household; the next run looks again', {
              householdId: pointer.householdId,
              error: errorName(error),
            });
          }
        },
        deadline,
      );
      return counts;
    },
  };
}
