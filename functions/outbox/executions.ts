/** A household's executions of the state machine: their names and their input (docs/design.md "The state machine"). */
import type { Phase } from '../../domain/model';

export interface ExecutionInput {
  householdId: string;
  phase: Phase;
}

/** The first execution of a household; a start retried under this name is refused, never doubled. */
export function firstExecutionName(householdId: string): string {
  return `${householdId}-0`;
}

/** An execution started again at the household's phase after the one waiting for it was gone. */
export function restartExecutionName(householdId: string, at: Date): string {
  return `${householdId}-s${at.getTime()}`;
}
