import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { demoApplication, demoProgram } from '../../../../contract/examples';
import { hashIdNumber } from '../../../../domain/rules/idNumber';
import { handlerWith } from '../../../../functions/api/households';
import { shardOf } from '../../../../process/healing';
import { apiEvent, context, reply } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, openTaskItem } from '../support/fixtures';
import { ddbMock, givenFile, namedError, resetMocks, sfnMock, transactionCanceled } from '../support/mocks';

const handler = handlerWith(testDependencies());

type TransactItem = {
  Put?: { Item: Record<string, unknown>; ConditionExpression?: string };
  Update?: {
    Key: Record<string, unknown>;
    UpdateExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
  };
};

function register(body: unknown, user = 'zhang.minzheng') {
  return handler(apiEvent({ method: 'POST', path: '/households', body, user }), context).then((r) => reply(r));
}

function givenProgram() {
  ddbMock
    .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
    .resolves({ Item: { config: demoProgram } });
}

describe('POST /households', () => {
  beforeEach(() => {
    resetMocks();
    givenProgram();
    ddbMock.on(TransactWriteCommand).resolves({});
    ddbMock.on(DeleteCommand).resolves({});
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
  });

  it('registers the household with its ID claim, first event, starting task and execution pointer, then starts its workflow', async () => {
    const result = await register(demoApplication(1));

    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ phase: 'safety-appraisal', version: 1 });
    const id = String(result.body.householdId);
    const items = (ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? []) as TransactItem[];
    expect(items.map((item) => item.Put?.Item.SK ?? item.Update?.Key?.SK)).toEqual([
      'HH',
      'IDN',
      'EV#000001',
      'TASK',
      'SEARCH',
      'EXEC',
      expect.stringMatching(/^T#522327\d{3}#\d$/),
      // Every person with an ID number and the bank account are claimed, for later files to find.
      `HH#${id}`,
      `HH#${id}`,
    ]);
    expect(items[7]?.Put?.Item).toMatchObject({
      PK: `IDN#${hashIdNumber(demoApplication(1).head.idNumber)}`,
      entity: 'person-claim',
      as: 'head',
    });
    expect(String(items[8]?.Put?.Item.PK)).toMatch(/^BANK#[0-9a-f]{64}$/);
    // The township's progress counters grow in the same transaction.
    expect(items[6]?.Update?.Key?.PK).toBe(`STATS#${demoApplication(1).programId}`);
    expect(items[6]?.Update?.UpdateExpression).toMatch(/ ADD /);
    expect(Object.values(items[6]?.Update?.ExpressionAttributeNames ?? {})).toEqual(
      expect.arrayContaining(['n', 'p.safety-appraisal']),
    );
    expect(items[0]?.Put?.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(items[1]?.Put?.Item).toMatchObject({
      PK: `IDN#${hashIdNumber(demoApplication(1).head.idNumber)}`,
      householdId: id,
    });
    expect(items[1]?.Put?.ConditionExpression).toBe('attribute_not_exists(PK)');
    // The starting task waits in its household's outbox shard, first due ten seconds after the registration.
    const createdAt = String(items[0]?.Put?.Item.createdAt);
    const tenSecondsLater = new Date(Date.parse(createdAt) + 10_000).toISOString();
    expect(items[3]?.Put?.Item).toMatchObject({
      status: 'starting',
      GSI2PK: `OUTBOX#${shardOf(id)}`,
      GSI2SK: `${tenSecondsLater}#${id}`,
      nextTryAt: tenSecondsLater,
      executionName: `${id}-0`,
    });
    // The reconciler watches the household from now on, through its first execution.
    expect(items[5]?.Put?.Item).toEqual({
      PK: `HH#${id}`,
      SK: 'EXEC',
      entity: 'execution',
      householdId: id,
      executionName: `${id}-0`,
      attempt: 0,
      startedAt: createdAt,
      checkAt: createdAt,
      watched: true,
      GSI2PK: `WATCH#${shardOf(id)}`,
      GSI2SK: `${createdAt}#${id}`,
    });
    expect(items[5]?.Put?.ConditionExpression).toBe('attribute_not_exists(PK)');
    const start = sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe(`${id}-0`);
    expect(JSON.parse(start?.input ?? '{}')).toEqual({ householdId: id, phase: 'safety-appraisal' });
    // The safety appraisal waits for a person: its RecordTaskFn writes over the `starting` entry, no delete is sent.
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('takes the starting entry out itself when the first step is not one of a person', async () => {
    const { outbox } = testDependencies();

    expect(await outbox.startFirst(HOUSEHOLD_ID, 'public-notice')).toBe(true);

    expect(ddbMock.commandCalls(DeleteCommand)[0]?.args[0].input.ConditionExpression).toBe('#status = :starting');
  });

  it('still answers 201 when the execution already exists or cannot be started (the sweeper retries)', async () => {
    sfnMock.on(StartExecutionCommand).rejects(namedError('ServiceUnavailable'));

    const result = await register(demoApplication(2));

    expect(result.status).toBe(201);
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('treats ExecutionAlreadyExists as started, and a failed start as not', async () => {
    const { outbox } = testDependencies();
    sfnMock.on(StartExecutionCommand).rejects(namedError('ExecutionAlreadyExists'));
    expect(await outbox.startFirst(HOUSEHOLD_ID, 'public-notice')).toBe(true);
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(1);

    sfnMock.on(StartExecutionCommand).rejects(namedError('ServiceUnavailable'));
    expect(await outbox.startFirst(HOUSEHOLD_ID, 'public-notice')).toBe(false);
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(1);

    const result = await register(demoApplication(2));
    expect(result.status).toBe(201);
  });

  it('refuses an invalid application with zh and en messages at the field', async () => {
    const application = demoApplication(1);
    const result = await register({ ...application, head: { ...application.head, idNumber: '123' } });

    expect(result.status).toBe(400);
    const field = (result.body.fields as { path: string; message: { zh: string; en: string } }[]).find(
      (f) => f.path === 'head.idNumber',
    );
    expect(field?.message.zh).toMatch(/身份证/);
    expect(field?.message.en).toMatch(/ID number/);
  });

  it('refuses a household outside the priority categories with a clear reason', async () => {
    const result = await register({ ...demoApplication(1), category: 'other' });

    expect(result.status).toBe(400);
    expect(result.body.fields).toEqual([
      {
        path: 'category',
        message: { zh: expect.stringContaining('重点对象'), en: expect.stringContaining('priority') },
      },
    ]);
  });

  it('refuses malformed JSON and a body that is not JSON with 400', async () => {
    const malformed = await register('{"programId":');
    const notJson = reply(
      await handler(
        apiEvent({
          method: 'POST',
          path: '/households',
          body: 'a=b',
          headers: { 'content-type': 'text/plain' },
          user: 'zhang.minzheng',
        }),
        context,
      ),
    );

    expect(malformed.status).toBe(400);
    expect(notJson.status).toBe(400);
  });

  it('refuses a role that does not register (403) and a township outside the caller (403)', async () => {
    const inspector = await register(demoApplication(1), 'luo.zhijian');
    const otherTownship = await register(demoApplication(1), 'huang.minzheng');

    expect(inspector.status).toBe(403);
    expect(otherTownship.status).toBe(403);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 409 naming the household that already claimed the ID number by its short reference', async () => {
    const earlier = '5b0c7f6e-2d0f-4f59-9d43-1c1b8c6d2f10';
    ddbMock.on(TransactWriteCommand).rejects(transactionCanceled(1, 4, { householdId: { S: earlier } }));

    const result = await register(demoApplication(1));

    expect(result.status).toBe(409);
    const message = result.body.message as { en: string; zh: string };
    expect(message.en).toMatch(/5B0C7F6E/);
    expect(message.zh).toMatch(/5B0C7F6E/);
    expect(JSON.stringify(message)).not.toContain(earlier);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers 401 without claims', async () => {
    const result = reply(
      await handler(apiEvent({ method: 'POST', path: '/households', body: demoApplication(1) }), context),
    );

    expect(result.status).toBe(401);
  });
});

describe('GET /households/{id}', () => {
  beforeEach(() => resetMocks());

  const get = (user: string, id = HOUSEHOLD_ID) =>
    handler(apiEvent({ path: `/households/${id}`, pathParameters: { id }, user }), context).then((r) => reply(r));

  it('returns the household file with its pending task', async () => {
    givenFile([householdItem(household()), openTaskItem('safety-appraisal')]);

    const result = await get('zhang.minzheng');

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      householdId: HOUSEHOLD_ID,
      phase: 'safety-appraisal',
      task: { step: 'safety-appraisal' },
    });
    expect(JSON.stringify(result.body)).not.toContain('token-open-1');
  });

  it('gives every photo a fresh short-lived previewUrl and originalUrl, both null until it is confirmed', async () => {
    const photo = (photoId: string, status: string, extra: Record<string, unknown> = {}) => ({
      PK: `HH#${HOUSEHOLD_ID}`,
      SK: `PHOTO#${photoId}`,
      householdId: HOUSEHOLD_ID,
      photoId,
      step: 'milestone-inspection',
      kind: 'during',
      contentType: 'image/jpeg',
      size: 1000,
      sha256: 'a'.repeat(64),
      status,
      flags: [],
      objectKey: `photos/${HOUSEHOLD_ID}/milestone-inspection/${photoId}`,
      ...extra,
    });
    givenFile([
      householdItem(household({ phase: 'milestone-inspection' })),
      photo('ph-p', 'confirmed', { preview: { contentType: 'image/webp', width: 480, height: 640, size: 900 } }),
      photo('ph-n', 'confirmed'),
      photo('ph-r', 'requested'),
    ]);

    const result = await get('zhang.minzheng');

    expect(result.status).toBe(200);
    const photos = result.body.photos as { photoId: string; previewUrl: string | null; originalUrl: string | null }[];
    const byId = Object.fromEntries(photos.map((p) => [p.photoId, p]));
    const path = (url: string | null | undefined) => (url ? decodeURIComponent(new URL(url).pathname) : url);
    const base = `/anju-evidence-test/photos/${HOUSEHOLD_ID}/milestone-inspection`;
    expect(path(byId['ph-p']?.originalUrl)).toBe(`${base}/ph-p`);
    expect(path(byId['ph-p']?.previewUrl)).toBe(
      `/anju-evidence-test/previews/${HOUSEHOLD_ID}/milestone-inspection/ph-p.webp`,
    );
    expect(new URL(byId['ph-p']?.previewUrl ?? '').searchParams.get('X-Amz-Expires')).toBe('900');
    expect(path(byId['ph-n']?.originalUrl)).toBe(`${base}/ph-n`);
    expect(byId['ph-n']?.previewUrl).toBeNull();
    expect(byId['ph-r']).toMatchObject({ previewUrl: null, originalUrl: null });
    expect(JSON.stringify(result.body)).not.toContain('objectKey');
  });

  it('answers an unknown household and one outside the jurisdiction alike: 404, the same body', async () => {
    givenFile([]);
    const unknown = await get('zhang.minzheng');
    givenFile([householdItem(household())]);
    const outside = await get('huang.minzheng');

    expect(unknown.status).toBe(404);
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual(unknown.body);
  });
});

describe('GET /households/{id}/ledger-card', () => {
  beforeEach(() => resetMocks());

  const card = (user: string) =>
    handler(
      apiEvent({ path: `/households/${HOUSEHOLD_ID}/ledger-card`, pathParameters: { id: HOUSEHOLD_ID }, user }),
      context,
    ).then((r) => r as { statusCode: number; body: string; headers?: Record<string, string> });

  const confirmedPhoto = {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: 'PHOTO#ph-a',
    householdId: HOUSEHOLD_ID,
    photoId: 'ph-a',
    step: 'final-acceptance',
    kind: 'after-with-head',
    contentType: 'image/jpeg',
    size: 1000,
    sha256: 'a'.repeat(64),
    status: 'confirmed',
    flags: [],
    preview: { contentType: 'image/webp', width: 640, height: 480, size: 900 },
  };

  it('renders the card of an archived household now, with photo links presigned for this answer', async () => {
    givenFile([householdItem(household({ phase: 'archived', version: 20 })), confirmedPhoto]);
    givenProgram();

    const result = await card('liu.shenji');

    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toMatch(/^text\/html/);
    const html = result.body;
    expect(html).toContain(demoProgram.name);
    // Rendered with the program: the village by its name, never its code.
    const village = demoProgram.townships.flatMap((t) => t.villages).find((v) => v.code === household().villageCode);
    expect(html).toContain(String(village?.name));
    expect(html).not.toContain('行政村代码');
    const src = /<img src="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const url = new URL(src);
    expect(decodeURIComponent(url.pathname)).toBe(
      `/anju-evidence-test/previews/${HOUSEHOLD_ID}/final-acceptance/ph-a.webp`,
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
  });

  it('answers 404 before the archive', async () => {
    givenFile([householdItem(household({ phase: 'final-acceptance' })), confirmedPhoto]);
    expect((await card('liu.shenji')).statusCode).toBe(404);
  });
});

describe('GET /households', () => {
  beforeEach(() => resetMocks());

  const list = (user: string, query: Record<string, string>) =>
    handler(apiEvent({ path: '/households', query, user }), context).then((r) => reply(r));

  it('lists by township and phase through GSI4, newest first, with an opaque cursor', async () => {
    ddbMock.on(QueryCommand).resolves({
      Items: [householdItem(household())],
      LastEvaluatedKey: { PK: 'HH#x', SK: 'HH', GSI4PK: 'T#522327100#P#safety-appraisal', GSI4SK: 'k' },
    });

    const result = await list('li.zhujian', { township: '522327100', phase: 'safety-appraisal' });

    expect(result.status).toBe(200);
    const input = ddbMock.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ IndexName: 'GSI4', ScanIndexForward: false });
    expect(input?.ExpressionAttributeValues).toEqual({ ':pk': 'T#522327100#P#safety-appraisal' });
    expect(typeof result.body.cursor).toBe('string');

    await list('li.zhujian', { township: '522327100', phase: 'safety-appraisal', cursor: String(result.body.cursor) });
    expect(ddbMock.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toMatchObject({ GSI4SK: 'k' });
  });

  it('keeps township staff in their township and refuses other counties', async () => {
    ddbMock.on(QueryCommand).resolves({ Items: [] });

    const own = await list('zhang.minzheng', {});
    const otherCounty = await list('li.zhujian', { county: '110101' });
    const otherTownship = await list('zhang.minzheng', { township: '522327101' });

    expect(own.status).toBe(200);
    expect(ddbMock.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({ IndexName: 'GSI3' });
    expect(otherCounty.status).toBe(403);
    expect(otherTownship.status).toBe(403);
  });

  it('refuses a bad cursor or query with 400', async () => {
    const badCursor = await list('li.zhujian', { cursor: 'not-a-cursor' });
    const badPhase = await list('li.zhujian', { phase: 'nowhere' });

    expect(badCursor.status).toBe(400);
    expect(badPhase.status).toBe(400);
  });
});
