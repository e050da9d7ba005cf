/**
 * Finding households and showing personal numbers: the search's query path (one index query per kind of text, never
 * a scan), masking in every household answer, and the recorded reveal.
 */
import { BatchGetCommand, GetCommand, QueryCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { demoApplication, demoProgram } from '../../../../contract/examples';
import { hashIdNumber, maskIdNumber } from '../../../../domain/rules/idNumber';
import { maskBankAccount, maskPhone } from '../../../../domain/rules/masks';
import { handlerWith } from '../../../../functions/api/households';
import { apiEvent, context, reply } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, openTaskItem, programItem } from '../support/fixtures';
import { ddbMock, givenFile, resetMocks, transactionCanceled } from '../support/mocks';

const handler = handlerWith(testDependencies());
const application = demoApplication(1);
const withMembers = household({
  members: [{ name: '韦小红', relation: '女儿', idNumber: demoApplication(2).head.idNumber }],
});

const call = (user: string, options: Parameters<typeof apiEvent>[0]) =>
  handler(apiEvent({ ...options, user }), context).then((r) => reply(r));

function expectMasked(text: string) {
  expect(text).not.toContain(application.head.idNumber);
  expect(text).not.toContain(application.head.phone);
  expect(text).not.toContain(application.bankAccount);
  expect(text).not.toContain(demoApplication(2).head.idNumber);
}

beforeEach(() => resetMocks());

describe('masking', () => {
  it('masks the ID numbers, the phone and the bank account in the household file for every role', async () => {
    givenFile([householdItem(withMembers), openTaskItem('safety-appraisal')]);

    for (const user of ['zhang.minzheng', 'li.zhujian', 'liu.shenji', 'sun.guanli']) {
      const file = await call(user, { path: `/households/${HOUSEHOLD_ID}`, pathParameters: { id: HOUSEHOLD_ID } });

      expect(file.status, user).toBe(200);
      expect(file.body.household).toMatchObject({
        head: {
          name: application.head.name,
          idNumber: maskIdNumber(application.head.idNumber),
          phone: maskPhone(application.head.phone ?? ''),
        },
        members: [{ name: '韦小红', idNumber: maskIdNumber(demoApplication(2).head.idNumber) }],
        bankAccount: maskBankAccount(application.bankAccount ?? ''),
      });
      expectMasked(JSON.stringify(file.body));
    }
  });

  it('masks every household of a list page', async () => {
    ddbMock.on(QueryCommand).resolves({ Items: [householdItem(withMembers)] });

    const page = await call('li.zhujian', { path: '/households', query: { township: '522327100' } });

    expect(page.status).toBe(200);
    expect((page.body.items as unknown[]).length).toBe(1);
    expectMasked(JSON.stringify(page.body));
  });
});

describe('GET /households?q= (search)', () => {
  const search = (user: string, query: Record<string, string>) => call(user, { path: '/households', query });

  beforeEach(() => {
    ddbMock.on(QueryCommand, { IndexName: 'GSI1', ExpressionAttributeValues: { ':pk': 'PROGRAMS#522327' } }).resolves({
      Items: [programItem()],
    });
    ddbMock.on(BatchGetCommand).resolves({ Responses: { 'anju-test': [householdItem(withMembers)] } });
  });

  function searchQueries() {
    return ddbMock
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input)
      .filter((input) => !String(input.ExpressionAttributeValues?.[':pk']).startsWith('PROGRAMS#'));
  }

  it("finds by the beginning of the head's name in the county through GSI1, answers masked, never scans", async () => {
    ddbMock
      .on(QueryCommand, { IndexName: 'GSI1', ExpressionAttributeValues: { ':pk': 'HN#522327', ':prefix': '韦' } })
      .resolves({ Items: [{ householdId: HOUSEHOLD_ID }] });

    const found = await search('li.zhujian', { q: '韦' });

    expect(found.status).toBe(200);
    expect(searchQueries()).toEqual([
      expect.objectContaining({
        IndexName: 'GSI1',
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeValues: { ':pk': 'HN#522327', ':prefix': '韦' },
      }),
    ]);
    expect(ddbMock.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.['anju-test']?.Keys).toEqual([
      { PK: `HH#${HOUSEHOLD_ID}`, SK: 'HH' },
    ]);
    expect((found.body.items as { householdId: string }[]).map((h) => h.householdId)).toEqual([HOUSEHOLD_ID]);
    expectMasked(JSON.stringify(found.body));
    expect(ddbMock.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it("keeps township staff's name search in their township's partition (GSI3)", async () => {
    ddbMock.on(QueryCommand, { IndexName: 'GSI3' }).resolves({ Items: [] });

    await search('zhang.minzheng', { q: '韦' });

    expect(searchQueries()).toEqual([
      expect.objectContaining({
        IndexName: 'GSI3',
        ExpressionAttributeValues: { ':pk': 'HNT#522327100', ':prefix': '韦' },
      }),
    ]);
  });

  it('finds an exact ID number, typed with spaces and a small x, through the hash of the number (GSI4)', async () => {
    ddbMock.on(QueryCommand, { IndexName: 'GSI4' }).resolves({ Items: [{ householdId: HOUSEHOLD_ID }] });
    const typed = `${application.head.idNumber.slice(0, 6)} ${application.head.idNumber.slice(6).toLowerCase()}`;

    const found = await search('li.zhujian', { q: typed });

    expect(searchQueries()).toEqual([
      expect.objectContaining({
        IndexName: 'GSI4',
        ExpressionAttributeValues: { ':pk': `IDH#${hashIdNumber(application.head.idNumber)}` },
      }),
    ]);
    expect((found.body.items as unknown[]).length).toBe(1);
    expectMasked(JSON.stringify(found.body));
  });

  it("finds a village by its name from the county's programs (GSI2, one partition per village)", async () => {
    const village = demoProgram.townships[0]?.villages[0];
    if (!village) throw new Error('the demo program has no village');
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [{ householdId: HOUSEHOLD_ID }] });

    const found = await search('li.zhujian', { q: village.name.replace(/村$/, '') });

    expect(found.status).toBe(200);
    expect(searchQueries()).toEqual([
      expect.objectContaining({ IndexName: 'GSI2', ExpressionAttributeValues: { ':pk': `HV#${village.code}` } }),
    ]);
  });

  it('answers nothing of another jurisdiction, even for an exact ID number', async () => {
    ddbMock.on(QueryCommand, { IndexName: 'GSI4' }).resolves({ Items: [{ householdId: HOUSEHOLD_ID }] });

    const found = await search('huang.minzheng', { q: application.head.idNumber });

    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([]);
  });
});

describe('POST /households/{id}/reveal', () => {
  const reveal = (user: string, body: unknown) =>
    call(user, {
      method: 'POST',
      path: `/households/${HOUSEHOLD_ID}/reveal`,
      pathParameters: { id: HOUSEHOLD_ID },
      body,
    });

  beforeEach(() => {
    ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'HH' } }).resolves({
      Item: householdItem(household({ version: 3 })),
    });
    ddbMock.on(TransactWriteCommand).resolves({});
  });

  it('answers the full number and appends who, when, which field and why to the chain, never the number', async () => {
    const answer = await reveal('zhang.minzheng', { field: 'phone', reason: '电话通知签协议' });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      householdId: HOUSEHOLD_ID,
      field: 'phone',
      value: application.head.phone,
      version: 4,
    });
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    const event = items.map((item) => item.Put?.Item).find((item) => String(item?.SK).startsWith('EV#'));
    expect(event).toMatchObject({
      SK: 'EV#000004',
      type: 'reveal',
      actor: 'zhang.minzheng',
      role: 'civil-affairs',
      details: { field: 'phone', reason: '电话通知签协议' },
    });
    expect(JSON.stringify(event)).not.toContain(application.head.phone);
    expect(items[0]?.Put?.ConditionExpression).toBe('version = :expected');
  });

  it('refuses without a reason (400, nothing written) and outside the jurisdiction (404 as if it did not exist, nothing written)', async () => {
    const noReason = await reveal('zhang.minzheng', { field: 'idNumber', reason: '  ' });
    const missing = await reveal('zhang.minzheng', { field: 'idNumber' });
    const outside = await reveal('huang.minzheng', { field: 'idNumber', reason: '核对' });

    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('理由');
    expect(missing.status).toBe(400);
    expect(outside.status).toBe(404);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('appends after a change that came first, reading the household again', async () => {
    ddbMock.on(TransactWriteCommand).rejectsOnce(transactionCanceled(0, 2)).resolves({});

    const answer = await reveal('zhang.minzheng', { field: 'idNumber', reason: '核对身份' });

    expect(answer.status).toBe(200);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });
});
