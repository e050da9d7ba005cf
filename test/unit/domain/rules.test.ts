import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoProgram } from '../../../contract/examples';
import { ValidationError } from '../../../domain/errors';
import {
  addWorkingDays,
  chinaDateTime,
  chinaDay,
  dueAtFor,
  isOverdue,
  startOfChinaDay,
} from '../../../domain/rules/calendar';
import { idClaimKey } from '../../../domain/rules/duplicate';
import { checkEligibility, PRIORITY_CATEGORIES, suggestedMode } from '../../../domain/rules/eligibility';
import { assertRebuildArea, checkRebuildArea, householdSize, rebuildAreaLimits } from '../../../domain/rules/floorArea';
import { hashIdNumber } from '../../../domain/rules/idNumber';
import { assertInstallmentsSum, splitInstallments } from '../../../domain/rules/installments';
import { lookupSubsidy, missingTiers } from '../../../domain/rules/subsidy';

const CJK = /[\u3400-\u9fff]/;

describe('eligibility', () => {
  it.each(PRIORITY_CATEGORIES)('a %s household with a C or D house qualifies', (category) => {
    expect(checkEligibility({ grade: 'C', category })).toEqual({ eligible: true, reasons: [] });
    expect(checkEligibility({ grade: 'D', category })).toEqual({ eligible: true, reasons: [] });
  });

  it.each(['A', 'B'] as const)('a grade %s house does not qualify', (grade) => {
    const result = checkEligibility({ grade, category: 'extremely-poor' });
    expect(result.eligible).toBe(false);
    expect(result.reasons).toHaveLength(1);
    expect(result.reasons[0]?.en).toContain(`grade ${grade}`);
    expect(result.reasons[0]?.zh).toMatch(CJK);
  });

  it('the `other` category does not qualify on its own, and every failed condition is listed', () => {
    expect(checkEligibility({ grade: 'D', category: 'other' }).eligible).toBe(false);
    expect(checkEligibility({ grade: 'B', category: 'other' }).reasons).toHaveLength(2);
    expect(checkEligibility({ grade: undefined, category: 'registered-poor' }).eligible).toBe(false);
  });

  it('suggests rebuilding D and repairing C', () => {
    expect(suggestedMode('D')).toBe('rebuild');
    expect(suggestedMode('C')).toBe('repair');
  });
});

describe('rebuild floor area by household size', () => {
  it.each([
    [1, 20, 60],
    [2, 30, 60],
    [3, 40, 60],
    [4, 40, 72],
    [6, 40, 108],
  ])('%i persons: %i to %i m²', (persons, min, max) => {
    expect(rebuildAreaLimits(persons)).toEqual({ min, max });
    expect(checkRebuildArea(persons, min).ok).toBe(true);
    expect(checkRebuildArea(persons, max).ok).toBe(true);
    expect(checkRebuildArea(persons, min - 0.5).ok).toBe(false);
    expect(checkRebuildArea(persons, max + 0.5).ok).toBe(false);
  });

  it('explains an area over or under the limit in both languages', () => {
    const over = checkRebuildArea(2, 80);
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.reason.en).toContain('at most 60');
    const under = checkRebuildArea(3, 35);
    if (under.ok) throw new Error('35 m² is under the 3-person minimum');
    expect(under.reason.zh).toContain('不得少于40');
    expect(() => assertRebuildArea(5, 100)).toThrow(ValidationError);
  });

  it('counts the head plus the members, and refuses a household of nobody', () => {
    expect(householdSize({ members: [] })).toBe(1);
    expect(householdSize({ members: [{}, {}] })).toBe(3);
    expect(() => rebuildAreaLimits(0)).toThrow(RangeError);
  });
});

describe('subsidy tiers', () => {
  it('looks up the tier by category, mode and grade, and tiers differ by category', () => {
    expect(lookupSubsidy(demoProgram, { category: 'extremely-poor', mode: 'rebuild', grade: 'D' })).toBe(3_500_000);
    const byCategory = PRIORITY_CATEGORIES.map((category) =>
      lookupSubsidy(demoProgram, { category, mode: 'rebuild', grade: 'D' }),
    );
    expect(new Set(byCategory).size).toBe(PRIORITY_CATEGORIES.length);
  });

  it('has no flat fallback: a missing tier, an A/B grade or the other category is a validation error', () => {
    const withoutTier = {
      subsidyTiers: demoProgram.subsidyTiers.filter((t) => !(t.category === 'registered-poor' && t.mode === 'repair')),
    };
    expect(() => lookupSubsidy(withoutTier, { category: 'registered-poor', mode: 'repair', grade: 'C' })).toThrow(
      ValidationError,
    );
    expect(() => lookupSubsidy(demoProgram, { category: 'other', mode: 'rebuild', grade: 'D' })).toThrow(
      ValidationError,
    );
    expect(() => lookupSubsidy(demoProgram, { category: 'extremely-poor', mode: 'rebuild', grade: 'B' })).toThrow(
      ValidationError,
    );
    expect(missingTiers(withoutTier)).toEqual([
      { category: 'registered-poor', mode: 'repair', grade: 'C' },
      { category: 'registered-poor', mode: 'repair', grade: 'D' },
    ]);
    expect(missingTiers(demoProgram)).toEqual([]);
  });

  it('refuses ambiguous duplicate tiers', () => {
    const first = demoProgram.subsidyTiers[0];
    if (!first) throw new Error('demo has tiers');
    const duplicated = { subsidyTiers: [...demoProgram.subsidyTiers, { ...first, amount: 1 }] };
    expect(() => lookupSubsidy(duplicated, first)).toThrow(ValidationError);
  });
});

describe('installments', () => {
  const plan = demoProgram.installments;

  it('gives each installment the floor of its share and the remainder to the last', () => {
    expect(splitInstallments(3_500_000, plan)).toEqual([1_050_000, 1_050_000, 700_000, 700_000]);
    // 1,000,001 fen does not divide: 30% = 300,000.3 -> 300,000; the last takes the odd fen.
    expect(splitInstallments(1_000_001, plan)).toEqual([300_000, 300_000, 200_000, 200_001]);
    expect(splitInstallments(7, [{ percent: 33 }, { percent: 33 }, { percent: 34 }])).toEqual([2, 2, 3]);
    expect(splitInstallments(0, plan)).toEqual([0, 0, 0, 0]);
  });

  it('always sums to the total with non-negative integer amounts (property)', () => {
    const planArb = fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 10 }).map((weights) => {
      // Normalize arbitrary weights into integer percentages summing to exactly 100.
      const total = weights.reduce((s, w) => s + w, 0);
      const percents = weights.map((w) => Math.floor((w * 100) / total));
      const last = percents.length - 1;
      percents[last] = (percents[last] ?? 0) + 100 - percents.reduce((s, p) => s + p, 0);
      return percents.map((percent) => ({ percent }));
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), planArb, (total, generated) => {
        const amounts = splitInstallments(total, generated);
        expect(amounts).toHaveLength(generated.length);
        expect(amounts.every((a) => Number.isInteger(a) && a >= 0)).toBe(true);
        expect(amounts.reduce((s, a) => s + a, 0)).toBe(total);
        assertInstallmentsSum(amounts, total);
      }),
    );
  });

  it('refuses plans that do not add up to 100% and ledgers that do not add up to the subsidy', () => {
    expect(() => splitInstallments(100, [{ percent: 50 }, { percent: 40 }])).toThrow(RangeError);
    expect(() => splitInstallments(10.5, plan)).toThrow(RangeError);
    expect(() => assertInstallmentsSum([50, 51], 100)).toThrow(ValidationError);
    expect(() => assertInstallmentsSum([101, -1], 100)).toThrow(ValidationError);
  });
});

describe('duplicate-subsidy claim key', () => {
  it('is the sha256 of the normalized ID number under the IDN# prefix, never the number itself', () => {
    const id = '11010519491231002X';
    expect(idClaimKey(id)).toBe(`IDN#${hashIdNumber(id)}`);
    expect(idClaimKey('11010519491231002x')).toBe(idClaimKey(id));
    expect(idClaimKey(id)).not.toContain('110105');
  });
});

describe('working-day calendar', () => {
  it('skips weekends for dates', () => {
    // 2025-03-07 is a Friday.
    expect(addWorkingDays('2025-03-07', 1)).toBe('2025-03-10');
    expect(addWorkingDays('2025-03-07', 5)).toBe('2025-03-14');
    expect(addWorkingDays('2025-03-08', 1)).toBe('2025-03-10');
    expect(addWorkingDays('2025-03-03', 0)).toBe('2025-03-03');
  });

  it('counts weekdays in China time for timestamps', () => {
    // Friday 2025-03-07 20:00 UTC is already Saturday 04:00 in Beijing: next working day is Monday.
    expect(addWorkingDays('2025-03-07T20:00:00.000Z', 1)).toBe('2025-03-09T20:00:00.000Z');
    // Friday 10:00 in Beijing plus one working day is Monday 10:00 in Beijing.
    expect(addWorkingDays('2025-03-07T02:00:00.000Z', 1)).toBe('2025-03-10T02:00:00.000Z');
  });

  it('names the day and time in China, eight hours ahead of UTC all year', () => {
    expect(chinaDay(new Date('2025-03-07T15:59:59.999Z'))).toBe('2025-03-07');
    expect(chinaDay(new Date('2025-03-07T16:00:00.000Z'))).toBe('2025-03-08');
    expect(chinaDateTime('2025-06-02T02:15:00.000Z')).toBe('2025-06-02 10:15');
    // One formatter for the console, the ledger card and exports: what is not a time shows as a dash.
    expect(chinaDateTime('not a time')).toBe('—');
    expect(new Date(startOfChinaDay('2025-03-08')).toISOString()).toBe('2025-03-07T16:00:00.000Z');
  });

  it('knows when a step is overdue, and takes deadlines from the program', () => {
    expect(isOverdue('2025-03-10T02:00:00.000Z', '2025-03-10T02:00:00.001Z')).toBe(true);
    expect(isOverdue('2025-03-10T02:00:00.000Z', '2025-03-10T02:00:00.000Z')).toBe(false);
    expect(dueAtFor(demoProgram, 'township-review', '2025-03-03T02:00:00.000Z')).toBe('2025-03-10T02:00:00.000Z');
    expect(() => addWorkingDays('not a date', 1)).toThrow(RangeError);
  });
});
