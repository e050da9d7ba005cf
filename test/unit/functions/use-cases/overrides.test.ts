/**
 * `POST /households/{id}/overrides`: a second person lets a step held by a blocking flag go on,
 * and the grant is an event of the household's chain.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoProgram } from '../../../../contract/examples';
import type { Household, RaisedFlag } from '../../../../domain/model';
import { GENESIS_HASH, verifyChain } from '../../../../domain/rules/audit';
import { handlerWith } from '../../../../functions/api/actions';
import { apiEvent, context, reply } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, NOW, programItem } from '../support/fixtures';
import { ddbMock, givenFile, withMocksAtFixedTime } from '../support/mocks';

const handler = handlerWith(testDependencies());

withMocksAtFixedTime(NOW);

/** The foundation inspected a day after the agreement by the township inspector luo.zhijian. */
const tooSoon: RaisedFlag = {
  kind: 'stage-too-soon',
  subject: 'step',
  ref: 'foundation#1',
  raisedBy: 'luo.zhijian',
  raisedAt: '2026-03-01T02:00:00.000Z',
};
const atRelease = (more: Partial<Household> = {}) =>
  household({ phase: 'installment-release', version: 14, grade: 'D', nextInstallment: 1, flags: [tooSoon], ...more });

function given(h: Household) {
  givenFile([householdItem(h)]);
  // The default policy, where a stage too soon blocks (the demo program only warns).
  ddbMock
    .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
    .resolves({ Item: { ...programItem(), config: { ...demoProgram, flagPolicy: undefined } } });
  ddbMock.on(TransactWriteCommand).resolves({});
}

function grant(user: string, body: Record<string, unknown>) {
  return handler(
    apiEvent({
      method: 'POST',
      path: `/households/${HOUSEHOLD_ID}/overrides`,
      pathParameters: { id: HOUSEHOLD_ID },
      body: { version: 14, flag: 'stage-too-soon', reason: '县住建局现场核实基础已完工', ...body },
      user,
    }),
    context,
  ).then((response) => reply(response));
}

function written(): { household?: Record<string, unknown>; event?: Record<string, unknown> } {
  const items = (ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? []) as {
    Put?: { Item: Record<string, unknown> };
  }[];
  const puts = items.flatMap((item) => (item.Put ? [item.Put.Item] : []));
  return {
    household: puts.find((item) => item.SK === 'HH'),
    event: puts.find((item) => String(item.SK).startsWith('EV#')),
  };
}

describe('POST /households/{id}/overrides', () => {
  it('records the override on the household and as an override event of its chain', async () => {
    given(atRelease());

    const result = await grant('li.zhujian', {});

    expect(result.status).toBe(200);
    const { household: stored, event } = written();
    expect(stored?.version).toBe(15);
    expect(stored?.phase).toBe('installment-release');
    expect(stored?.overrides).toEqual([
      {
        flag: 'stage-too-soon',
        refs: ['foundation#1'],
        reason: '县住建局现场核实基础已完工',
        by: 'li.zhujian',
        role: 'construction',
        at: NOW.toISOString(),
      },
    ]);
    expect(event).toMatchObject({
      seq: 15,
      type: 'override',
      actor: 'li.zhujian',
      role: 'construction',
      fromPhase: 'installment-release',
      toPhase: 'installment-release',
      details: { flag: 'stage-too-soon', refs: ['foundation#1'], reason: '县住建局现场核实基础已完工' },
      prevHash: GENESIS_HASH,
    });
    const { PK: _pk, SK: _sk, entity: _entity, ...sealed } = event ?? {};
    expect(verifyChain([sealed as never]).ok).toBe(true);
  });

  it('refuses township staff and roles that never override, writing nothing', async () => {
    given(atRelease());
    // he.zhujian is construction staff of the household's own township.
    expect((await grant('he.zhujian', {})).status).toBe(403);
    expect((await grant('qian.caizheng', {})).status).toBe(403);
    expect((await grant('liu.shenji', {})).status).toBe(403);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('needs a second person: the one who recorded the flagged inspection cannot override it', async () => {
    given(atRelease({ flags: [{ ...tooSoon, raisedBy: 'zhao.zhijian' }] }));
    const result = await grant('zhao.zhijian', {});
    expect(result.status).toBe(403);
    expect((result.body.message as { en: string }).en).toContain('another county officer');
  });

  it('answers 409 for a stale version, a flag the file does not have, and a warning', async () => {
    given(atRelease({ flags: [tooSoon, { ...tooSoon, kind: 'gps-missing', subject: 'photo', ref: 'ph-1' }] }));
    expect((await grant('li.zhujian', { version: 13 })).status).toBe(409);
    expect((await grant('li.zhujian', { flag: 'gps-far' })).status).toBe(409);
    expect((await grant('li.zhujian', { flag: 'gps-missing' })).status).toBe(409);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers a household of another county as a missing one', async () => {
    given(atRelease({ county: '520123', township: '520123100' }));
    const outside = await grant('li.zhujian', {});
    givenFile([]);
    const missing = await grant('li.zhujian', {});
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual(missing.body);
  });

  it('refuses a body without a reason worth reading, in both languages', async () => {
    given(atRelease());
    const result = await grant('li.zhujian', { reason: '同意' });
    expect(result.status).toBe(400);
    const fields = result.body.fields as { path: string; message: { zh: string } }[];
    expect(fields[0]).toMatchObject({ path: 'reason' });
    expect(fields[0]?.message.zh).toContain('放行理由');
  });
});
