import { describe, expect, it } from 'vitest';
import { auditedChange } from '../../../../domain/rules/audit';
import { fileAfter, type HouseholdFile, type StoredPhoto, Task } from '../../../../functions/store';
import { HOUSEHOLD_ID, household, openTaskItem } from '../support/fixtures';

const AT = '2026-03-02T02:00:00.000Z';

function fileAt(overrides: Partial<HouseholdFile> = {}): HouseholdFile {
  return {
    household: household({ phase: 'milestone-inspection', version: 8, nextInstallment: 1 }),
    lastHash: 'a'.repeat(64),
    events: [],
    photos: [],
    payments: [],
    inspections: [],
    objections: [],
    ...overrides,
  };
}

const requested: StoredPhoto = {
  householdId: HOUSEHOLD_ID,
  photoId: 'ph-1',
  step: 'milestone-inspection',
  kind: 'during',
  contentType: 'image/jpeg',
  size: 1000,
  sha256: 'b'.repeat(64),
  status: 'requested',
  flags: [],
  objectKey: `photos/${HOUSEHOLD_ID}/milestone-inspection/ph-1`,
  requestedBy: 'luo.zhijian',
  requestedAt: AT,
};

describe('the file a change leaves (an action answers it without reading again)', () => {
  it('holds the household at its new version, the event, the decided task and the records written', () => {
    // Prepare
    const file = fileAt({
      task: Task.parse(openTaskItem('milestone-inspection')),
      photos: [requested],
    });
    const { after, event } = auditedChange(file, {
      at: AT,
      actor: 'luo.zhijian',
      role: 'inspector',
      type: 'inspect',
      toPhase: 'installment-release',
      details: {},
    });
    const inspection = {
      householdId: HOUSEHOLD_ID,
      milestone: 'foundation',
      round: 1,
      inspector: 'luo.zhijian',
      date: '2026-03-01',
      checklist: {},
      result: 'pass' as const,
      photoIds: ['ph-1'],
    };

    // Act
    const answered = fileAfter(file, {
      before: file.household,
      after,
      event,
      decision: {
        step: 'milestone-inspection',
        decision: { outcome: 'pass', next: 'installment-release' },
        decidedAt: AT,
        decidedBy: 'luo.zhijian',
      },
      records: [
        { kind: 'inspection', inspection, milestoneIndex: 1 },
        { kind: 'photo-confirmed', photo: { ...requested, status: 'confirmed', confirmedBy: 'luo.zhijian' } },
      ],
    });

    // Assess
    expect(answered.household).toMatchObject({ version: 9, phase: 'installment-release' });
    expect(answered.lastHash).toBe(event.hash);
    expect(answered.events).toEqual([event]);
    expect(answered.task).toMatchObject({ status: 'decided', decision: { outcome: 'pass' } });
    expect(answered.inspections).toEqual([inspection]);
    expect(answered.photos).toEqual([expect.objectContaining({ photoId: 'ph-1', status: 'confirmed' })]);
    // The file shows photos as the API does: without where the object lies or who confirmed it.
    expect(answered.photos[0]).not.toHaveProperty('objectKey');
    expect(answered.photos[0]).not.toHaveProperty('confirmedBy');
    // What was read is left as it was.
    expect(file.household.version).toBe(8);
    expect(file.inspections).toEqual([]);
  });

  it('replaces a resolved objection and adds a new one and a released payment', () => {
    const open = {
      objectionId: '000006',
      householdId: HOUSEHOLD_ID,
      objector: '韦某',
      reason: '收入不符',
      recordedBy: 'zhang.minzheng',
      at: AT,
      status: 'open' as const,
    };
    const file = fileAt({ objections: [open] });
    const { after, event } = auditedChange(file, { at: AT, actor: 'x', role: 'finance', type: 't', details: {} });
    const payment = {
      householdId: HOUSEHOLD_ID,
      installment: 1,
      amount: 500_000,
      status: 'released' as const,
      reference: `${HOUSEHOLD_ID}-01`,
      releasedBy: 'chen.caizheng',
      releasedAt: AT,
    };

    const answered = fileAfter(file, {
      before: file.household,
      after,
      event,
      records: [
        { kind: 'objection-resolved', objection: { ...open, status: 'dismissed' } },
        { kind: 'objection-recorded', objection: { ...open, objectionId: '000009' } },
        { kind: 'payment', payment },
        { kind: 'id-claim-released', idHash: 'c'.repeat(64) },
      ],
    });

    expect(answered.objections.map((o) => [o.objectionId, o.status])).toEqual([
      ['000006', 'dismissed'],
      ['000009', 'open'],
    ]);
    expect(answered.payments).toEqual([payment]);
    expect(answered.task).toBeUndefined();
  });
});
