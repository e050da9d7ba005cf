import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoProgram } from '../../../../contract/examples';
import type { Household } from '../../../../domain/model';
import { NOTICED_PHASES, noticeEntry } from '../../../../domain/public-notice';
import { handlerWith as noticesWith } from '../../../../functions/api/notices';
import { apiEvent, context, reply } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { household, householdItem, NOW, programItem } from '../support/fixtures';
import { ddbMock, withMocksAtFixedTime } from '../support/mocks';

const notices = noticesWith(testDependencies());

withMocksAtFixedTime(NOW);

const noticed = (overrides: Partial<Household>): Household =>
  household({
    phase: 'public-notice',
    grade: 'D',
    mode: 'rebuild',
    approvedSubsidy: 3_500_000,
    noticeStartsAt: '2026-02-20T00:00:00.000Z',
    noticeEndsAt: '2026-02-27T00:00:00.000Z',
    bankAccount: '6228480012345678901',
    ...overrides,
  });

type Query = {
  IndexName?: string;
  KeyConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, string>;
};

/** Index partitions answer with the given households; objection counts come from the household partition. */
function givenIndex(byPartition: Record<string, Household[]>, objections: Record<string, number> = {}): Query[] {
  const queries: Query[] = [];
  ddbMock.on(QueryCommand).callsFake((input: Query) => {
    queries.push(input);
    const values = input.ExpressionAttributeValues ?? {};
    if (input.IndexName === undefined) {
      return { Count: objections[(values[':pk'] ?? '').replace(/^HH#/, '')] ?? 0 };
    }
    return { Items: (byPartition[values[':pk'] ?? ''] ?? []).map((h) => householdItem(h)) };
  });
  ddbMock.on(GetCommand).resolves({ Item: programItem() });
  return queries;
}

type NoticeItems = { items: Record<string, unknown>[] };

describe('GET /notices', () => {
  it("lists a township's noticed households with masked ID numbers and no bank account, from one index query per phase", async () => {
    const a = noticed({ householdId: 'hh-a', villageCode: '522327100202' });
    const b = noticed({ householdId: 'hh-b', phase: 'agreement', villageCode: '522327100201' });
    const queries = givenIndex({ 'T#522327100#P#public-notice': [a], 'T#522327100#P#agreement': [b] }, { 'hh-a': 2 });

    const result = reply<NoticeItems>(await notices(apiEvent({ path: '/notices', user: 'he.zhujian' }), context));

    expect(result.status).toBe(200);
    expect(result.body.items.map((item) => item.householdId)).toEqual(['hh-b', 'hh-a']);
    const first = result.body.items[1];
    expect(first).toMatchObject({
      headName: a.head.name,
      idNumberMasked: `${a.head.idNumber.slice(0, 6)}********${a.head.idNumber.slice(-4)}`,
      village: '纳福村',
      township: demoProgram.townships[0]?.name,
      category: a.category,
      grade: 'D',
      mode: 'rebuild',
      subsidyFen: 3_500_000,
      noticeStartsAt: '2026-02-20T00:00:00.000Z',
      noticeEndsAt: '2026-02-27T00:00:00.000Z',
      objections: 2,
    });
    const text = JSON.stringify(result.body);
    expect(text).not.toContain(a.head.idNumber);
    expect(text).not.toContain('6228480012345678901');
    const indexQueries = queries.filter((q) => q.IndexName !== undefined);
    expect(indexQueries.map((q) => q.IndexName)).toEqual(NOTICED_PHASES.map(() => 'GSI4'));
    expect(indexQueries.map((q) => q.ExpressionAttributeValues?.[':pk'])).toEqual(
      NOTICED_PHASES.map((phase) => `T#522327100#P#${phase}`),
    );
    expect(ddbMock.commandCalls(QueryCommand).length).toBe(NOTICED_PHASES.length + 2);
  });

  it('keeps only the asked village, and reads a county through GSI2', async () => {
    const a = noticed({ householdId: 'hh-a', villageCode: '522327100202' });
    const b = noticed({ householdId: 'hh-b', villageCode: '522327100201' });
    givenIndex({ 'T#522327100#P#public-notice': [a, b] });

    const village = reply<NoticeItems>(
      await notices(apiEvent({ path: '/notices', query: { village: '522327100201' }, user: 'he.zhujian' }), context),
    );
    expect(village.body.items.map((item) => item.householdId)).toEqual(['hh-b']);

    const queries = givenIndex({ 'C#522327#P#public-notice': [a] });
    const county = reply<NoticeItems>(
      await notices(apiEvent({ path: '/notices', query: { county: '522327' }, user: 'wang.minzheng' }), context),
    );
    expect(county.body.items.map((item) => item.householdId)).toEqual(['hh-a']);
    expect(new Set(queries.filter((q) => q.IndexName).map((q) => q.IndexName))).toEqual(new Set(['GSI2']));
  });

  it('refuses another county or township with 403 and reads nothing', async () => {
    givenIndex({});
    const otherCounty = reply(
      await notices(apiEvent({ path: '/notices', query: { county: '522328' }, user: 'wang.minzheng' }), context),
    );
    const otherTownship = reply(
      await notices(apiEvent({ path: '/notices', query: { township: '522327101' }, user: 'he.zhujian' }), context),
    );
    const otherVillage = reply(
      await notices(apiEvent({ path: '/notices', query: { village: '522327101201' }, user: 'he.zhujian' }), context),
    );

    expect([otherCounty.status, otherTownship.status, otherVillage.status]).toEqual([403, 403, 403]);
    expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('answers 400 with field messages for a malformed code or a village outside the township', async () => {
    givenIndex({});
    const malformed = reply<{ fields: { path: string }[] }>(
      await notices(apiEvent({ path: '/notices', query: { village: '5223' }, user: 'wang.minzheng' }), context),
    );
    const mismatch = reply<{ fields: { path: string; message: { zh: string; en: string } }[] }>(
      await notices(
        apiEvent({
          path: '/notices',
          query: { township: '522327100', village: '522327101201' },
          user: 'wang.minzheng',
        }),
        context,
      ),
    );

    expect(malformed.status).toBe(400);
    expect(malformed.body.fields.map((f) => f.path)).toEqual(['village']);
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.fields[0]).toMatchObject({ path: 'village', message: { zh: expect.any(String) } });
    expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe('noticeEntry', () => {
  it('derives the start from the program for households approved before it was stored, and falls back to codes', () => {
    const h = noticed({ noticeStartsAt: undefined, noticeEndsAt: '2026-02-27T00:00:00.000Z' });

    expect(noticeEntry(h, demoProgram, 0).noticeStartsAt).toBe(
      new Date(Date.parse('2026-02-27T00:00:00.000Z') - demoProgram.noticeDays * 86_400_000).toISOString(),
    );
    const unnamed = noticeEntry(h, undefined, 0);
    expect(unnamed).toMatchObject({ noticeStartsAt: null, village: h.villageCode, township: h.township });
  });
});
