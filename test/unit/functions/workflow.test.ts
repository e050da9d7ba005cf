import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { demoProgram } from '../../../domain/demo';
import { WORKFLOW_ERROR_NAMES } from '../../../domain/errors';
import { addWorkingDays } from '../../../domain/rules/calendar';
import { handlerWith as sweeperWith } from '../../../functions/schedules/outbox-sweeper';
import { handlerWith as recordTaskWith } from '../../../functions/state-machine/record-task';
import { handlerWith as systemTaskWith } from '../../../functions/state-machine/system-task';
import { context } from './support/api';
import { testDependencies } from './support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, NOW, openTaskItem, programItem, TOKEN } from './support/fixtures';
import { ddbMock, givenFile, namedError, resetMocks, s3Mock, sfnMock, transactionCanceled } from './support/mocks';

const sweeper = sweeperWith(testDependencies());
const recordTask = recordTaskWith(testDependencies());
const systemTask = systemTaskWith(testDependencies());

const NEW_TOKEN = 'token-new';

/** RecordTaskFn reads the household and its task in one BatchGetItem. */
function batchOf(...items: (Record<string, unknown> | undefined)[]) {
  return { Responses: { 'anju-test': items.filter((item) => item !== undefined) } };
}

function givenHousehold(h = household(), task?: Record<string, unknown>) {
  ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'HH' } }).resolves({ Item: householdItem(h) });
  ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'TASK' } }).resolves({ Item: task });
  ddbMock.on(BatchGetCommand).resolves(batchOf(householdItem(h), task));
  ddbMock
    .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
    .resolves({ Item: programItem() });
}

function sentOutputs() {
  return sfnMock.commandCalls(SendTaskSuccessCommand).map((call) => ({
    token: call.args[0].input.taskToken,
    output: JSON.parse(call.args[0].input.output ?? '{}'),
  }));
}

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

describe('SystemTaskFn', () => {
  it('open-notice returns the end fixed at county approval', async () => {
    givenFile([
      householdItem(household({ phase: 'public-notice', version: 5, noticeEndsAt: '2026-03-09T02:00:00.000Z' })),
    ]);

    const result = await systemTask({ task: 'open-notice', householdId: HOUSEHOLD_ID }, context);

    expect(result).toEqual({ endsAt: '2026-03-09T02:00:00.000Z' });
  });

  it('close-notice moves to agreement without objections, conditioned on the version, with an audit event', async () => {
    givenFile([householdItem(household({ phase: 'public-notice', version: 5 }))]);

    const result = await systemTask({ task: 'close-notice', householdId: HOUSEHOLD_ID }, context);

    expect(result).toEqual({ outcome: 'no-objection', next: 'agreement' });
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put?.ExpressionAttributeValues).toEqual({ ':expected': 5 });
    expect(items[0]?.Put?.Item).toMatchObject({ phase: 'agreement', version: 6 });
    expect(items[1]?.Put?.Item).toMatchObject({ SK: 'EV#000006', role: 'system', type: 'close-notice' });
  });

  it('close-notice sends the file to objection review when an objection is open', async () => {
    givenFile([
      householdItem(household({ phase: 'public-notice', version: 6 })),
      {
        PK: `HH#${HOUSEHOLD_ID}`,
        SK: 'OBJ#000006',
        objectionId: '000006',
        householdId: HOUSEHOLD_ID,
        objector: '韦某',
        reason: '收入不符',
        recordedBy: 'zhang.minzheng',
        at: '2026-03-03T00:00:00.000Z',
        status: 'open',
      },
    ]);

    const result = await systemTask({ task: 'close-notice', householdId: HOUSEHOLD_ID }, context);

    expect(result).toEqual({ outcome: 'objections', next: 'objection-review' });
  });

  it('close-notice is idempotent: a household that moved on is answered with resync and its phase', async () => {
    givenFile([householdItem(household({ phase: 'agreement', version: 6 }))]);

    const result = await systemTask({ task: 'close-notice', householdId: HOUSEHOLD_ID }, context);

    expect(result).toEqual({ outcome: 'resync', next: 'agreement' });
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('close-notice answers resync when another writer closed the notice while it was deciding', async () => {
    ddbMock
      .on(QueryCommand, { KeyConditionExpression: 'PK = :pk' })
      .resolvesOnce({ Items: [householdItem(household({ phase: 'public-notice', version: 5 }))] })
      .resolves({ Items: [householdItem(household({ phase: 'objection-review', version: 6 }))] });
    ddbMock.on(TransactWriteCommand).rejects(transactionCanceled(0, 2));

    const result = await systemTask({ task: 'close-notice', householdId: HOUSEHOLD_ID }, context);

    expect(result).toEqual({ outcome: 'resync', next: 'objection-review' });
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('archive writes the ledger card (JSON and printable HTML) to the evidence bucket and archives; a second run does nothing', async () => {
    givenFile([
      householdItem(household({ phase: 'archiving', version: 15 })),
      {
        PK: `HH#${HOUSEHOLD_ID}`,
        SK: 'PHOTO#ph-a',
        householdId: HOUSEHOLD_ID,
        photoId: 'ph-a',
        step: 'final-acceptance',
        kind: 'after',
        contentType: 'image/jpeg',
        size: 1000,
        sha256: 'a'.repeat(64),
        status: 'confirmed',
        flags: [],
      },
    ]);
    s3Mock.on(PutObjectCommand).resolves({});
    ddbMock.on(GetCommand).resolves({ Item: programItem() });

    const result = await systemTask({ task: 'archive', householdId: HOUSEHOLD_ID }, context);
    givenFile([householdItem(household({ phase: 'archived', version: 16 }))]);
    const again = await systemTask({ task: 'archive', householdId: HOUSEHOLD_ID }, context);

    expect(result).toMatchObject({ next: 'archived' });
    expect(again).toEqual({ next: 'archived' });
    const put = s3Mock.commandCalls(PutObjectCommand);
    expect(put).toHaveLength(2);
    expect(put[0]?.args[0].input).toMatchObject({
      Bucket: 'anju-evidence-test',
      Key: `archive/${HOUSEHOLD_ID}/ledger-card.json`,
    });
    expect(JSON.parse(String(put[0]?.args[0].input.Body))).toMatchObject({ household: { householdId: HOUSEHOLD_ID } });
    expect(put[1]?.args[0].input).toMatchObject({
      Bucket: 'anju-evidence-test',
      Key: `archive/${HOUSEHOLD_ID}/ledger-card.html`,
      ContentType: 'text/html; charset=utf-8',
    });
    expect(String(put[1]?.args[0].input.Body)).toContain('农村危房改造对象台帐卡');
    // The archived page links its photos by key, relative to archive/{id}/: no link that expires.
    expect(String(put[1]?.args[0].input.Body)).toContain(
      `<img src="../../photos/${HOUSEHOLD_ID}/final-acceptance/ph-a"`,
    );
    expect(JSON.parse(String(put[0]?.args[0].input.Body)).photos).toEqual([
      expect.objectContaining({ photoId: 'ph-a', objectKey: `photos/${HOUSEHOLD_ID}/final-acceptance/ph-a` }),
    ]);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('archive writes the card again with a photo confirmed between its read and its write', async () => {
    ddbMock
      .on(QueryCommand, { KeyConditionExpression: 'PK = :pk' })
      .resolvesOnce({ Items: [householdItem(household({ phase: 'archiving', version: 15 }))] })
      .resolves({ Items: [householdItem(household({ phase: 'archiving', version: 16 }))] });
    ddbMock.on(GetCommand).resolves({ Item: programItem() });
    ddbMock.on(TransactWriteCommand).rejectsOnce(transactionCanceled(0, 2)).resolves({});
    s3Mock.on(PutObjectCommand).resolves({});

    const result = await systemTask({ task: 'archive', householdId: HOUSEHOLD_ID }, context);

    expect(result).toMatchObject({ next: 'archived' });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(4);
    const versions = ddbMock
      .commandCalls(TransactWriteCommand)
      .map((call) => call.args[0].input.TransactItems?.[0]?.Put?.Item?.version);
    expect(versions).toEqual([16, 17]);
  });

  it('fails with the shared error name for an unknown task or household', async () => {
    await expect(systemTask({ task: 'dance', householdId: HOUSEHOLD_ID }, context)).rejects.toMatchObject({
      name: WORKFLOW_ERROR_NAMES.UnknownSystemTask,
    });
    givenFile([]);
    await expect(systemTask({ task: 'close-notice', householdId: 'nope' }, context)).rejects.toMatchObject({
      name: WORKFLOW_ERROR_NAMES.HouseholdNotFound,
    });
  });
});

describe('OutboxSweeperFn', () => {
  /** A registration whose first execution was not confirmed started. */
  const startingTask = (createdAt: string) => ({
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: 'TASK',
    householdId: HOUSEHOLD_ID,
    status: 'starting',
    step: 'safety-appraisal',
    county: '522327',
    township: '522327100',
    createdAt,
    executionName: `${HOUSEHOLD_ID}-0`,
  });
  const decided = (overrides: Record<string, unknown> = {}) =>
    openTaskItem('township-review', {
      status: 'decided',
      decision: { outcome: 'approve', next: 'county-approval' },
      decidedAt: '2026-03-02T01:00:00.000Z',
      GSI2PK: 'OUTBOX',
      GSI2SK: `2026-03-02T01:00:00.000Z#${HOUSEHOLD_ID}`,
      ...overrides,
    });

  it('re-sends decisions older than a minute and removes them once acknowledged', async () => {
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [decided()] });

    const counts = await sweeper({}, context);

    const query = ddbMock.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query?.ExpressionAttributeValues).toEqual({
      ':outbox': 'OUTBOX',
      ':before': new Date(NOW.getTime() - 10_000).toISOString(),
    });
    expect(sentOutputs()).toEqual([{ token: TOKEN, output: { outcome: 'approve', next: 'county-approval' } }]);
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(1);
    expect(counts).toEqual({ resent: 1, restarted: 0, started: 0, failed: 0 });
  });

  it('starts a new execution at the household phase when the token is dead', async () => {
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [decided()] });
    givenHousehold(household({ phase: 'county-approval', version: 4 }));
    sfnMock.on(SendTaskSuccessCommand).rejects(namedError('TaskTimedOut'));

    const counts = await sweeper({}, context);

    const start = sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe(`${HOUSEHOLD_ID}-s${NOW.getTime()}`);
    expect(JSON.parse(start?.input ?? '{}')).toEqual({ householdId: HOUSEHOLD_ID, phase: 'county-approval' });
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(1);
    expect(counts).toMatchObject({ restarted: 1, failed: 0 });
  });

  it('starts executions whose start was not confirmed, under their first name', async () => {
    const starting = startingTask('2026-03-02T01:00:00.000Z');
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [starting] });
    sfnMock.on(StartExecutionCommand).rejects(namedError('ExecutionAlreadyExists'));

    const counts = await sweeper({}, context);

    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toBe(`${HOUSEHOLD_ID}-0`);
    expect(counts).toMatchObject({ started: 1, failed: 0 });
  });

  it('starts an unconfirmed first execution after ten seconds but leaves a decision under a minute old to its action', async () => {
    const halfAMinuteAgo = new Date(NOW.getTime() - 30_000).toISOString();
    const starting = startingTask(halfAMinuteAgo);
    const young = decided({ householdId: 'HH-other', PK: 'HH#HH-other', decidedAt: halfAMinuteAgo });
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [young, starting] });

    const counts = await sweeper({}, context);

    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(sfnMock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name)).toEqual([
      `${HOUSEHOLD_ID}-0`,
    ]);
    expect(counts).toEqual({ resent: 0, restarted: 0, started: 1, failed: 0 });
  });

  it('counts an entry it could not deliver and keeps it for the next sweep', async () => {
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [decided()] });
    sfnMock.on(SendTaskSuccessCommand).rejects(namedError('ServiceUnavailable'));

    const counts = await sweeper({}, context);

    expect(counts).toMatchObject({ failed: 1, resent: 0 });
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });
});
