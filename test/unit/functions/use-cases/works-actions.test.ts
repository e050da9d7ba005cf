/**
 * The actions that record where the works stand (the year-end report's facts): the agreement's
 * dates and money, 主体完工 at the main-structure inspection, 正在装修 at a decoration-stage
 * supervision visit, 竣工 at a passed acceptance, 入住 after it (also on an archived file); and the
 * rules of the program that decide them: its grade scheme and the plan of the household's mode.
 */
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoProgram, exampleActionBody } from '../../../../contract/examples';
import { type Household, ProgramConfig } from '../../../../domain/model';
import { handlerWith } from '../../../../functions/api/actions';
import { apiEvent, context, reply } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, NOW, openTaskItem, programItem } from '../support/fixtures';
import { ddbMock, givenFile, sfnMock, withMocksAtFixedTime } from '../support/mocks';

const handler = handlerWith(testDependencies());

/** The demo program with a repair plan of its own (advance, then acceptance: no foundation, no main structure). */
const program = ProgramConfig.parse({
  ...demoProgram,
  installmentsByMode: {
    repair: [
      { milestone: 'agreement', label: '开工预拨', percent: 50 },
      { milestone: 'acceptance', label: '竣工验收', percent: 50 },
    ],
  },
  minBuildDays: { rebuild: 74 },
});

/** The same program in the seed's grade scheme (一 / 二 / 三级危房). */
const levelsProgram = ProgramConfig.parse({
  ...demoProgram,
  gradeScheme: 'levels',
  subsidyTiers: demoProgram.subsidyTiers.map((tier) => ({
    ...tier,
    grade: tier.grade === 'D' ? 'level-1' : 'level-2',
  })),
});

type TransactItem = {
  Put?: { Item: Record<string, unknown> };
  Update?: {
    UpdateExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  };
};

function transactItems(): TransactItem[] {
  const call = ddbMock.commandCalls(TransactWriteCommand)[0];
  return (call?.args[0].input.TransactItems ?? []) as TransactItem[];
}

const storedHousehold = () => transactItems()[0]?.Put?.Item as Household | undefined;

/** The counter cells the transaction ADDs: name -> amount. */
function counterDelta(): Record<string, number> {
  const update = transactItems().find((item) => item.Update?.UpdateExpression.includes(' ADD '))?.Update;
  const delta: Record<string, number> = {};
  for (const [placeholder, name] of Object.entries(update?.ExpressionAttributeNames ?? {})) {
    const value = update?.ExpressionAttributeValues[placeholder.replace('#', ':')];
    if (typeof value === 'number') delta[name] = value;
  }
  return delta;
}

function given(
  h: Household,
  config: ProgramConfig,
  task?: Record<string, unknown>,
  extra: Record<string, unknown>[] = [],
) {
  givenFile([householdItem(h), ...(task ? [task] : []), ...extra]);
  ddbMock
    .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
    .resolves({ Item: programItem(config) });
  ddbMock.on(TransactWriteCommand).resolves({});
  ddbMock.on(DeleteCommand).resolves({});
  sfnMock.on(SendTaskSuccessCommand).resolves({});
}

function photo(photoId: string, step: string, kind: string) {
  return {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: `PHOTO#${photoId}`,
    householdId: HOUSEHOLD_ID,
    photoId,
    step,
    kind,
    contentType: 'image/jpeg',
    size: 100,
    sha256: 'a'.repeat(64),
    status: 'confirmed',
    flags: [],
  };
}

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

const funded = {
  grade: 'D' as const,
  approvedSubsidy: 3_500_000,
  mode: 'rebuild' as const,
  noticeStartsAt: '2026-01-05T02:00:00.000Z',
};

describe('the actions that record where the works stand', () => {
  withMocksAtFixedTime(NOW);

  it('keeps the agreement dates, own funds and loan on the household', async () => {
    given(household({ phase: 'agreement', version: 6, ...funded }), program, openTaskItem('agreement'));

    const body = exampleActionBody('sign-agreement', 6);
    const result = await act('sign-agreement', body, 'he.zhujian');

    expect(result.status).toBe(200);
    expect(storedHousehold()).toMatchObject({
      agreementSignedOn: body.signedOn,
      plannedStartOn: body.plannedStart,
      plannedFinishOn: body.plannedFinish,
      ownFunds: 800_000,
      bankLoan: 1_500_000,
    });
    // From now the household counts as building, with its money and a planned finish.
    expect(counterDelta()).toMatchObject({
      'g.d.rebuild.w.not-started': -1,
      'g.d.rebuild.w.building': 1,
      'g.d.rebuild.own': 800_000,
      'g.d.rebuild.loan': 1_500_000,
      [`due.${body.plannedFinish}`]: 1,
    });
  });

  it('records 主体完工 when the main structure passes its inspection, and counts it', async () => {
    given(
      household({
        phase: 'milestone-inspection',
        version: 10,
        nextInstallment: 2,
        agreementSignedOn: '2026-01-10',
        ...funded,
      }),
      program,
      openTaskItem('milestone-inspection', { role: 'inspector' }),
      [photo('ph-during-1', 'milestone-inspection', 'during')],
    );
    const body = { ...exampleActionBody('inspect', 10), milestone: 'main-structure', date: '2026-03-01' };

    const result = await act('inspect', body, 'luo.zhijian');

    expect(result.status).toBe(200);
    expect(storedHousehold()?.works).toEqual({ mainStructureOn: '2026-03-01' });
    expect(counterDelta()).toMatchObject({
      'g.d.rebuild.w.building': -1,
      'g.d.rebuild.w.main-structure-finished': 1,
    });
  });

  it('records 正在装修 at the first supervision visit at the decoration stage, deciding nothing', async () => {
    given(
      household({
        phase: 'final-acceptance',
        version: 12,
        nextInstallment: 3,
        agreementSignedOn: '2026-01-10',
        works: { mainStructureOn: '2026-02-20' },
        ...funded,
      }),
      program,
    );
    const body = { ...exampleActionBody('supervise', 12), stage: 'decoration', date: '2026-03-01', photoIds: [] };

    const result = await act('supervise', body, 'he.zhujian');

    expect(result.status).toBe(200);
    expect(storedHousehold()).toMatchObject({
      phase: 'final-acceptance',
      works: { mainStructureOn: '2026-02-20', decorationStartedOn: '2026-03-01' },
    });
    expect(counterDelta()).toEqual({
      'g.d.rebuild.w.main-structure-finished': -1,
      'g.d.rebuild.w.decorating': 1,
    });
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('records 竣工 (and 入住 when the family lives there) at a passed acceptance, flagging a short build', async () => {
    given(
      household({
        phase: 'final-acceptance',
        version: 12,
        nextInstallment: 3,
        agreementSignedOn: '2026-01-10',
        plannedStartOn: '2026-01-10',
        works: { mainStructureOn: '2026-02-20', decorationStartedOn: '2026-02-25' },
        ...funded,
      }),
      program,
      openTaskItem('final-acceptance', { role: 'inspector' }),
      [
        photo('ph-after-1', 'final-acceptance', 'after'),
        photo('ph-after-head-1', 'final-acceptance', 'after-with-head'),
      ],
    );
    const body = { ...exampleActionBody('accept', 12), date: '2026-03-01', movedInOn: '2026-03-01' };

    const result = await act('accept', body, 'luo.zhijian');

    expect(result.status).toBe(200);
    expect(storedHousehold()?.works).toMatchObject({ acceptedOn: '2026-03-01', movedInOn: '2026-03-01' });
    expect(counterDelta()).toMatchObject({ 'g.d.rebuild.w.decorating': -1, 'g.d.rebuild.w.moved-in': 1 });
    // 50 days from the planned start: shorter than the program's 74.
    const event = transactItems()[1]?.Put?.Item;
    expect((event?.details as { flags?: string[] } | undefined)?.flags).toEqual(['build-period-too-short']);
  });

  it('records 入住 on an archived file after the acceptance, and refuses it before', async () => {
    const archived = household({
      phase: 'archived',
      version: 14,
      nextInstallment: 4,
      works: { mainStructureOn: '2026-02-10', acceptedOn: '2026-02-25' },
      ...funded,
    });
    given(archived, program);
    const moved = await act('move-in', { version: 14, movedInOn: '2026-03-01' }, 'zhang.minzheng');
    expect(moved.status).toBe(403);
    const result = await act('move-in', { version: 14, movedInOn: '2026-03-01' }, 'he.zhujian');
    expect(result.status).toBe(200);
    expect(storedHousehold()).toMatchObject({ phase: 'archived', works: { movedInOn: '2026-03-01' } });
    expect(counterDelta()).toEqual({ 'g.d.rebuild.w.completed': -1, 'g.d.rebuild.w.moved-in': 1 });

    ddbMock.reset();
    given(household({ phase: 'installment-release', version: 9, nextInstallment: 2, ...funded }), program);
    const early = await act('move-in', { version: 9, movedInOn: '2026-03-01' }, 'he.zhujian');
    expect(early.status).toBe(409);
    expect((early.body.message as { zh: string }).zh).toContain('竣工验收合格后才能登记入住');
  });
});

describe('the program decides the grade and the plan', () => {
  withMocksAtFixedTime(NOW);

  it('refuses a grade of the other scheme and qualifies a 二级危房 in the seed scheme', async () => {
    given(household({ phase: 'safety-appraisal', version: 1 }), levelsProgram, openTaskItem('safety-appraisal'));
    const refused = await act('appraise-safety', exampleActionBody('appraise-safety', 1), 'he.zhujian');
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('不能评定为D级');

    const qualified = await act(
      'appraise-safety',
      { ...exampleActionBody('appraise-safety', 1), grade: 'level-2' },
      'he.zhujian',
    );
    expect(qualified.status).toBe(200);
    expect(storedHousehold()).toMatchObject({ phase: 'village-appraisal', grade: 'level-2' });
  });

  it('pays a repair by its own plan: half at the agreement, then straight to the final acceptance', async () => {
    const repair = { ...funded, mode: 'repair' as const, approvedSubsidy: 1_000_000 };
    given(
      household({ phase: 'installment-release', version: 7, ...repair }),
      program,
      openTaskItem('installment-release'),
    );

    const result = await act('release-installment', exampleActionBody('release-installment', 7), 'chen.caizheng');

    expect(result.status).toBe(200);
    const payment = transactItems().find((item) => String(item.Put?.Item.SK).startsWith('PAY#'));
    expect(payment?.Put?.Item).toMatchObject({ installment: 0, amount: 500_000 });
    // No foundation or main-structure inspection for a repair.
    expect(storedHousehold()).toMatchObject({ nextInstallment: 1, phase: 'final-acceptance' });
  });

  it('asks a repair for the milestone of its own plan', async () => {
    const repair = { ...funded, mode: 'repair' as const };
    given(
      household({ phase: 'milestone-inspection', version: 8, nextInstallment: 1, ...repair }),
      program,
      openTaskItem('milestone-inspection', { role: 'inspector' }),
      [photo('ph-during-1', 'milestone-inspection', 'during')],
    );
    const result = await act('inspect', exampleActionBody('inspect', 8), 'luo.zhijian');
    expect(result.status).toBe(400);
    expect(JSON.stringify(result.body)).toContain('acceptance');
  });
});
