/**
 * Dates and flags with consequences in the actions: a record dated ahead or out of order is refused;
 * a step relying on a blocking flag is held until another county officer overrides it; the dates of
 * an inspection raise their flags on the file.
 */
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoProgram, exampleActionBody } from '../../../../../contract/examples';
import type { Household, Override, RaisedFlag } from '../../../../../domain/model';
import { handlerWith } from '../../../../../functions/api/actions';
import { apiEvent, context, reply } from '../../support/api';
import { testDependencies } from '../../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, openTaskItem, programItem } from '../../support/fixtures';
import { ddbMock, givenFile, sfnMock, withMocksAtFixedTime } from '../../support/mocks';

const handler = handlerWith(testDependencies());
const NOW = new Date('2026-04-20T02:00:00.000Z');
const TODAY = '2026-04-20';

withMocksAtFixedTime(NOW);

function act(action: string, body: unknown, user: string) {
  return handler(
    apiEvent({
      method: 'POST',
      path: `/households/${HOUSEHOLD_ID}/actions/${action}`,
      pathParameters: { id: HOUSEHOLD_ID, action },
      body,
      user,
    }),
    context,
  ).then((response) => reply(response));
}

function writtenHousehold(): Record<string, unknown> | undefined {
  const items = (ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? []) as {
    Put?: { Item: Record<string, unknown> };
  }[];
  return items.find((item) => item.Put?.Item.SK === 'HH')?.Put?.Item;
}

function photoItem(photoId: string, kind: string, capturedAt = '2026-04-20T01:00:00.000Z', flags: string[] = []) {
  return {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: `PHOTO#${photoId}`,
    householdId: HOUSEHOLD_ID,
    photoId,
    step: 'milestone-inspection',
    kind,
    contentType: 'image/jpeg',
    size: 100,
    sha256: 'a'.repeat(64),
    status: 'confirmed',
    capturedAt,
    flags,
  };
}

const event = (seq: number, type: string, at: string, details: Record<string, unknown>) => ({
  PK: `HH#${HOUSEHOLD_ID}`,
  SK: `EV#${String(seq).padStart(6, '0')}`,
  householdId: HOUSEHOLD_ID,
  seq,
  at,
  actor: 'someone',
  role: 'construction',
  type,
  details,
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
});

/** The agreement signed 2026-04-10, after a notice that closed on 2026-04-09. */
const HISTORY = [
  event(8, 'close-notice', '2026-04-09T02:00:00.000Z', {}),
  event(9, 'sign-agreement', '2026-04-10T02:00:00.000Z', { signedOn: '2026-04-10', plannedStart: '2026-04-11' }),
];

function given(h: Household, extra: Record<string, unknown>[] = [], policy = demoProgram.flagPolicy) {
  givenFile([householdItem(h), openTaskItem(h.phase), ...HISTORY, ...extra]);
  ddbMock
    .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
    .resolves({ Item: { ...programItem(), config: { ...demoProgram, flagPolicy: policy } } });
  ddbMock.on(TransactWriteCommand).resolves({});
  ddbMock.on(DeleteCommand).resolves({});
  sfnMock.on(SendTaskSuccessCommand).resolves({});
}

const building = (overrides: Partial<Household> = {}) =>
  household({
    phase: 'milestone-inspection',
    version: 10,
    grade: 'D',
    mode: 'rebuild',
    approvedSubsidy: 3_500_000,
    nextInstallment: 1,
    agreementSignedOn: '2026-04-10',
    ...overrides,
  });

const inspectFoundation = (date = TODAY, photoIds = ['ph-during-1']) => ({
  ...exampleActionBody('inspect', 10, TODAY),
  milestone: 'foundation',
  date,
  photoIds,
});

describe('dates an action records', () => {
  it('refuses an inspection dated 30 days ahead, at its field, in both languages, and writes nothing', async () => {
    given(building(), [photoItem('ph-during-1', 'during')]);

    const result = await act('inspect', inspectFoundation('2026-05-20'), 'luo.zhijian');

    expect(result.status).toBe(400);
    const fields = result.body.fields as { path: string; message: { zh: string; en: string } }[];
    expect(fields).toEqual([
      { path: 'date', message: expect.objectContaining({ zh: expect.stringContaining('晚于今天') }) },
    ]);
    expect(fields[0]?.message.en).toContain('future');
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses an inspection dated before the agreement was signed', async () => {
    given(building(), [photoItem('ph-during-1', 'during')]);
    const result = await act('inspect', inspectFoundation('2026-04-05'), 'luo.zhijian');
    expect(result.status).toBe(400);
    expect((result.body.fields as { message: { zh: string } }[])[0]?.message.zh).toContain('签订改造协议');
  });

  it('refuses an agreement signed before the notice ended', async () => {
    const atAgreement = household({ phase: 'agreement', version: 9, grade: 'D', approvedSubsidy: 3_500_000 });
    givenFile([householdItem(atAgreement), openTaskItem('agreement'), HISTORY[0] as Record<string, unknown>]);
    ddbMock
      .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
      .resolves({ Item: programItem() });
    const body = {
      ...exampleActionBody('sign-agreement', 9, TODAY),
      signedOn: '2026-04-08',
      plannedStart: '2026-04-09',
    };
    const result = await act('sign-agreement', body, 'he.zhujian');
    expect(result.status).toBe(400);
    expect((result.body.fields as { path: string }[])[0]?.path).toBe('signedOn');
  });
});

describe('flags raised by an inspection', () => {
  it('puts the flags of a passed inspection on the file: too soon after the agreement, photos off the date', async () => {
    // Photos taken a fortnight before the typed date, and only two days after the agreement.
    given(building(), [photoItem('ph-during-1', 'during', '2026-04-05T02:00:00.000Z')], {});

    const result = await act('inspect', inspectFoundation('2026-04-12'), 'luo.zhijian');

    expect(result.status).toBe(200);
    const flags = writtenHousehold()?.flags as RaisedFlag[];
    expect(flags.map((f) => [f.kind, f.subject, f.ref, f.raisedBy])).toEqual([
      ['stage-too-soon', 'step', 'foundation#1', 'luo.zhijian'],
      ['capture-date-mismatch', 'step', 'foundation#1', 'luo.zhijian'],
    ]);
    expect(flags[1]?.note?.zh).toContain('ph-during-1');
  });

  it('raises nothing for an inspection on time with photos of the day', async () => {
    given(building(), [photoItem('ph-during-1', 'during')], {});
    expect((await act('inspect', inspectFoundation(), 'luo.zhijian')).status).toBe(200);
    expect(writtenHousehold()?.flags).toBeUndefined();
  });
});

describe('a step held by a blocking flag', () => {
  const tooSoon: RaisedFlag = {
    kind: 'stage-too-soon',
    subject: 'step',
    ref: 'foundation#1',
    raisedBy: 'luo.zhijian',
    raisedAt: '2026-04-12T02:00:00.000Z',
  };
  const atRelease = (more: Partial<Household> = {}) =>
    building({ phase: 'installment-release', version: 11, nextInstallment: 1, flags: [tooSoon], ...more });
  const release = () => ({ ...exampleActionBody('release-installment', 11, TODAY), installment: 1 });
  const foundationPassed = {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: 'INSP#01#01',
    householdId: HOUSEHOLD_ID,
    milestone: 'foundation',
    round: 1,
    inspector: 'luo.zhijian',
    date: '2026-04-12',
    checklist: { ok: true },
    result: 'pass',
    photoIds: ['ph-during-1'],
  };
  const advance = {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: 'PAY#00',
    householdId: HOUSEHOLD_ID,
    installment: 0,
    amount: 1_050_000,
    status: 'paid',
    reference: `${HOUSEHOLD_ID}-00`,
    releasedBy: 'chen.caizheng',
    releasedAt: '2026-04-10T02:00:00.000Z',
  };
  const override: Override = {
    flag: 'stage-too-soon',
    refs: ['foundation#1'],
    reason: '县住建局现场核实基础已完工',
    by: 'li.zhujian',
    role: 'construction',
    at: '2026-04-13T02:00:00.000Z',
  };

  it('holds the release under the default policy, naming the flag, and writes nothing', async () => {
    given(atRelease(), [foundationPassed, advance], {});

    const result = await act('release-installment', release(), 'chen.caizheng');

    expect(result.status).toBe(409);
    expect((result.body.message as { zh: string }).zh).toContain('距上一节点时间过短');
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('lets the release go on once another county officer overrode the flag', async () => {
    given(atRelease({ overrides: [override] }), [foundationPassed, advance], {});
    expect((await act('release-installment', release(), 'chen.caizheng')).status).toBe(200);
  });

  it('lets the flag pass when the program makes it a warning', async () => {
    given(atRelease(), [foundationPassed, advance], { 'stage-too-soon': 'warn' });
    expect((await act('release-installment', release(), 'chen.caizheng')).status).toBe(200);
  });

  it('holds an inspection citing a photo reused from another household, but not a failed one', async () => {
    const reused: RaisedFlag = {
      kind: 'near-duplicate-image',
      subject: 'photo',
      ref: 'ph-during-1',
      raisedBy: 'luo.zhijian',
      raisedAt: '2026-04-19T02:00:00.000Z',
      related: ['hh-other'],
    };
    given(building({ flags: [reused] }), [photoItem('ph-during-1', 'during', undefined, ['near-duplicate-image'])], {});
    const held = await act('inspect', inspectFoundation(), 'luo.zhijian');
    expect(held.status).toBe(409);
    expect((held.body.message as { en: string }).en).toContain('Nearly the same picture');
    const failed = {
      ...inspectFoundation(),
      result: 'fail',
      checklist: { 基础尺寸: false },
      rectification: { what: '重新拍摄', by: '2026-05-01' },
    };
    expect((await act('inspect', failed, 'luo.zhijian')).status).toBe(200);
  });
});
