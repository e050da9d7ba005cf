/**
 * The Step Functions side of the functions: start a household's execution and hand a stored
 * decision to a waiting callback task. The state machine contract is in docs/design.md.
 */
import { SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Phase } from '../../domain/model';
import { sfn } from './clients';
import { env } from './env';
import { type Decision, deleteTaskIfToken } from './repository';

export interface ExecutionInput {
  householdId: string;
  phase: Phase;
}

/** The first execution of a household; later ones (restarts) are named `{id}-s{timestamp}`. */
export function firstExecutionName(householdId: string): string {
  return `${householdId}-0`;
}

export function restartExecutionName(householdId: string, at: Date): string {
  return `${householdId}-s${at.getTime()}`;
}

/** Starts an execution; one that already exists under this name (a retry) counts as started. */
export async function startExecution(name: string, input: ExecutionInput): Promise<'started' | 'already-exists'> {
  try {
    await sfn.send(
      new StartExecutionCommand({ stateMachineArn: env.stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return 'started';
  } catch (error) {
    if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return 'already-exists';
    throw error;
  }
}

/** The output of a human step: how it ended and the phase the household is now in. */
export async function sendDecision(taskToken: string, decision: Decision): Promise<void> {
  await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(decision) }));
}

/** Hands a stored decision to the execution waiting on `taskToken`, then takes it out of the outbox. */
export async function deliverDecision(householdId: string, taskToken: string, decision: Decision): Promise<void> {
  await sendDecision(taskToken, decision);
  await deleteTaskIfToken(householdId, taskToken);
}

const DEAD_TOKEN_ERRORS = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

/** The execution waiting on this token is gone: only a new execution can carry the household on. */
export function isDeadToken(error: unknown): boolean {
  return error instanceof Error && DEAD_TOKEN_ERRORS.has(error.name);
}
