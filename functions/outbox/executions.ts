/** A household's executions of the state machine: their names and their input (docs/design.md "The state machine"). */
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
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

/**
 * Starts the execution `name`. A start repeated under the same name with the same input while it runs (a retry) is
 * answered as a success; any other repeat is `ExecutionAlreadyExists`, which counts as started too: names are unique
 * per state machine, so whoever starts a name starts the one execution of it.
 */
export async function startNamed(
  sfn: SFNClient,
  stateMachineArn: string,
  name: string,
  input: ExecutionInput,
): Promise<void> {
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ExecutionAlreadyExists')) throw error;
  }
}
