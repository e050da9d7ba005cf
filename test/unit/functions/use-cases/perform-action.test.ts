import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoProgram, exampleActionBody } from '../../../../contract/examples';
import { AuditEvent, type Household } from '../../../../domain/model';
import { GENESIS_HASH, verifyChain } from '../../../../domain/rules/audit';
import { hashIdNumber } from '../../../../domain/rules/idNumber';
import { splitInstallments } from '../../../../domain/rules/installments';
import { handlerWith } from '../../../../functions/api/actions';
import { clientRequestToken } from '../../../../functions/store/table';
import { bodyHash } from '../../../../functions/use-cases/idempotent';
import { shardOf } from '../../../../process/healing';
import { apiEvent, context, reply } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, NOW, openTaskItem, programItem, TOKEN } from '../support/fixtures';
import { ddbMock, givenFile, namedError, sfnMock, transactionCanceled, withMocksAtFixedTime } from '../support/mocks';

const handler = handlerWith(testDependencies());

type TransactItem = {
  Put?: {
    Item: Record<string, unknown>;
    ConditionExpression?: string;
    ExpressionAttributeValues?: Record<string, unknown>;
  };
  Update?: {
    Key: Record<string, unknown>;
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeValues: Record<string, unknown>;
  };
  Delete?: { Key: Record<string, unknown>; ConditionExpression?: string };
};

function transactItems(): TransactItem[] {
  const call = ddbMock.commandCalls(TransactWriteCommand)[0];
  return (call?.args[0].input.TransactItems ?? []) as TransactItem[];
}

function act(action: string, body: unknown, user: string, headers: Record<string, string> = {}) {
  return handler(
    apiEvent({
      method: 'POST',
      path: `/households/${HOUSEHOLD_ID}/actions/${action}`,
      pathParameters: { id: HOUSEHOLD_ID, action },
      body,
      user,
      headers,
    }),
    context,
  ).then((response) => reply(response));
}

/** A household waiting at `phase` with its open task, the program, and DynamoDB/Step Functions accepting writes. */
function given(h: Household, task: Record<string, unknown> | undefined, extra: Record<string, unknown>[] = []) {
  givenFile([householdItem(h), ...(task ? [task] : []), ...extra]);
  ddbMock
    .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
    .resolves({ Item: programItem() });
  ddbMock.on(TransactWriteCommand).resolves({});
  ddbMock.on(DeleteCommand).resolves({});
  sfnMock.on(SendTaskSuccessCommand).resolves({});
}

const atTownshipReview = () => household({ phase: 'township-review', version: 3, grade: 'D' });
const townshipReview = (version = 3) => exampleActionBody('township-review', version);

describe('POST /households/{id}/actions/{action}', () => {
  withMocksAtFixedTime(NOW);

  it('stores the decision in one transaction, then hands it to the workflow and returns the updated file', async () => {
    // Prepare
    given(atTownshipReview(), openTaskItem('township-review'));
    const order: string[] = [];
    ddbMock.on(TransactWriteCommand).callsFake(() => {
      order.push('transaction');
      return {};
    });
    sfnMock.on(SendTaskSuccessCommand).callsFake(() => {
      order.push('send-task-success');
      return {};
    });

    // Act
    const result = await act('township-review', townshipReview(), 'he.zhujian');

    // Assess
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ householdId: HOUSEHOLD_ID });
    const [householdPut, eventPut, taskUpdate] = transactItems();
    expect(householdPut?.Put?.ConditionExpression).toBe('version = :expected');
    expect(householdPut?.Put?.ExpressionAttributeValues).toEqual({ ':expected': 3 });
    expect(householdPut?.Put?.Item).toMatchObject({
      version: 4,
      phase: 'county-approval',
      GSI4PK: 'T#522327100#P#county-approval',
    });
    const event = eventPut?.Put?.Item as Record<string, unknown>;
    expect(event).toMatchObject({
      SK: 'EV#000004',
      seq: 4,
      actor: 'he.zhujian',
      role: 'construction',
      fromPhase: 'township-review',
      toPhase: 'county-approval',
      prevHash: GENESIS_HASH,
    });
    expect(eventPut?.Put?.ConditionExpression).toBe('attribute_not_exists(PK)');
    // The stored event extends the household's chain (here from genesis) with a correct hash.
    expect(verifyChain([AuditEvent.parse(event)])).toEqual({ ok: true });
    expect(householdPut?.Put?.Item.lastHash).toBe(event.hash);
    expect(taskUpdate?.Update?.Key).toEqual({ PK: `HH#${HOUSEHOLD_ID}`, SK: 'TASK' });
    expect(taskUpdate?.Update?.ConditionExpression).toBe('#status = :open AND step = :step');
    expect(taskUpdate?.Update?.ExpressionAttributeValues).toMatchObject({
      ':step': 'township-review',
      ':decided': 'decided',
      ':outbox': `OUTBOX#${shardOf(HOUSEHOLD_ID)}`,
      ':decision': { outcome: 'approve', next: 'county-approval' },
    });
    // First due for the sweep a minute after the decision: the action itself normally delivers it at once.
    const decidedAt = String(taskUpdate?.Update?.ExpressionAttributeValues?.[':at']);
    const aMinuteLater = new Date(Date.parse(decidedAt) + 60_000).toISOString();
    expect(taskUpdate?.Update?.ExpressionAttributeValues).toMatchObject({
      ':nextTryAt': aMinuteLater,
      ':outboxKey': `${aMinuteLater}#${HOUSEHOLD_ID}`,
    });
    // The transaction carries a token derived from it: an SDK retry of a commit whose answer was lost is a success.
    const transaction = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input;
    expect(transaction?.ClientRequestToken).toMatch(/^[0-9a-f]{36}$/);
    expect(transaction?.ClientRequestToken).toBe(clientRequestToken(transaction?.TransactItems ?? [], 1));
    expect(order).toEqual(['transaction', 'send-task-success']);
    const sent = sfnMock.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
    expect(sent?.taskToken).toBe(TOKEN);
    expect(JSON.parse(sent?.output ?? '{}')).toEqual({ outcome: 'approve', next: 'county-approval' });
    // County approval waits for a person: its RecordTaskFn writes over the entry, so no delete is sent.
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('takes the decision out of the outbox itself when no step of a person follows (a rejection ends the workflow)', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));

    const result = await act(
      'township-review',
      { ...townshipReview(), decision: 'reject', reason: '住房经核实为他人所有' },
      'he.zhujian',
    );

    expect(result.status).toBe(200);
    const sent = sfnMock.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
    expect(JSON.parse(sent?.output ?? '{}')).toMatchObject({ outcome: 'reject' });
    const deleted = ddbMock.commandCalls(DeleteCommand)[0]?.args[0].input;
    expect(deleted?.Key).toEqual({ PK: `HH#${HOUSEHOLD_ID}`, SK: 'TASK' });
    expect(deleted?.ExpressionAttributeValues).toEqual({ ':token': TOKEN });
  });

  it('decides on a strongly consistent read of the file (a photo confirmed a moment ago counts)', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));

    await act('township-review', townshipReview(), 'he.zhujian');

    const fileReads = ddbMock
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.KeyConditionExpression === 'PK = :pk');
    expect(fileReads.length).toBeGreaterThan(0);
    expect(fileReads.every((input) => input.ConsistentRead === true)).toBe(true);
  });

  it('answers the file as the change left it, reading the household once', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));

    const result = await act('township-review', townshipReview(), 'he.zhujian');

    expect(result.status).toBe(200);
    const fileReads = ddbMock
      .commandCalls(QueryCommand)
      .filter((call) => call.args[0].input.KeyConditionExpression === 'PK = :pk');
    expect(fileReads).toHaveLength(1);
    const written = transactItems()[1]?.Put?.Item as Record<string, unknown>;
    expect(result.body).toMatchObject({ phase: 'county-approval', version: 4, task: null });
    expect(result.body.timeline).toEqual([expect.objectContaining({ seq: 4, hash: written.hash })]);
  });

  it('never shows the task token in the answer', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));

    const result = await act('township-review', townshipReview(), 'he.zhujian');

    expect(result.status).toBe(200);
    expect(JSON.stringify(result.body)).not.toContain(TOKEN);
  });

  it('answers 200 and leaves the decision in the outbox when SendTaskSuccess fails', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));
    sfnMock.on(SendTaskSuccessCommand).rejects(namedError('ServiceUnavailable'));

    const result = await act('township-review', townshipReview(), 'he.zhujian');

    expect(result.status).toBe(200);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('hands the decision to the token the workflow re-recorded between the read and the commit', async () => {
    // Prepare: a restarted execution recorded the task again under a new token after the file was read.
    given(atTownshipReview(), openTaskItem('township-review'));
    const relive = 'token-of-the-restarted-execution';
    ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'TASK' } }).resolves({
      Item: openTaskItem('township-review', {
        status: 'decided',
        taskToken: relive,
        decision: { outcome: 'approve', next: 'county-approval' },
      }),
    });
    sfnMock.on(SendTaskSuccessCommand, { taskToken: TOKEN }).rejects(namedError('TaskDoesNotExist'));
    sfnMock.on(SendTaskSuccessCommand, { taskToken: relive }).resolves({});

    // Act
    const result = await act('township-review', townshipReview(), 'he.zhujian');

    // Assess: delivered at once to the live token, not left for the sweeper (county approval's RecordTaskFn then
    // writes over the entry).
    expect(result.status).toBe(200);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input.taskToken)).toEqual([
      TOKEN,
      relive,
    ]);
  });

  it('leaves the decision in the outbox when its token is dead and no other was recorded', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));
    ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'TASK' } }).resolves({
      Item: openTaskItem('township-review', { status: 'decided' }),
    });
    sfnMock.on(SendTaskSuccessCommand).rejects(namedError('TaskDoesNotExist'));

    const result = await act('township-review', townshipReview(), 'he.zhujian');

    expect(result.status).toBe(200);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('refuses an invalid body with field-level messages in zh and en', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));

    const result = await act('township-review', { version: 3, decision: 'reject' }, 'he.zhujian');

    expect(result.status).toBe(400);
    expect(result.body.error).toBe('ValidationError');
    const fields = result.body.fields as { path: string; message: { zh: string; en: string } }[];
    const reason = fields.find((field) => field.path === 'reason');
    expect(reason?.message.zh).toMatch(/理由/);
    expect(reason?.message.en).toMatch(/reason/i);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses malformed JSON with 400, not 415 or 500', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));

    const result = await act('township-review', '{"version": 3,', 'he.zhujian');

    expect(result.status).toBe(400);
    expect(result.body.message).toMatchObject({
      zh: expect.stringContaining('JSON'),
      en: expect.stringContaining('JSON'),
    });
  });

  it('refuses a caller without the role of the step (403)', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));

    const result = await act('township-review', townshipReview(), 'zhang.minzheng');

    expect(result.status).toBe(403);
    expect(result.body.error).toBe('ForbiddenError');
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers a caller of another township as if the household did not exist (404, the same body)', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));
    const outside = await act('township-review', townshipReview(), 'wu.zhujian');
    givenFile([]);
    const missing = await act('township-review', townshipReview(), 'he.zhujian');

    expect(outside.status).toBe(404);
    expect(outside.body).toEqual(missing.body);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses a stale version the client sent (409)', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));

    const result = await act('township-review', townshipReview(2), 'he.zhujian');

    expect(result.status).toBe(409);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('turns a version condition that fails inside the transaction into 409', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));
    ddbMock.on(TransactWriteCommand).rejects(transactionCanceled(0, 3));

    const result = await act('township-review', townshipReview(), 'he.zhujian');

    expect(result.status).toBe(409);
    expect((result.body.message as { en: string }).en).toMatch(/stale version/);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('retries a transaction DynamoDB cancelled only for a conflict (a shared counter was busy) and succeeds', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));
    const busy = namedError('TransactionCanceledException');
    Object.assign(busy, { CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'TransactionConflict' }] });
    ddbMock.on(TransactWriteCommand).rejectsOnce(busy).resolves({});

    const result = await act('township-review', townshipReview(), 'he.zhujian');

    expect(result.status).toBe(200);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it('says when the step was already decided (task condition fails)', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));
    ddbMock.on(TransactWriteCommand).rejects(transactionCanceled(2, 3));

    const result = await act('township-review', townshipReview(), 'he.zhujian');

    expect(result.status).toBe(409);
    expect((result.body.message as { en: string }).en).toMatch(/already decided/);
  });

  it('answers 404 for an unknown household', async () => {
    given(atTownshipReview(), undefined);
    givenFile([]);

    const result = await act('township-review', townshipReview(), 'he.zhujian');

    expect(result.status).toBe(404);
  });

  it('answers 409 naming the current phase when the action does not fit it', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));

    const result = await act('appraise-safety', exampleActionBody('appraise-safety', 3), 'he.zhujian');

    expect(result.status).toBe(409);
    expect((result.body.message as { en: string }).en).toMatch(/township-review/);
    expect((result.body.message as { zh: string }).zh).toMatch(/乡镇审核/);
  });

  it('rejects a house appraised grade B and frees the ID number for a new application', async () => {
    given(household({ phase: 'safety-appraisal', version: 1 }), openTaskItem('safety-appraisal'));

    const result = await act(
      'appraise-safety',
      { ...exampleActionBody('appraise-safety', 1), grade: 'B' },
      'he.zhujian',
    );

    expect(result.status).toBe(200);
    const items = transactItems();
    expect(items[0]?.Put?.Item).toMatchObject({ phase: 'rejected', grade: 'B', rejection: { by: 'he.zhujian' } });
    expect(items[2]?.Update?.ExpressionAttributeValues[':decision']).toEqual({
      outcome: 'not-qualified',
      next: 'rejected',
    });
    const release = items.find((item) => item.Delete);
    expect(release?.Delete?.Key).toEqual({ PK: `IDN#${hashIdNumber(household().head.idNumber)}`, SK: 'IDN' });
  });

  it('county approval fixes the subsidy from the tiers, sets the notice end and records the spot check', async () => {
    given(household({ phase: 'county-approval', version: 4, grade: 'D' }), openTaskItem('county-approval'));
    const body = exampleActionBody('county-approve', 4);

    const result = await act('county-approve', body, 'li.zhujian');

    expect(result.status).toBe(200);
    const [householdPut, eventPut] = transactItems();
    const h = household();
    const tier = demoProgram.subsidyTiers.find(
      (t) => t.category === h.category && t.mode === 'rebuild' && t.grade === 'D',
    );
    expect(householdPut?.Put?.Item).toMatchObject({
      phase: 'public-notice',
      mode: 'rebuild',
      approvedSubsidy: tier?.amount,
      noticeEndsAt: new Date(NOW.getTime() + demoProgram.noticeDays * 86_400_000).toISOString(),
    });
    expect(eventPut?.Put?.Item.details).toMatchObject({ spotCheck: { visited: true, by: '李军' } });
  });

  it('releases an installment once: the ledger entry is put only if absent, in the same transaction', async () => {
    const approvedSubsidy = 3_500_000;
    given(
      household({ phase: 'installment-release', version: 7, grade: 'D', approvedSubsidy }),
      openTaskItem('installment-release'),
    );

    const result = await act('release-installment', exampleActionBody('release-installment', 7), 'chen.caizheng');

    expect(result.status).toBe(200);
    const items = transactItems();
    const payment = items.find((item) => String(item.Put?.Item.SK).startsWith('PAY#'));
    expect(payment?.Put?.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(payment?.Put?.Item).toMatchObject({
      SK: 'PAY#00',
      installment: 0,
      amount: splitInstallments(approvedSubsidy, demoProgram.installments)[0],
      releasedBy: 'chen.caizheng',
    });
    expect(items[0]?.Put?.Item).toMatchObject({ nextInstallment: 1, phase: 'milestone-inspection' });
  });

  it('refuses to pay an installment twice (ledger condition fails: 409)', async () => {
    given(
      household({ phase: 'installment-release', version: 7, grade: 'D', approvedSubsidy: 3_500_000 }),
      openTaskItem('installment-release'),
    );
    ddbMock.on(TransactWriteCommand).rejects(transactionCanceled(3, 4));

    const result = await act('release-installment', exampleActionBody('release-installment', 7), 'chen.caizheng');

    expect(result.status).toBe(409);
    expect((result.body.message as { en: string }).en).toMatch(/cannot be paid twice/);
  });

  it('records an objection during the notice without deciding the step', async () => {
    given(household({ phase: 'public-notice', version: 5, grade: 'D' }), undefined);

    const result = await act('object', exampleActionBody('object', 5), 'zhang.minzheng');

    expect(result.status).toBe(200);
    const items = transactItems();
    expect(items.some((item) => item.Update)).toBe(false);
    expect(items[0]?.Put?.Item).toMatchObject({ phase: 'public-notice', version: 6 });
    expect(items.find((item) => String(item.Put?.Item.SK).startsWith('OBJ#'))?.Put?.Item).toMatchObject({
      status: 'open',
    });
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('records a failed inspection with its rectification and inspects the same milestone again', async () => {
    given(
      household({
        phase: 'milestone-inspection',
        version: 8,
        grade: 'D',
        approvedSubsidy: 3_500_000,
        nextInstallment: 1,
      }),
      openTaskItem('milestone-inspection'),
      [
        {
          PK: 'HH#hh-0001',
          SK: 'PHOTO#ph-during-1',
          householdId: 'hh-0001',
          photoId: 'ph-during-1',
          step: 'milestone-inspection',
          kind: 'during',
          contentType: 'image/jpeg',
          size: 100,
          sha256: 'a'.repeat(64),
          status: 'confirmed',
          flags: [],
        },
      ],
    );
    const body = {
      ...exampleActionBody('inspect', 8),
      result: 'fail',
      rectification: { what: '圈梁钢筋不足', by: '2026-03-20' },
    };

    const result = await act('inspect', body, 'luo.zhijian');

    expect(result.status).toBe(200);
    const items = transactItems();
    expect(items.find((item) => String(item.Put?.Item.SK).startsWith('INSP#'))?.Put?.Item).toMatchObject({
      SK: 'INSP#01#01',
      result: 'fail',
      rectification: { what: '圈梁钢筋不足' },
    });
    expect(items[2]?.Update?.ExpressionAttributeValues[':decision']).toEqual({
      outcome: 'fail',
      next: 'milestone-inspection',
    });
  });

  it('acts once for a repeated Idempotency-Key with the same body and answers it again from the file read afresh', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));
    const body = townshipReview();
    let stored: Record<string, unknown> | undefined;
    ddbMock.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
      if (stored) throw namedError('ConditionalCheckFailedException');
      stored = input.Item;
      return {};
    });
    ddbMock.on(UpdateCommand).callsFake((input: { ExpressionAttributeValues: Record<string, unknown> }) => {
      const values = input.ExpressionAttributeValues;
      stored = { ...stored, status: 'completed', replyStatus: values[':replyStatus'], replay: values[':replay'] };
      return {};
    });
    ddbMock.on(GetCommand, { Key: { PK: 'IDEM#he.zhujian#key-1', SK: 'IDEM' } }).callsFake(() => ({ Item: stored }));

    const first = await act('township-review', body, 'he.zhujian', { 'Idempotency-Key': 'key-1' });
    // The file as the action left it: what a replay reads.
    givenFile([householdItem({ ...atTownshipReview(), phase: 'county-approval', version: 4 })]);
    const second = await act('township-review', body, 'he.zhujian', { 'Idempotency-Key': 'key-1' });

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers['idempotent-replay']).toBe('true');
    expect(second.body).toMatchObject({
      householdId: HOUSEHOLD_ID,
      phase: 'county-approval',
      version: first.body.version,
    });
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(stored).toMatchObject({
      bodyHash: bodyHash(body),
      replyStatus: 200,
      replay: { kind: 'household', householdId: HOUSEHOLD_ID },
    });
    expect(stored).not.toHaveProperty('response');
  });

  it('answers 422 for a repeated Idempotency-Key with another body', async () => {
    given(atTownshipReview(), openTaskItem('township-review'));
    ddbMock.on(PutCommand).rejects(namedError('ConditionalCheckFailedException'));
    ddbMock
      .on(GetCommand, { Key: { PK: 'IDEM#he.zhujian#key-2', SK: 'IDEM' } })
      .resolves({ Item: { bodyHash: bodyHash({ other: true }), status: 'completed', expiresAt: 9_999_999_999 } });

    const result = await act('township-review', townshipReview(), 'he.zhujian', { 'Idempotency-Key': 'key-2' });

    expect(result.status).toBe(422);
    expect(result.body.error).toBe('IdempotencyMismatchError');
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
