import { describe, expect, it } from 'vitest';
import { type EvidenceContext, evidenceFlags, FLAG_TITLES, stageTimingFlags } from '../../../domain/rules/evidence';

const photo = {
  householdId: 'hh-1',
  photoId: 'ph-1',
  step: 'milestone-inspection',
  sha256: 'a'.repeat(64),
  location: { lat: 26.5, lon: 107.5 },
};
const context: EvidenceContext = { sameHash: [], now: '2025-07-01T04:00:00.000Z', agreementSignedOn: '2025-05-06' };

describe('capture-time-outside-window', () => {
  it('flags a photo of the works taken before the agreement day (China time)', () => {
    // 2025-05-05 23:30 in Beijing is still the day before the agreement.
    const before = { ...photo, kind: 'during' as const, capturedAt: '2025-05-05T15:30:00.000Z' };
    expect(evidenceFlags(before, context)).toEqual(['capture-time-outside-window']);
    expect(evidenceFlags({ ...before, kind: 'after' }, context)).toEqual(['capture-time-outside-window']);
    expect(evidenceFlags({ ...before, kind: 'after-with-head' }, context)).toEqual(['capture-time-outside-window']);
  });

  it('accepts works photos from the agreement day on, and before-photos from any earlier day', () => {
    // 2025-05-06 00:10 in Beijing.
    const onTheDay = { ...photo, kind: 'during' as const, capturedAt: '2025-05-05T16:10:00.000Z' };
    expect(evidenceFlags(onTheDay, context)).toEqual([]);
    expect(evidenceFlags({ ...photo, kind: 'before', capturedAt: '2024-12-01T02:00:00.000Z' }, context)).toEqual([]);
  });

  it('cannot judge without an agreement, and keeps a time after the confirmation as capture-time-future', () => {
    const early = { ...photo, kind: 'during' as const, capturedAt: '2024-12-01T02:00:00.000Z' };
    expect(evidenceFlags(early, { ...context, agreementSignedOn: undefined })).toEqual([]);
    const future = { ...photo, kind: 'during' as const, capturedAt: '2025-07-02T04:00:00.000Z' };
    expect(evidenceFlags(future, context)).toEqual(['capture-time-future']);
  });

  it('has a readable title for every new flag', () => {
    expect(FLAG_TITLES['capture-time-outside-window'].zh).toContain('协议');
    expect(FLAG_TITLES['stage-too-soon'].en).toMatch(/sooner/);
  });
});

describe('stage-too-soon', () => {
  it('flags a milestone inspected fewer days after the previous passed one than the program allows', () => {
    const input = { previousPassedOn: '2025-06-02', minDaysBetweenMilestones: 7 };
    expect(stageTimingFlags({ ...input, inspectedOn: '2025-06-08' })).toEqual(['stage-too-soon']);
    expect(stageTimingFlags({ ...input, inspectedOn: '2025-06-02' })).toEqual(['stage-too-soon']);
    expect(stageTimingFlags({ ...input, inspectedOn: '2025-06-09' })).toEqual([]);
  });

  it('never flags the first milestone or a program without a minimum', () => {
    expect(stageTimingFlags({ inspectedOn: '2025-06-02', minDaysBetweenMilestones: 30 })).toEqual([]);
    expect(
      stageTimingFlags({ inspectedOn: '2025-06-02', previousPassedOn: '2025-06-02', minDaysBetweenMilestones: 0 }),
    ).toEqual([]);
  });
});
