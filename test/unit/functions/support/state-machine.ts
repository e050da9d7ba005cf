/**
 * The state machine's side of the functions as the tests drive it: the household and its task read in one
 * BatchGetItem, the decisions sent to Step Functions, and mocks that accept every write at a fixed time.
 */
import { SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, vi } from 'vitest';
import { demoProgram } from '../../../../contract/examples';
import { HOUSEHOLD_ID, household, householdItem, NOW, programItem } from './fixtures';
import { ddbMock, resetMocks, sfnMock } from './mocks';

export const NEW_TOKEN = 'token-new';

/** A BatchGetItem answer holding these items (RecordTaskFn reads the household and its task in one). */
export function batchOf(...items: (Record<string, unknown> | undefined)[]) {
  return { Responses: { 'anju-test': items.filter((item) => item !== undefined) } };
}

/** The household (and its task) in the table, read one by one or together, and the program. */
export function givenHousehold(h = household(), task?: Record<string, unknown>) {
  ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'HH' } }).resolves({ Item: householdItem(h) });
  ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'TASK' } }).resolves({ Item: task });
  ddbMock.on(BatchGetCommand).resolves(batchOf(householdItem(h), task));
  ddbMock
    .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
    .resolves({ Item: programItem() });
}

/** The outputs sent to Step Functions, by token. */
export function sentOutputs() {
  return sfnMock.commandCalls(SendTaskSuccessCommand).map((call) => ({
    token: call.args[0].input.taskToken,
    output: JSON.parse(call.args[0].input.output ?? '{}'),
  }));
}

/** Each test of the calling suite starts with fresh mocks accepting every write, the clock frozen at NOW. */
export function withWorkflowMocks(): void {
  beforeEach(() => {
    resetMocks();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    ddbMock.on(PutCommand).resolves({});
    ddbMock.on(DeleteCommand).resolves({});
    ddbMock.on(TransactWriteCommand).resolves({});
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
