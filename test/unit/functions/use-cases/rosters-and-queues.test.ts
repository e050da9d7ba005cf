/**
 * Outside rosters through `POST /rosters` (who may import, what is kept, what is refused), and the flags a work
 * queue shows for each household.
 */
import { BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoIdNumber, demoProgram } from '../../../../contract/examples';
import { hashIdNumber } from '../../../../domain/rules/idNumber';
import { handlerWith as programsWith } from '../../../../functions/api/programs';
import { handlerWith as tasksWith } from '../../../../functions/api/tasks';
import { apiEvent, context, reply } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, NOW, openTaskItem, programItem } from '../support/fixtures';
import { ddbMock, withMocksAtFixedTime } from '../support/mocks';

const programs = programsWith(testDependencies());
const tasks = tasksWith(testDependencies());

withMocksAtFixedTime(NOW);

const PERSON = demoIdNumber(77_001);
const roster = (overrides: Record<string, unknown> = {}) => ({
  county: demoProgram.county.code,
  kind: 'relocation',
  year: 2019,
  title: '易地扶贫搬迁名单',
  rows: [
    { 姓名: '王五', 身份证号: PERSON },
    { 姓名: '', 身份证号: demoIdNumber(77_002) },
  ],
  ...overrides,
});

const post = (user: string, body: unknown) =>
  programs(apiEvent({ method: 'POST', path: '/rosters', body, user }), context).then((r) => reply(r));

describe('POST /rosters', () => {
  it('keeps each good row as a hashed entry beside the persons’ claims and reports the bad ones', async () => {
    ddbMock.on(PutCommand).resolves({});
    const result = await post('wang.minzheng', roster());

    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ kind: 'relocation', entries: 1, rejectedRows: 1, importedBy: 'wang.minzheng' });
    expect((result.body.errors as { line: number }[]).map((e) => e.line)).toEqual([3]);
    const header = ddbMock.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(header).toMatchObject({ entity: 'roster', GSI1PK: `ROSTERS#${demoProgram.county.code}` });
    const batch = ddbMock.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems ?? {};
    const entries = Object.values(batch)
      .flat()
      .map((request) => request.PutRequest?.Item);
    expect(entries).toEqual([
      expect.objectContaining({
        PK: `IDN#${hashIdNumber(PERSON)}`,
        kind: 'relocation',
        maskedId: expect.stringContaining('****'),
      }),
    ]);
    expect(JSON.stringify(entries)).not.toContain(PERSON);
  });

  it('refuses township staff and other roles (403), and a sheet without one good row (400)', async () => {
    expect((await post('zhang.minzheng', roster())).status).toBe(403);
    expect((await post('chen.caizheng', roster())).status).toBe(403);
    expect((await post('liu.shenji', roster())).status).toBe(403);
    expect(ddbMock.commandCalls(BatchWriteCommand)).toHaveLength(0);
    const none = await post('wang.minzheng', roster({ rows: [{ 姓名: '王五', 身份证号: '12345' }] }));
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain('第2行');
  });
});

describe('GET /tasks shows the flags of each household', () => {
  it('summarizes the household’s flags under its program’s policy, and its money status', async () => {
    const flagged = household({
      phase: 'township-review',
      version: 3,
      flags: [
        { kind: 'person-already-claimed', subject: 'household', ref: 'household', raisedAt: NOW.toISOString() },
        { kind: 'gps-missing', subject: 'photo', ref: 'ph-1', raisedAt: NOW.toISOString() },
      ],
    });
    ddbMock.on(QueryCommand, { IndexName: 'GSI1' }).resolves({
      Items: [{ ...openTaskItem('township-review'), GSI1PK: 'Q#522327100#township-review' }],
    });
    ddbMock.on(BatchGetCommand).resolves({ Responses: { 'anju-test': [householdItem(flagged)] } });
    ddbMock
      .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
      .resolves({ Item: programItem() });

    const result = reply<{ items: { householdId: string; flags?: unknown }[] }>(
      await tasks(apiEvent({ path: '/tasks', user: 'he.zhujian' }), context),
    );

    expect(result.status).toBe(200);
    expect(result.body.items.find((task) => task.householdId === HOUSEHOLD_ID)?.flags).toEqual({
      kinds: ['gps-missing', 'person-already-claimed'],
      blocking: 1,
      warnings: 1,
      overridden: 0,
    });
  });
});
