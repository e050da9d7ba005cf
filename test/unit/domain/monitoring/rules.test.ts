import { describe, expect, it } from 'vitest';
import {
  addMonths,
  assertClosable,
  assertMeasureMayBeChosen,
  checkFlags,
  followUpVisits,
  isOnTime,
  isUnsafe,
  isVisitOpenOn,
  monthBounds,
  monthOf,
} from '../../../../domain/monitoring/rules';

describe('what a check finds', () => {
  it('calls only an own house graded C or D unsafe', () => {
    expect(isUnsafe({ housingType: 'own-house', grade: 'C' })).toBe(true);
    expect(isUnsafe({ housingType: 'own-house', grade: 'D' })).toBe(true);
    expect(isUnsafe({ housingType: 'own-house', grade: 'B' })).toBe(false);
    expect(isUnsafe({ housingType: 'other-safe-housing' })).toBe(false);
  });

  it('is on time when recorded on or before its due day in China', () => {
    // 23:30 UTC on the 19th is already the 20th in Beijing.
    expect(isOnTime('2026-05-19T23:30:00.000Z', '2026-05-20')).toBe(true);
    expect(isOnTime('2026-05-20T16:30:00.000Z', '2026-05-20')).toBe(false);
  });

  const graded = (grade: 'A' | 'B' | 'C' | 'D') => ({
    grade,
    housingType: 'own-house' as const,
    appraisedOn: '2026-04-10',
    kind: 'monthly' as const,
    month: '2026-04',
    by: 'he.zhujian',
  });

  it('flags a grade better than before when no renovation or closing came in between', () => {
    const household = { grades: [graded('D')], renovations: [] };
    expect(checkFlags(household, [], { housingType: 'own-house', grade: 'B', photoIds: ['p'] })).toEqual([
      'grade-improved-without-works',
    ]);
    const renovated = {
      grades: [graded('D')],
      renovations: [{ householdId: 'h', programId: 'p', acceptedOn: '2026-04-30', archivedAt: '2026-05-01T00:00:00Z' }],
    };
    expect(checkFlags(renovated, [], { housingType: 'own-house', grade: 'A', photoIds: ['p'] })).toEqual([]);
  });

  it('flags a housing type that flips since the last check', () => {
    expect(
      checkFlags({ grades: [graded('B')], renovations: [] }, [], {
        housingType: 'other-safe-housing',
        photoIds: ['p'],
      }),
    ).toEqual(['housing-type-changed']);
  });
});

describe('dates of the ledger', () => {
  it('adds months clamping to the end of the month', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2026-01-15', 12)).toBe('2027-01-15');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
  });

  it('schedules the visits at the program’s months, or 6 and 12', () => {
    expect(followUpVisits('2026-05-10', undefined)).toEqual([
      { months: 6, dueOn: '2026-11-10' },
      { months: 12, dueOn: '2027-05-10' },
    ]);
    expect(followUpVisits('2026-05-10', [12, 3, 12])).toEqual([
      { months: 3, dueOn: '2026-08-10' },
      { months: 12, dueOn: '2027-05-10' },
    ]);
  });

  it('opens a visit from a month before it falls due', () => {
    expect(isVisitOpenOn('2026-11-10', '2026-10-09')).toBe(false);
    expect(isVisitOpenOn('2026-11-10', '2026-10-10')).toBe(true);
    expect(isVisitOpenOn('2026-11-10', '2027-01-01')).toBe(true);
  });

  it('names months and their bounds in China time', () => {
    expect(monthBounds('2026-02')).toEqual({ first: '2026-02-01', last: '2026-02-28' });
    expect(monthOf('2026-05-31T17:00:00.000Z')).toBe('2026-06');
    expect(monthOf('2026-05-31')).toBe('2026-05');
  });
});

describe('moving a case', () => {
  it('chooses a measure while one is awaited, or again after a rejected renovation', () => {
    expect(() => assertMeasureMayBeChosen({ stage: 'measure' }, false)).not.toThrow();
    expect(() => assertMeasureMayBeChosen({ stage: 'renovation' }, true)).not.toThrow();
    expect(() => assertMeasureMayBeChosen({ stage: 'renovation' }, false)).toThrow(/follows a renovation/);
    expect(() => assertMeasureMayBeChosen({ stage: 'closed' }, false)).toThrow(/closed/);
  });

  it('closes by signature only a case whose other measure is chosen', () => {
    expect(
      assertClosable({ stage: 'closing', measure: { kind: 'rental', chosenBy: 'a', chosenAt: '2026-05-01' } }),
    ).toBe('rental');
    expect(() => assertClosable({ stage: 'renovation' })).toThrow(/renovation/);
  });
});
