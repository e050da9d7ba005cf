import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_ERROR_NAMES } from '../../../../domain/errors';
import { handlerWith } from '../../../../functions/state-machine/system-task';
import { context } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, programItem } from '../support/fixtures';
import { ddbMock, givenFile, s3Mock, transactionCanceled } from '../support/mocks';
import { withWorkflowMocks } from '../support/state-machine';

const systemTask = handlerWith(testDependencies());

withWorkflowMocks();

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
