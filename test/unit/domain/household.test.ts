import { describe, expect, it } from 'vitest';
import { demoApplication, demoProgram } from '../../../contract/examples';
import { ValidationError } from '../../../domain/errors';
import type { Household } from '../../../domain/model';
import { approveSubsidy, findVillage, newHousehold } from '../../../domain/rules/household';

const NOW = '2025-03-03T02:00:00.000Z';

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.fields.map((f) => f.path).sort();
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('newHousehold', () => {
  it('places the household in its township and county from the village code', () => {
    const application = demoApplication(4);
    const household = newHousehold(application, demoProgram, { householdId: 'hh-4', now: NOW });
    const place = findVillage(demoProgram, application.villageCode);
    expect(place).toBeDefined();
    expect(household).toMatchObject({
      householdId: 'hh-4',
      county: '522327',
      township: place?.township,
      phase: 'safety-appraisal',
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
      nextInstallment: 0,
    });
    expect(application.villageCode.startsWith(household.township)).toBe(true);
  });

  it('refuses an unknown village at villageCode and a bad check digit at head.idNumber, together', () => {
    const application = demoApplication(1);
    const id = application.head.idNumber;
    const wrongCheck = `${id.slice(0, 17)}${id.endsWith('0') ? '1' : '0'}`;
    const paths = fieldsOf(() =>
      newHousehold(
        { ...application, villageCode: '522327199201', head: { ...application.head, idNumber: wrongCheck } },
        demoProgram,
        { householdId: 'hh-1', now: NOW },
      ),
    );
    expect(paths).toEqual(['head.idNumber', 'villageCode']);
  });

  it('checks member ID numbers when given, the program, and the application shape', () => {
    const application = demoApplication(2);
    const members = [{ name: '某某', relation: '子', idNumber: '110105194912310021' }];
    expect(
      fieldsOf(() => newHousehold({ ...application, members }, demoProgram, { householdId: 'h', now: NOW })),
    ).toEqual(['members.0.idNumber']);
    expect(
      fieldsOf(() =>
        newHousehold({ ...application, programId: 'other-2025' }, demoProgram, { householdId: 'h', now: NOW }),
      ),
    ).toEqual(['programId']);
    expect(
      fieldsOf(() =>
        newHousehold({ ...application, house: { ...application.house, areaM2: -1 } }, demoProgram, {
          householdId: 'h',
          now: NOW,
        }),
      ),
    ).toEqual(['house.areaM2']);
  });
});

describe('approveSubsidy', () => {
  function appraised(n: number, grade: Household['grade'], category = demoApplication(n).category): Household {
    const household = newHousehold({ ...demoApplication(n), category }, demoProgram, {
      householdId: `hh-${n}`,
      now: NOW,
    });
    return { ...household, grade };
  }

  it('fixes the mode and the tiered subsidy', () => {
    const household = appraised(0, 'D', 'extremely-poor');
    const approved = approveSubsidy(household, demoProgram, 'rebuild', { plannedAreaM2: 50 });
    expect(approved.mode).toBe('rebuild');
    expect(approved.approvedSubsidy).toBe(3_500_000);
    expect(approveSubsidy(appraised(0, 'C', 'extremely-poor'), demoProgram, 'repair').approvedSubsidy).toBe(1_000_000);
  });

  it('refuses an ineligible household, an oversized rebuild and a program without the tier', () => {
    expect(() => approveSubsidy(appraised(0, 'B'), demoProgram, 'repair')).toThrow(ValidationError);
    expect(() => approveSubsidy(appraised(0, 'D', 'other'), demoProgram, 'rebuild')).toThrow(ValidationError);
    // demoApplication(0) has no members: a one-person household builds at most 60 m².
    expect(fieldsOf(() => approveSubsidy(appraised(0, 'D'), demoProgram, 'rebuild', { plannedAreaM2: 61 }))).toEqual([
      'plannedAreaM2',
    ]);
    const untiered = { ...demoProgram, subsidyTiers: demoProgram.subsidyTiers.filter((t) => t.mode !== 'repair') };
    expect(() => approveSubsidy(appraised(0, 'C'), untiered, 'repair')).toThrow(ValidationError);
  });
});
