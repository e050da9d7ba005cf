/**
 * The workflow waits for a person (`RecordTaskFn`, a callback task):
 * 1. the household has left this step (the execution was started or restarted at a stale
 *    phase): answer at once, either with the decision stored for this step (its acknowledgement
 *    was lost) or with `resync` to the household's phase, so the execution catches up;
 * 2. otherwise record the open task with its token, owning role, jurisdiction and due date, and
 *    leave the execution waiting for the decision. The write refuses to replace a decision of this
 *    step stored since step 1 read the TASK item; the round then starts over and hands it over.
 * Running it twice for the same token changes nothing.
 */
import { z } from 'zod';
import { WORKFLOW_ERROR_NAMES, WorkflowError } from '../../domain/errors';
import { Phase } from '../../domain/model';
import { taskJurisdiction } from '../../domain/rules/access';
import { addWorkingDays } from '../../domain/rules/calendar';
import { deadlineDays, humanStepOf } from '../../process/renovation';
import { logger } from '../config/logger';
import type { Decision } from '../store';
import type { Dependencies } from './dependencies';

export const RecordTaskInput = z.object({
  taskToken: z.string().min(1),
  householdId: z.string().min(1),
  step: Phase,
});
export type RecordTaskInput = z.infer<typeof RecordTaskInput>;

export type RecordTaskResult =
  | { recorded: 'open'; dueAt: string }
  | { recorded: 'resync'; decision: Decision }
  | { recorded: 'resent'; decision: Decision };

/** Rounds before giving up: each refused write means a person decided in between, so a few are plenty. */
const RECORD_ATTEMPTS = 5;

type Needs = Pick<Dependencies, 'store' | 'outbox'>;

export async function recordTask(deps: Needs, rawInput: unknown, now: Date = new Date()): Promise<RecordTaskResult> {
  const input = RecordTaskInput.parse(rawInput);
  for (let attempt = 1; ; attempt += 1) {
    const result = await recordOnce(deps, input, now);
    if (result) return result;
    if (attempt >= RECORD_ATTEMPTS) {
      throw new Error(`the task of ${input.householdId} kept changing while ${input.step} was recorded`);
    }
    logger.info('a decision was stored while the task was recorded; reading it again', {
      householdId: input.householdId,
      step: input.step,
    });
  }
}

/** One read-decide-write round; undefined when a decision of this step was stored between the read and the write. */
async function recordOnce(
  { store, outbox }: Needs,
  input: RecordTaskInput,
  now: Date,
): Promise<RecordTaskResult | undefined> {
  // One request: the household and its task share the partition.
  const { record, task } = await store.households.recordAndTask(input.householdId);
  if (!record) {
    throw new WorkflowError(WORKFLOW_ERROR_NAMES.HouseholdNotFound, `household ${input.householdId} does not exist`);
  }
  const { household } = record;

  // The decision of this step is stored but its acknowledgement was lost: hand it over again.
  // When the step loops onto itself (a failed inspection), only a retry with the same token can
  // be that lost acknowledgement; any other token belongs to the next round and gets a new task.
  const stored = task?.status === 'decided' && task.step === input.step ? task.decision : undefined;
  const sameRound = household.phase !== input.step || task?.taskToken === input.taskToken;
  if (task && stored && stored.next === household.phase && sameRound) {
    await outbox.resend(input.taskToken, { ...task, decision: stored });
    return { recorded: 'resent', decision: stored };
  }
  if (household.phase !== input.step) {
    const decision = await outbox.resync(input.taskToken, household.phase);
    logger.info('resync: the household is at another phase', {
      householdId: input.householdId,
      step: input.step,
      phase: household.phase,
    });
    return { recorded: 'resync', decision };
  }

  const step = humanStepOf(input.step);
  if (!step) {
    throw new WorkflowError(WORKFLOW_ERROR_NAMES.StaleTask, `the phase ${input.step} has no human step`);
  }
  const program = await store.programs.get(household.programId);
  if (!program) {
    throw new WorkflowError(WORKFLOW_ERROR_NAMES.ProgramNotFound, `program ${household.programId} does not exist`);
  }
  const at = now.toISOString();
  const dueAt = addWorkingDays(at, deadlineDays(input.step, program));
  const recorded = await store.tasks.putOpen(
    {
      householdId: household.householdId,
      status: 'open',
      step: input.step,
      role: step.role,
      jurisdiction: taskJurisdiction(step.level, household),
      county: household.county,
      township: household.township,
      dueAt,
      createdAt: at,
      taskToken: input.taskToken,
    },
    task,
  );
  return recorded ? { recorded: 'open', dueAt } : undefined;
}
