import { BatchGetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_ERROR_NAMES } from '../../../../domain/errors';
import { handlerWith as recordTaskWith } from '../../../../functions/state-machine/record-task';
import { handlerWith as systemTaskWith } from '../../../../functions/state-machine/system-task';
import { context } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, openTaskItem } from '../support/fixtures';
import { ddbMock, givenFile, namedError } from '../support/mocks';
import { givenHousehold, NEW_TOKEN, withWorkflowMocks } from '../support/state-machine';

const recordTask = recordTaskWith(testDependencies());
const systemTask = systemTaskWith(testDependencies());
const record = { taskToken: NEW_TOKEN, householdId: HOUSEHOLD_ID, step: 'township-review' };

withWorkflowMocks();

/** A transaction DynamoDB cancelled for a conflict with another writer, on every try. */
function conflicted(): Error {
  return Object.assign(namedError('TransactionCanceledException'), {
    CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
  });
}

describe('the errors the state machine functions report', () => {
  it('reports a throttled table as TransientError, the original kept as its cause, for the state machine to retry', async () => {
    ddbMock.on(BatchGetCommand).rejects(namedError('ProvisionedThroughputExceededException'));

    const failure = await recordTask(record, context).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: WORKFLOW_ERROR_NAMES.TransientError });
    expect((failure as Error).cause).toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect((failure as Error).message).toContain('ProvisionedThroughputExceededException');
  });

  it('reports a transaction conflict that outlasted the store tries as TransientError', async () => {
    givenFile([householdItem(household({ phase: 'public-notice', version: 7 }))]);
    ddbMock.on(TransactWriteCommand).rejects(conflicted());

    await expect(systemTask({ task: 'close-notice', householdId: HOUSEHOLD_ID }, context)).rejects.toMatchObject({
      name: WORKFLOW_ERROR_NAMES.TransientError,
    });
    // The store tried 4 times, close-notice read again and tried 3 times: only then the state machine's retry.
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(12);
  });

  it('reports a task that people kept deciding while it was recorded as TransientError', async () => {
    givenHousehold(household({ phase: 'township-review', version: 3 }), openTaskItem('township-review'));
    ddbMock.on(PutCommand).rejects(namedError('ConditionalCheckFailedException'));

    await expect(recordTask(record, context)).rejects.toMatchObject({ name: WORKFLOW_ERROR_NAMES.TransientError });
  });

  it('keeps the name of a workflow error and of an error nobody classified', async () => {
    ddbMock.on(BatchGetCommand).resolves({ Responses: { 'anju-test': [] } });
    await expect(recordTask(record, context)).rejects.toMatchObject({ name: WORKFLOW_ERROR_NAMES.HouseholdNotFound });

    ddbMock.on(QueryCommand).rejects(new TypeError('a bug'));
    await expect(systemTask({ task: 'archive', householdId: HOUSEHOLD_ID }, context)).rejects.toMatchObject({
      name: 'TypeError',
    });

    ddbMock.on(QueryCommand).rejects(namedError('AccessDeniedException'));
    await expect(systemTask({ task: 'archive', householdId: HOUSEHOLD_ID }, context)).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});
