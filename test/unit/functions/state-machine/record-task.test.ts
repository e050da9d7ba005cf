import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoProgram } from '../../../../contract/examples';
import { WORKFLOW_ERROR_NAMES } from '../../../../domain/errors';
import { addWorkingDays } from '../../../../domain/rules/calendar';
import { handlerWith } from '../../../../functions/state-machine/record-task';
import { context } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, NOW, openTaskItem, programItem, TOKEN } from '../support/fixtures';
import { ddbMock, namedError, sfnMock } from '../support/mocks';
import { batchOf, givenHousehold, NEW_TOKEN, sentOutputs, withWorkflowMocks } from '../support/state-machine';

const recordTask = handlerWith(testDependencies());

withWorkflowMocks();

describe('RecordTaskFn', () => {
  it('records the open task with token, role, jurisdiction and due date in both work queues', async () => {
    givenHousehold(household({ phase: 'township-review', version: 3 }));

    await recordTask({ taskToken: NEW_TOKEN, householdId: HOUSEHOLD_ID, step: 'township-review' }, context);

    const item = ddbMock.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({
      SK: 'TASK',
      status: 'open',
      step: 'township-review',
      role: 'construction',
      jurisdiction: '522327100',
      taskToken: NEW_TOKEN,
      dueAt: addWorkingDays(NOW.toISOString(), demoProgram.deadlines['township-review'] ?? 10),
      GSI1PK: 'Q#522327100#township-review',
      GSI3PK: 'QC#522327#township-review',
    });
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('reads the household and its task in one request', async () => {
    givenHousehold(household({ phase: 'township-review', version: 3 }));

    await recordTask({ taskToken: NEW_TOKEN, householdId: HOUSEHOLD_ID, step: 'township-review' }, context);

    const reads = ddbMock.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.['anju-test']);
    expect(reads).toEqual([
      {
        Keys: [
          { PK: `HH#${HOUSEHOLD_ID}`, SK: 'HH' },
          { PK: `HH#${HOUSEHOLD_ID}`, SK: 'TASK' },
        ],
        ConsistentRead: true,
      },
    ]);
    const pointReads = ddbMock.commandCalls(GetCommand).map((call) => call.args[0].input.Key?.SK);
    expect(pointReads).toEqual(['CONFIG']);
  });

  it('answers resync at once when the household has left the step', async () => {
    givenHousehold(household({ phase: 'county-approval', version: 4 }));

    await recordTask({ taskToken: NEW_TOKEN, householdId: HOUSEHOLD_ID, step: 'township-review' }, context);

    expect(sentOutputs()).toEqual([{ token: NEW_TOKEN, output: { outcome: 'resync', next: 'county-approval' } }]);
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('re-sends a stored decision of this step with the new token and takes it out of the outbox', async () => {
    const decided = openTaskItem('township-review', {
      status: 'decided',
      decision: { outcome: 'approve', next: 'county-approval' },
      decidedAt: '2026-03-01T00:00:00.000Z',
    });
    givenHousehold(household({ phase: 'county-approval', version: 4 }), decided);

    await recordTask({ taskToken: NEW_TOKEN, householdId: HOUSEHOLD_ID, step: 'township-review' }, context);

    expect(sentOutputs()).toEqual([{ token: NEW_TOKEN, output: { outcome: 'approve', next: 'county-approval' } }]);
    expect(ddbMock.commandCalls(DeleteCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':token': TOKEN,
    });
  });

  it('opens a new round when a step that loops onto itself was decided under another token', async () => {
    const decided = openTaskItem('milestone-inspection', {
      status: 'decided',
      decision: { outcome: 'fail', next: 'milestone-inspection' },
    });
    givenHousehold(household({ phase: 'milestone-inspection', version: 9, nextInstallment: 1 }), decided);

    await recordTask({ taskToken: NEW_TOKEN, householdId: HOUSEHOLD_ID, step: 'milestone-inspection' }, context);

    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    const put = ddbMock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.Item).toMatchObject({ status: 'open', taskToken: NEW_TOKEN });
    // It replaces the decision it read, and no other decision of this step.
    expect(put?.ConditionExpression).toBe(
      'attribute_not_exists(PK) OR #status <> :decided OR step <> :step OR taskToken = :seen',
    );
    expect(put?.ExpressionAttributeValues).toMatchObject({ ':seen': TOKEN });
  });

  it('never records the task over a decision of its step stored after its read', async () => {
    givenHousehold(household({ phase: 'township-review', version: 3 }), openTaskItem('township-review'));

    await recordTask({ taskToken: NEW_TOKEN, householdId: HOUSEHOLD_ID, step: 'township-review' }, context);

    const put = ddbMock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.ConditionExpression).toBe('attribute_not_exists(PK) OR #status <> :decided OR step <> :step');
    expect(put?.ExpressionAttributeValues).toEqual({ ':decided': 'decided', ':step': 'township-review' });
  });

  it('never overwrites a decision stored between its read and its write: it reads again and hands it over', async () => {
    // Prepare: the first read finds the task open; a person decides before the write, so the write's condition fails.
    const open = openTaskItem('township-review');
    const decided = openTaskItem('township-review', {
      status: 'decided',
      decision: { outcome: 'approve', next: 'county-approval' },
    });
    ddbMock
      .on(BatchGetCommand)
      .resolvesOnce(batchOf(householdItem(household({ phase: 'township-review', version: 3 })), open))
      .resolves(batchOf(householdItem(household({ phase: 'county-approval', version: 4 })), decided));
    ddbMock
      .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
      .resolves({ Item: programItem() });
    ddbMock.on(PutCommand).rejects(namedError('ConditionalCheckFailedException'));

    // Act
    await recordTask({ taskToken: NEW_TOKEN, householdId: HOUSEHOLD_ID, step: 'township-review' }, context);

    // Assess: one refused write, then the stored decision goes to the new token and leaves the outbox.
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(1);
    expect(sentOutputs()).toEqual([{ token: NEW_TOKEN, output: { outcome: 'approve', next: 'county-approval' } }]);
    expect(ddbMock.commandCalls(DeleteCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':token': TOKEN,
    });
  });

  it('throws the shared HouseholdNotFound error for an unknown household', async () => {
    ddbMock.on(GetCommand).resolves({});
    ddbMock.on(BatchGetCommand).resolves(batchOf());

    await expect(
      recordTask({ taskToken: NEW_TOKEN, householdId: 'nope', step: 'township-review' }, context),
    ).rejects.toMatchObject({ name: WORKFLOW_ERROR_NAMES.HouseholdNotFound });
  });
});
