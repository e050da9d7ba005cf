/**
 * The outbox sweeper (every minute): nothing stored is lost between DynamoDB and Step Functions.
 * 1. a decision stored more than a minute ago and not acknowledged is handed over again;
 * 2. if its execution is gone (dead token), a new execution starts at the household's phase;
 * 3. a household whose first execution was not confirmed started within ten seconds is started
 *    again (same name, so a start that did happen is not duplicated).
 */
import { isTerminal } from '../../process/renovation';
import { logger } from '../commons/logger';
import {
  deleteStartingTask,
  deleteTaskIfToken,
  getHouseholdRecord,
  listOutbox,
  type TaskItem,
} from '../commons/repository';
import {
  deliverDecision,
  firstExecutionName,
  isDeadToken,
  restartExecutionName,
  startExecution,
} from '../commons/step-functions';

export const OUTBOX_GRACE_MS = 60_000;
/**
 * A `starting` entry needs only the few seconds the registration takes between its commit and its
 * StartExecution: a second start under the same name is refused by Step Functions, so starting it
 * early never makes a second execution, and a household no longer waits a minute for its first task.
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

function oldestAgeSeconds(entries: readonly TaskItem[], now: Date): number {
  const times = entries.map((task) => Date.parse(task.decidedAt ?? task.createdAt)).filter(Number.isFinite);
  return times.length === 0 ? 0 : Math.max(0, Math.round((now.getTime() - Math.min(...times)) / 1000));
}

async function redeliver(task: TaskItem, now: Date, counts: SweepCounts): Promise<void> {
  const { householdId, taskToken, decision } = task;
  if (!taskToken || !decision) return;
  try {
    await deliverDecision(householdId, taskToken, decision);
    counts.resent++;
    return;
  } catch (error) {
    if (!isDeadToken(error)) throw error;
  }
  // The execution that waited for this decision is gone; the household record still knows where it is.
  const record = await getHouseholdRecord(householdId);
  if (record && !isTerminal(record.household.phase)) {
    await startExecution(restartExecutionName(householdId, now), { householdId, phase: record.household.phase });
  }
  await deleteTaskIfToken(householdId, taskToken);
  counts.restarted++;
  logger.info('restarted a household whose execution was gone', { householdId, phase: record?.household.phase });
}

async function restart(task: TaskItem, counts: SweepCounts): Promise<void> {
  await startExecution(task.executionName ?? firstExecutionName(task.householdId), {
    householdId: task.householdId,
    phase: task.step,
  });
  await deleteStartingTask(task.householdId);
  counts.started++;
}

export async function sweepOutbox(now: Date = new Date()): Promise<SweepCounts> {
  const decidedBefore = new Date(now.getTime() - OUTBOX_GRACE_MS).toISOString();
  const entries = await listOutbox(new Date(now.getTime() - STARTING_GRACE_MS).toISOString());
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
      else if (task.status === 'starting') await restart(task, counts);
    } catch (error) {
      counts.failed++;
      logger.warn('outbox entry not delivered; next sweep retries', {
        householdId: task.householdId,
        error: error instanceof Error ? error.name : String(error),
      });
    }
  }
  return counts;
}
