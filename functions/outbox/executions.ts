/** A household's executions of the state machine: their names and their input (docs/design.md "The state machine"). */
import type { Phase } from '../../domain/model';
import { executionName } from '../../process/healing';

export interface ExecutionInput {
  householdId: string;
  phase: Phase;
}

/** The first execution of a household; a start retried under this name is refused, never doubled. */
export function firstExecutionName(householdId: string): string {
  return executionName(householdId, 0);
}

/** `arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>`, from the state machine's ARN. */
export function executionArn(stateMachineArn: string, name: string): string {
  const marker = ':stateMachine:';
  const at = stateMachineArn.indexOf(marker);
  if (at < 0) throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  return `${stateMachineArn.slice(0, at)}:execution:${stateMachineArn.slice(at + marker.length)}:${name}`;
}
