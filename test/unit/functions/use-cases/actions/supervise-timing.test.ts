import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoProgram, exampleActionBody } from '../../../../../contract/examples';
import { AuditEvent, type Household } from '../../../../../domain/model';
import { GENESIS_HASH, verifyChain } from '../../../../../domain/rules/audit';
import { handlerWith } from '../../../../../functions/api/actions';
import { apiEvent, context, reply } from '../../support/api';
import { testDependencies } from '../../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, NOW, openTaskItem, programItem } from '../../support/fixtures';
import { ddbMock, givenFile, resetMocks, sfnMock, withMocksAtFixedTime } from '../../support/mocks';

const handler = handlerWith(testDependencies());

type TransactItem = {
  Put?: { Item: Record<string, unknown> };
  Update?: { Key: Record<string, unknown>; ExpressionAttributeValues: Record<string, unknown> };
};

function transactItems(): TransactItem[] {
  const call = ddbMock.commandCalls(TransactWriteCommand)[0];
  return (call?.args[0].input.TransactItems ?? []) as TransactItem[];
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

function photoItem(photoId: string, kind: string) {
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
    flags: [],
  };
}

function passedInspection(milestone: string, date: string, milestoneIndex: number) {
  return {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: `INSP#${String(milestoneIndex).padStart(2, '0')}#01`,
    householdId: HOUSEHOLD_ID,
    milestone,
    round: 1,
    inspector: 'luo.zhijian',
    date,
    checklist: { ok: true },
    result: 'pass',
    photoIds: ['ph-during-1'],
  };
}

function given(h: Household, task: Record<string, unknown> | undefined, extra: Record<string, unknown>[] = []) {
  givenFile([householdItem(h), ...(task ? [task] : []), ...extra]);
  ddbMock
    .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
    .resolves({ Item: programItem() });
  ddbMock.on(TransactWriteCommand).resolves({});
  ddbMock.on(DeleteCommand).resolves({});
  sfnMock.on(SendTaskSuccessCommand).resolves({});
}

const building = (overrides: Partial<Household> = {}) =>
  household({
    phase: 'milestone-inspection',
    version: 10,
    grade: 'D',
    approvedSubsidy: 3_500_000,
    nextInstallment: 2,
    ...overrides,
  });

describe('supervision visits (POST .../actions/supervise)', () => {
  withMocksAtFixedTime(NOW);

  it('records a hash-chained audit event and bumps the version without deciding the open task', async () => {
    // Prepare
    given(building(), openTaskItem('milestone-inspection'), [photoItem('ph-during-2', 'during')]);

    // Act
    const result = await act('supervise', exampleActionBody('supervise', 10), 'he.zhujian');

    // Assess
    expect(result.status).toBe(200);
    const items = transactItems();
    expect(items).toHaveLength(2);
    expect(items[0]?.Put?.Item).toMatchObject({ version: 11, phase: 'milestone-inspection' });
    const event = AuditEvent.parse(items[1]?.Put?.Item);
    expect(event).toMatchObject({
      seq: 11,
      type: 'supervise',
      role: 'construction',
      actor: 'he.zhujian',
      fromPhase: 'milestone-inspection',
      toPhase: 'milestone-inspection',
      details: { stage: 'walls-to-roof', progressPercent: 45, photoIds: ['ph-during-2'] },
    });
    expect(event.details.outcome).toBeUndefined();
    expect(event.prevHash).toBe(GENESIS_HASH);
    expect(verifyChain([event])).toEqual({ ok: true });
    expect(items.some((item) => String(item.Update?.Key.SK) === 'TASK')).toBe(false);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('is recorded by an inspector too, under the inspector role, and while a release is waiting', async () => {
    given(building({ phase: 'installment-release' }), undefined);

    const result = await act('supervise', { ...exampleActionBody('supervise', 10), photoIds: [] }, 'luo.zhijian');

    expect(result.status).toBe(200);
    expect(AuditEvent.parse(transactItems()[1]?.Put?.Item)).toMatchObject({ role: 'inspector' });
  });

  it('is refused outside construction (409), to other roles (403) and with photos not of this household (400)', async () => {
    given(building({ phase: 'agreement' }), openTaskItem('agreement'));
    expect((await act('supervise', exampleActionBody('supervise', 10), 'he.zhujian')).status).toBe(409);

    resetMocks();
    given(building(), openTaskItem('milestone-inspection'));
    expect((await act('supervise', exampleActionBody('supervise', 10), 'zhang.minzheng')).status).toBe(403);

    const foreign = await act('supervise', exampleActionBody('supervise', 10), 'he.zhujian');
    expect(foreign.status).toBe(400);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses a stage outside the list and a progress above 100 percent', async () => {
    given(building(), openTaskItem('milestone-inspection'));
    const body = { ...exampleActionBody('supervise', 10), stage: 'painting', progressPercent: 120 };

    const result = await act('supervise', body, 'he.zhujian');

    expect(result.status).toBe(400);
    const paths = (result.body as { fields: { path: string }[] }).fields.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['stage', 'progressPercent']));
  });
});

describe('milestone timing on inspections', () => {
  // A day after the inspections these tests record: a record is never dated ahead of today.
  withMocksAtFixedTime(new Date('2026-03-09T02:00:00.000Z'));

  const inspectMainStructure = (date: string) => ({
    ...exampleActionBody('inspect', 10),
    milestone: 'main-structure',
    date,
  });

  it('flags an inspection sooner after the previous passed milestone than the program allows, and still passes it', async () => {
    // Prepare: foundation passed on 2026-03-01; the program asks for 7 days between milestones.
    given(building(), openTaskItem('milestone-inspection'), [
      photoItem('ph-during-1', 'during'),
      passedInspection('foundation', '2026-03-01', 1),
    ]);

    // Act
    const result = await act('inspect', inspectMainStructure('2026-03-05'), 'luo.zhijian');

    // Assess
    expect(result.status).toBe(200);
    const items = transactItems();
    expect(items.find((item) => String(item.Put?.Item.SK).startsWith('INSP#02'))?.Put?.Item).toMatchObject({
      milestone: 'main-structure',
      result: 'pass',
      flags: ['stage-too-soon'],
    });
    expect(AuditEvent.parse(items[1]?.Put?.Item).details).toMatchObject({ flags: ['stage-too-soon'] });
    expect(items[2]?.Update?.ExpressionAttributeValues[':decision']).toMatchObject({ outcome: 'pass' });
  });

  it('records no flag once the minimum days have passed', async () => {
    given(building(), openTaskItem('milestone-inspection'), [
      photoItem('ph-during-1', 'during'),
      passedInspection('foundation', '2026-03-01', 1),
    ]);

    const result = await act('inspect', inspectMainStructure('2026-03-08'), 'luo.zhijian');

    expect(result.status).toBe(200);
    const inspection = transactItems().find((item) => String(item.Put?.Item.SK).startsWith('INSP#02'))?.Put?.Item;
    expect(inspection).toBeDefined();
    expect(inspection?.flags).toBeUndefined();
  });

  it('lists the flags of inspections and photos on the household file view', async () => {
    const flagged = { ...passedInspection('foundation', '2026-03-01', 1), flags: ['stage-too-soon'] };
    const photo = { ...photoItem('ph-during-1', 'during'), flags: ['gps-missing'] };
    given(building({ phase: 'installment-release' }), undefined, [photo, flagged]);

    const ok = await act(
      'supervise',
      { ...exampleActionBody('supervise', 10), photoIds: ['ph-during-1'] },
      'he.zhujian',
    );
    expect(ok.status).toBe(200);
    expect((ok.body as { flags: unknown[] }).flags).toEqual([
      { source: 'photo', ref: 'ph-during-1', flag: 'gps-missing' },
      { source: 'inspection', ref: 'foundation#1', flag: 'stage-too-soon' },
    ]);
  });
});
