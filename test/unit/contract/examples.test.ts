import { describe, expect, it } from 'vitest';
import { demoApplication, demoIdNumber, demoProgram } from '../../../contract/examples';
import { ProgramConfig } from '../../../domain/model';
import { PRIORITY_CATEGORIES } from '../../../domain/rules/eligibility';
import { newHousehold } from '../../../domain/rules/household';
import { isValidIdNumber } from '../../../domain/rules/idNumber';
import { missingTiers } from '../../../domain/rules/subsidy';

const NOW = '2025-03-03T02:00:00.000Z';

describe('the example program', () => {
  it('is a valid program with a 600 quota split over four townships of 9-digit codes', () => {
    expect(ProgramConfig.safeParse(demoProgram).success).toBe(true);
    expect(demoProgram.quota).toBe(600);
    expect(demoProgram.townships).toHaveLength(4);
    expect(demoProgram.townships.reduce((s, t) => s + t.quota, 0)).toBe(600);
    for (const township of demoProgram.townships) {
      expect(township.code.startsWith(demoProgram.county.code)).toBe(true);
      expect(township.villages.length).toBeGreaterThanOrEqual(2);
      for (const village of township.villages) expect(village.code.startsWith(township.code)).toBe(true);
    }
    expect(missingTiers(demoProgram)).toEqual([]);
    expect(demoProgram.installments.map((i) => i.percent)).toEqual([30, 30, 20, 20]);
    expect(demoProgram.spotCheckRatio).toBe(0.5);
  });

  it('generates distinct, valid applications covering every priority category', () => {
    const applications = Array.from({ length: 200 }, (_, n) => demoApplication(n));
    const ids = applications.map((a) => a.head.idNumber);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [n, application] of applications.entries()) {
      expect(isValidIdNumber(application.head.idNumber), application.head.idNumber).toBe(true);
      expect(() => newHousehold(application, demoProgram, { householdId: `hh-${n}`, now: NOW })).not.toThrow();
    }
    expect(new Set(applications.map((a) => a.category))).toEqual(new Set(PRIORITY_CATEGORIES));
    expect(isValidIdNumber(demoIdNumber(19_999_999))).toBe(true);
    expect(demoIdNumber(19_999_999)).not.toBe(demoIdNumber(18_999_999));
  });
});
