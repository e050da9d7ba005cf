import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { demoProgram, exampleActionBody } from '../../../../contract/examples';
import { buildFundingPlan, parseBankResultCsv } from '../../../../domain/funding';
import type { Household } from '../../../../domain/model';
import { handlerWith as actionsWith } from '../../../../functions/api/actions';
import { handlerWith } from '../../../../functions/api/funds';
import { simulateBank } from '../../../../tools/bank-simulator/bank-simulator';
import { apiEvent, context, reply } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, NOW, openTaskItem, programItem } from '../support/fixtures';
import { ddbMock, givenFile, resetMocks, sfnMock, transactionCanceled, withMocksAtFixedTime } from '../support/mocks';

const actions = actionsWith(testDependencies());
const handler = handlerWith(testDependencies());

const SUBSIDY = 3_500_000;
const plan = buildFundingPlan(demoProgram, { householdId: HOUSEHOLD_ID, approvedSubsidy: SUBSIDY });
const firstAmount = plan.installments[0]?.amount ?? 0;
/** NOW is 2026-03-02T02:00Z, 10:00 the same day in China. */
const DAY = '2026-03-02';

const funded = (overrides: Partial<Household> = {}) =>
  household({
    phase: 'milestone-inspection',
    version: 8,
    grade: 'D',
    approvedSubsidy: SUBSIDY,
    nextInstallment: 1,
    ...overrides,
  });

function paymentItem(overrides: Record<string, unknown> = {}) {
  return {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: 'PAY#00',
    entity: 'payment',
    householdId: HOUSEHOLD_ID,
    installment: 0,
    amount: firstAmount,
    status: 'released',
    reference: `${HOUSEHOLD_ID}-00`,
    releasedBy: 'chen.caizheng',
    releasedAt: '2026-03-01T02:00:00.000Z',
    ...overrides,
  };
}

function givenHouseholdAndPayment(h: Household, payment: Record<string, unknown> | undefined) {
  // DynamoDB answers a GetItem of a missing key with no Item.
  ddbMock.on(GetCommand).resolves({});
  ddbMock.on(GetCommand, { Key: { PK: `HH#${h.householdId}`, SK: 'HH' } }).resolves({ Item: householdItem(h) });
  ddbMock.on(GetCommand, { Key: { PK: `HH#${h.householdId}`, SK: 'PAY#00' } }).resolves({ Item: payment });
  ddbMock.on(UpdateCommand).resolves({});
  ddbMock.on(TransactWriteCommand).resolves({});
}

async function call(options: Parameters<typeof apiEvent>[0]) {
  return (await handler(apiEvent(options), context)) as APIGatewayProxyStructuredResultV2;
}

const approve = (user: string) =>
  call({
    method: 'POST',
    path: `/payments/${HOUSEHOLD_ID}/0/approve`,
    pathParameters: { householdId: HOUSEHOLD_ID, installment: '0' },
    user,
  }).then((response) => reply(response));

type TransactItem = {
  Update?: Record<string, unknown> & { Key: { SK: string } };
  Put?: { Item: Record<string, unknown> };
};
const transacted = (): TransactItem[] =>
  ddbMock
    .commandCalls(TransactWriteCommand)
    .flatMap((c) => (c.args[0].input.TransactItems ?? []) as unknown as TransactItem[]);
/** The ledger entry's changes: each written with the household's chain event, in one transaction. */
const updates = () =>
  transacted()
    .flatMap((item) => (item.Update && String(item.Update.Key.SK).startsWith('PAY#') ? [item.Update] : []))
    .map(
      (update) =>
        update as {
          ConditionExpression?: string;
          UpdateExpression?: string;
          ExpressionAttributeValues?: Record<string, unknown>;
        },
    );
/** The events the payment operations put on the household's chain. */
const chainEvents = () =>
  transacted().flatMap((item) => (item.Put && String(item.Put.Item.SK).startsWith('EV#') ? [item.Put.Item] : []));

withMocksAtFixedTime(NOW);

describe('POST /payments/{householdId}/{installment}/approve', () => {
  it('approves a release prepared by another finance user and puts it in the county list of payments due', async () => {
    // Prepare
    givenHouseholdAndPayment(funded(), paymentItem());

    // Act
    const result = await approve('qian.caizheng');

    // Assess
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ approvedBy: 'qian.caizheng', releasedBy: 'chen.caizheng', status: 'released' });
    const [update] = updates();
    expect(update?.ConditionExpression).toContain('attribute_not_exists(approvedBy)');
    expect(update?.ConditionExpression).toContain('releasedBy <> :by');
    expect(update?.ExpressionAttributeValues).toMatchObject({
      ':by': 'qian.caizheng',
      ':due': 'PAYDUE#522327',
      ':dueKey': `${DAY}#${HOUSEHOLD_ID}#00`,
      ':county': '522327',
    });
    // Out of the county's list awaiting approval in the same write.
    expect(update?.UpdateExpression).toMatch(/REMOVE GSI1PK, GSI1SK$/);
    // Both signatures on the record: the approval is the household's next event, naming maker and checker.
    expect(chainEvents()).toEqual([
      expect.objectContaining({
        seq: 9,
        type: 'approve-payment',
        actor: 'qian.caizheng',
        role: 'finance',
        details: expect.objectContaining({ releasedBy: 'chen.caizheng', approvedBy: 'qian.caizheng', installment: 0 }),
      }),
    ]);
  });

  it('refuses the user who prepared the release (403) and writes nothing', async () => {
    givenHouseholdAndPayment(funded(), paymentItem());

    const result = await approve('chen.caizheng');

    expect(result.status).toBe(403);
    expect((result.body.message as { en: string }).en).toMatch(/prepared a release cannot approve it/);
    expect(updates()).toHaveLength(0);
  });

  it('refuses a second approval with 409, whether seen on read or lost in a race', async () => {
    givenHouseholdAndPayment(funded(), paymentItem({ approvedBy: 'qian.caizheng', approvedAt: NOW.toISOString() }));
    const seen = await approve('qian.caizheng');
    expect(seen.status).toBe(409);
    expect(updates()).toHaveLength(0);

    resetMocks();
    givenHouseholdAndPayment(funded(), paymentItem());
    // The approval's condition on the ledger entry (third write of the transaction) fails: another approval won.
    ddbMock.on(TransactWriteCommand).rejects(transactionCanceled(2, 3));
    const raced = await approve('qian.caizheng');
    expect(raced.status).toBe(409);
  });

  it('refuses staff without the finance role or outside the county (403), and an unknown payment (404)', async () => {
    givenHouseholdAndPayment(funded(), paymentItem());
    expect((await approve('li.zhujian')).status).toBe(403);
    expect((await approve('he.zhujian')).status).toBe(403);
    expect(updates()).toHaveLength(0);

    resetMocks();
    givenHouseholdAndPayment(funded(), undefined);
    expect((await approve('qian.caizheng')).status).toBe(404);
  });

  it('answers an outsider 403 whether or not the installment was released, so it learns nothing of the ledger', async () => {
    givenHouseholdAndPayment(funded(), undefined);
    expect((await approve('li.zhujian')).status).toBe(403);
    expect((await approve('he.zhujian')).status).toBe(403);
    expect(updates()).toHaveLength(0);
  });
});

describe('GET /payments/batch', () => {
  it('writes the CSV of the approved payments due, from the sparse index, never a scan', async () => {
    ddbMock
      .on(QueryCommand, { IndexName: 'GSI2' })
      .resolves({ Items: [paymentItem({ approvedBy: 'qian.caizheng', county: '522327', GSI2PK: 'PAYDUE#522327' })] });
    ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'HH' } }).resolves({ Item: householdItem(funded()) });

    const response = await call({
      path: '/payments/batch',
      query: { county: '522327', date: DAY },
      user: 'chen.caizheng',
    });

    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toMatch(/^text\/csv/);
    const lines = String(response.body).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${HOUSEHOLD_ID}-00`);
    expect(lines[1]).toContain((firstAmount / 100).toFixed(2));
    const query = ddbMock.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query?.KeyConditionExpression).toBe('GSI2PK = :due AND begins_with(GSI2SK, :day)');
    expect(query?.ExpressionAttributeValues).toEqual({ ':due': 'PAYDUE#522327', ':day': `${DAY}#` });
  });

  it('refuses township staff and another county (403) and a bad date (400)', async () => {
    const township = await call({ path: '/payments/batch', query: { county: '522327' }, user: 'he.zhujian' });
    expect(township.statusCode).toBe(403);
    const other = await call({ path: '/payments/batch', query: { county: '522301' }, user: 'chen.caizheng' });
    expect(other.statusCode).toBe(403);
    const badDate = await call({
      path: '/payments/batch',
      query: { county: '522327', date: '2026-13-45' },
      user: 'chen.caizheng',
    });
    expect(badDate.statusCode).toBe(400);
  });
});

describe('POST /payments/results', () => {
  const postResults = (csv: string) =>
    call({
      method: 'POST',
      path: '/payments/results',
      query: { county: '522327' },
      body: csv,
      headers: { 'content-type': 'text/csv' },
      user: 'chen.caizheng',
    }).then((response) =>
      reply<{ paid: number; failed: number; ignored: { reference: string; line: number }[] }>(response),
    );

  const approved = (overrides: Record<string, unknown> = {}) =>
    paymentItem({ approvedBy: 'qian.caizheng', county: '522327', ...overrides });

  it('marks a payment paid once: a repeated line and an unknown reference are ignored and reported', async () => {
    givenHouseholdAndPayment(funded(), approved());
    const csv = [
      'reference,status,reason,paidAt',
      `${HOUSEHOLD_ID}-00,paid,,2026-03-03T01:00:00Z`,
      `${HOUSEHOLD_ID}-00,paid,,2026-03-03T01:00:00Z`,
      'nobody-00,paid,,2026-03-03T01:00:00Z',
    ].join('\r\n');

    const result = await postResults(csv);

    expect(result.status).toBe(200);
    expect(result.body.paid).toBe(1);
    expect(result.body.failed).toBe(0);
    expect(result.body.ignored.map((i) => i.line)).toEqual([3, 4]);
    const [update] = updates();
    expect(updates()).toHaveLength(1);
    expect(update?.ConditionExpression).toContain('#status = :released');
    expect(update?.UpdateExpression).toContain('REMOVE');
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':status': 'paid', ':reference': `${HOUSEHOLD_ID}-00` });
    expect(chainEvents()).toEqual([
      expect.objectContaining({
        type: 'bank-result',
        details: expect.objectContaining({ status: 'paid', attempt: 1 }),
      }),
    ]);
  });

  it('never changes a paid payment, and counts a lost race as ignored rather than paid twice', async () => {
    givenHouseholdAndPayment(funded(), approved({ status: 'paid' }));
    const again = await postResults(`reference,status,reason,paidAt\r\n${HOUSEHOLD_ID}-00,failed,closed,\r\n`);
    expect(again.body).toMatchObject({ paid: 0, failed: 0 });
    expect(updates()).toHaveLength(0);

    resetMocks();
    givenHouseholdAndPayment(funded(), approved());
    ddbMock.on(TransactWriteCommand).rejects(transactionCanceled(2, 3));
    const raced = await postResults(`reference,status,reason,paidAt\r\n${HOUSEHOLD_ID}-00,paid,,\r\n`);
    expect(raced.body).toMatchObject({ paid: 0, failed: 0 });
    expect(raced.body.ignored).toHaveLength(1);
  });

  it('ignores a result for a payment nobody approved yet', async () => {
    givenHouseholdAndPayment(funded(), paymentItem());

    const result = await postResults(`reference,status,reason,paidAt\r\n${HOUSEHOLD_ID}-00,paid,,\r\n`);

    expect(result.body).toMatchObject({ paid: 0, ignored: [{ reference: `${HOUSEHOLD_ID}-00`, line: 2 }] });
    expect(updates()).toHaveLength(0);
  });

  it('answers 400 naming the bad lines of a malformed file, and for an empty body', async () => {
    const bad = await postResults('reference,status\r\nx-00,maybe\r\n');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('lines.2');
    expect((await postResults('')).status).toBe(400);
  });

  it('records a failure, and a retry sends it again under the same reference', async () => {
    givenHouseholdAndPayment(funded(), approved());
    const failed = await postResults(`reference,status,reason,paidAt\r\n${HOUSEHOLD_ID}-00,failed,account closed,\r\n`);
    expect(failed.body).toMatchObject({ failed: 1 });
    expect(updates()[0]?.ExpressionAttributeValues).toMatchObject({ ':status': 'failed', ':reason': 'account closed' });

    resetMocks();
    givenHouseholdAndPayment(funded(), approved({ status: 'failed', failureReason: 'account closed' }));
    const retried = reply(
      await call({
        method: 'POST',
        path: `/payments/${HOUSEHOLD_ID}/0/retry`,
        pathParameters: { householdId: HOUSEHOLD_ID, installment: '0' },
        user: 'chen.caizheng',
      }),
    );
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'released', reference: `${HOUSEHOLD_ID}-00`, attempts: 2 });
    expect(updates()[0]?.ConditionExpression).toContain('#status = :failed');
    expect(updates()[0]?.ExpressionAttributeValues).toMatchObject({ ':due': 'PAYDUE#522327' });
    expect(chainEvents()).toEqual([
      expect.objectContaining({ type: 'retry-payment', details: expect.objectContaining({ attempt: 2 }) }),
    ]);
  });
});

describe('GET /reports/funds', () => {
  /** The county's households: one of the program reported on, one of another program of the county. */
  function givenCounty(payments: Record<string, unknown>[]) {
    const otherProgram = { ...funded(), householdId: 'hh-other', programId: 'ceheng-2026', approvedSubsidy: 1_000_000 };
    ddbMock
      .on(QueryCommand, { IndexName: 'GSI1' })
      .resolves({ Items: [householdItem(funded()), householdItem(otherProgram)] });
    ddbMock.on(QueryCommand, { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :pay)' }).resolves({
      Items: payments,
    });
    ddbMock
      .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
      .resolves({ Item: programItem() });
  }

  it('adds up to the cent by source, township and in total', async () => {
    givenCounty([paymentItem({ status: 'paid', approvedBy: 'qian.caizheng' })]);

    const result = reply<{
      total: Record<string, number>;
      bySource: { source: string; planned: number; released: number; paid: number }[];
      byTownship: { township: string; planned: number; paid: number }[];
      mismatches: unknown[];
      programId: string;
    }>(
      await call({
        path: '/reports/funds',
        query: { county: '522327', program: demoProgram.programId },
        user: 'liu.shenji',
      }),
    );

    expect(result.status).toBe(200);
    // Only the households of the program asked for: the other program's subsidy is not in it.
    expect(result.body.programId).toBe(demoProgram.programId);
    expect(result.body.total).toEqual({
      planned: SUBSIDY,
      released: firstAmount,
      paid: firstAmount,
      pending: 0,
      failed: 0,
      wan: {
        planned: '3.50',
        released: (firstAmount / 1_000_000).toFixed(2),
        paid: (firstAmount / 1_000_000).toFixed(2),
        pending: '0.00',
        failed: '0.00',
      },
    });
    const sum = (key: 'planned' | 'released' | 'paid') => result.body.bySource.reduce((s, line) => s + line[key], 0);
    expect(sum('planned')).toBe(SUBSIDY);
    expect(sum('paid')).toBe(firstAmount);
    expect(result.body.bySource.find((line) => line.source === 'county')?.planned).toBe(plan.sourceTotals.county);
    expect(result.body.byTownship).toEqual([expect.objectContaining({ township: '522327100', planned: SUBSIDY })]);
    expect(result.body.mismatches).toEqual([]);
  });

  it('exports the disclosure as CSV with masked ID number and account', async () => {
    givenCounty([paymentItem({ status: 'paid' })]);
    const h = funded();

    const response = await call({
      path: '/reports/funds',
      query: { county: '522327', program: demoProgram.programId, format: 'csv' },
      user: 'chen.caizheng',
    });

    expect(response.statusCode).toBe(200);
    const csv = String(response.body);
    expect(csv).toContain(h.head.name);
    expect(csv).not.toContain(h.head.idNumber);
    expect(csv).not.toContain(String(h.bankAccount));
    expect(csv).toContain(`${(firstAmount / 100).toFixed(2)},1/4`);
  });

  it('states money in 万元 in the workbook, with the allocated money by source', async () => {
    givenCounty([paymentItem({ status: 'paid', approvedBy: 'qian.caizheng' })]);
    const response = await call({
      path: '/reports/funds',
      query: { county: '522327', program: demoProgram.programId, format: 'xlsx' },
      user: 'liu.shenji',
    });
    expect(response.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(String(response.body), 'base64') as unknown as ArrayBuffer);
    const bySource = workbook.getWorksheet('资金来源');
    // Titled with the county's name, generated at a China time (never a UTC ISO instant).
    expect(String(bySource?.getRow(1).getCell(1).value)).toMatch(/^册亨县 .*资金报表（按来源）$/);
    expect(String(bySource?.getRow(1).getCell(2).value)).toMatch(
      /^生成时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）$/,
    );
    expect(bySource?.getRow(2).values).toContain('核定补助(万元)');
    const total = bySource?.getRow(bySource?.rowCount ?? 0).values as unknown[];
    expect(total).toContain('合计');
    expect(total).toContain(3.5);
    expect(workbook.getWorksheet('下达资金')).toBeDefined();
  });

  it('asks which program when the county has several and none is named', async () => {
    givenCounty([]);
    ddbMock.on(QueryCommand, { IndexName: 'GSI1', ExpressionAttributeValues: { ':pk': 'PROGRAMS#522327' } }).resolves({
      Items: [programItem({ ...demoProgram, programId: 'ceheng-2026', year: 2026 }), programItem()],
    });
    const response = await call({ path: '/reports/funds', query: { county: '522327' }, user: 'liu.shenji' });
    expect(response.statusCode).toBe(400);
    expect(String(response.body)).toContain('ceheng-2026');
  });

  it('is refused to township staff (403)', async () => {
    const response = await call({ path: '/reports/funds', query: { county: '522327' }, user: 'he.zhujian' });
    expect(response.statusCode).toBe(403);
  });
});

describe('release-installment prepares a payment only when canRelease allows it', () => {
  function givenRelease(h: Household, extra: Record<string, unknown>[]) {
    givenFile([
      householdItem(h),
      openTaskItem('installment-release', { role: 'finance', jurisdiction: '522327' }),
      ...extra,
    ]);
    ddbMock
      .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
      .resolves({ Item: programItem() });
    ddbMock.on(TransactWriteCommand).resolves({});
    ddbMock.on(DeleteCommand).resolves({});
    sfnMock.on(SendTaskSuccessCommand).resolves({});
  }
  const release = (installment: number) =>
    actions(
      apiEvent({
        method: 'POST',
        path: `/households/${HOUSEHOLD_ID}/actions/release-installment`,
        pathParameters: { id: HOUSEHOLD_ID, action: 'release-installment' },
        body: { ...exampleActionBody('release-installment', 8), installment },
        user: 'chen.caizheng',
      }),
      context,
    ).then((response) => reply(response));
  const inspection = (result: 'pass' | 'fail', round: number) => ({
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: `INSP#01#${String(round).padStart(2, '0')}`,
    householdId: HOUSEHOLD_ID,
    milestone: 'foundation',
    round,
    inspector: 'luo.zhijian',
    date: '2026-02-20',
    checklist: {},
    result,
    photoIds: [],
  });
  const atSecondRelease = () => funded({ phase: 'installment-release', nextInstallment: 1 });

  it('refuses the foundation installment while the latest foundation inspection failed (409)', async () => {
    givenRelease(atSecondRelease(), [paymentItem(), inspection('pass', 1), inspection('fail', 2)]);

    const result = await release(1);

    expect(result.status).toBe(409);
    expect((result.body.message as { en: string }).en).toMatch(/needs a passed inspection: Foundation/);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('puts the second ledger entry with the planned amount once the foundation passed', async () => {
    givenRelease(atSecondRelease(), [paymentItem(), inspection('pass', 1)]);

    const result = await release(1);

    expect(result.status).toBe(200);
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    const put = items.find((item) => String(item.Put?.Item?.SK) === 'PAY#01')?.Put;
    expect(put?.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(put?.Item).toMatchObject({ amount: plan.installments[1]?.amount, releasedBy: 'chen.caizheng' });
    // Waiting for its second signature in the county's list, naming its household.
    expect(put?.Item).toMatchObject({
      GSI1PK: 'PAYAPPROVE#522327',
      GSI1SK: `${NOW.toISOString()}#${HOUSEHOLD_ID}#01`,
      headName: household().head.name,
      villageCode: household().villageCode,
      county: '522327',
    });
  });
});

describe('GET /payments?status=', () => {
  const list = (user: string, query: Record<string, string>) =>
    call({ path: '/payments', query, user }).then((response) => reply(response));

  it('pages the county list awaiting approval from its sparse index, with names, labels and the totals of all', async () => {
    const awaiting = [0, 1].map((installment) =>
      paymentItem({
        SK: `PAY#0${installment}`,
        installment,
        amount: plan.installments[installment]?.amount,
        headName: household().head.name,
        villageCode: household().villageCode,
        programId: demoProgram.programId,
        GSI1PK: 'PAYAPPROVE#522327',
      }),
    );
    ddbMock.on(QueryCommand).resolves({ Items: awaiting.slice(0, 1), LastEvaluatedKey: { PK: 'x', SK: 'y' } });
    ddbMock
      .on(QueryCommand, { ProjectionExpression: '#amount' })
      .resolves({ Items: awaiting.map((item) => ({ amount: item.amount })) });
    ddbMock.on(GetCommand).resolves({ Item: programItem() });

    const page = await list('qian.caizheng', { status: 'awaiting-approval', limit: '1' });

    expect(page.status).toBe(200);
    const queries = ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(
      queries.every((q) => q.IndexName === 'GSI1' && q.ExpressionAttributeValues?.[':pk'] === 'PAYAPPROVE#522327'),
    ).toBe(true);
    expect(page.body).toMatchObject({
      county: '522327',
      status: 'awaiting-approval',
      totals: { count: 2, amount: (plan.installments[0]?.amount ?? 0) + (plan.installments[1]?.amount ?? 0) },
      items: [{ installment: 0, headName: household().head.name, label: demoProgram.installments[0]?.label }],
    });
    expect(typeof page.body.cursor).toBe('string');
  });

  it('lists the approved payments waiting for the bank from their own partition', async () => {
    ddbMock.on(QueryCommand).resolves({ Items: [] });

    const page = await list('qian.caizheng', { county: '522327', status: 'awaiting-bank' });

    expect(page.status).toBe(200);
    expect(ddbMock.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'GSI2',
      ExpressionAttributeValues: { ':pk': 'PAYDUE#522327' },
    });
  });

  it('is for county finance staff of the county only (403), and knows only its states (400)', async () => {
    ddbMock.on(QueryCommand).resolves({ Items: [] });

    expect((await list('zhang.minzheng', { status: 'awaiting-approval' })).status).toBe(403);
    expect((await list('qian.caizheng', { county: '110101', status: 'awaiting-approval' })).status).toBe(403);
    expect((await list('qian.caizheng', { status: 'paid' })).status).toBe(400);
  });
});

describe('the bank simulator', () => {
  it('answers a batch with a result file the import reads, failing every n-th line when asked', () => {
    const batch = `\uFEFF户编号,户主姓名,身份证号（脱敏）,银行账号,金额（元）,业务参考号\r\na,甲,x,6217990000001,1.00,a-00\r\nb,乙,y,6217990000002,2.00,b-00\r\n`;

    const results = parseBankResultCsv(simulateBank(batch, { failEvery: 2, paidAt: '2026-03-03T01:00:00Z' }));

    expect(results.map((r) => [r.reference, r.status])).toEqual([
      ['a-00', 'paid'],
      ['b-00', 'failed'],
    ]);
    expect(results[0]?.paidAt).toBe('2026-03-03T01:00:00Z');
  });
});
