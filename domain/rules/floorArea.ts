/**
 * Floor area of a rebuilt house by household size (domain.md): households of 1-3 persons build
 * 40-60 m², but at least 20 / 30 / 40 m² for 1 / 2 / 3 persons; larger households at most 18 m²
 * per person. The policy names no minimum above 3 persons: we keep the 3-person minimum (40 m²)
 * so a larger household never gets less than a smaller one.
 */
import type { Bilingual } from '../errors';
import { ValidationError } from '../errors';

export interface AreaLimits {
  min: number;
  max: number;
}

const SMALL_HOUSEHOLD_MIN: Record<1 | 2 | 3, number> = { 1: 20, 2: 30, 3: 40 };
const SMALL_HOUSEHOLD_MAX = 60;
const LARGE_HOUSEHOLD_M2_PER_PERSON = 18;

/** Persons living in the household: the head plus the listed members. */
export function householdSize(household: { members?: readonly unknown[] | undefined }): number {
  return 1 + (household.members?.length ?? 0);
}

export function rebuildAreaLimits(persons: number): AreaLimits {
  if (!Number.isInteger(persons) || persons < 1) throw new RangeError(`persons must be a positive integer: ${persons}`);
  if (persons === 1 || persons === 2 || persons === 3) {
    return { min: SMALL_HOUSEHOLD_MIN[persons], max: SMALL_HOUSEHOLD_MAX };
  }
  return { min: SMALL_HOUSEHOLD_MIN[3], max: LARGE_HOUSEHOLD_M2_PER_PERSON * persons };
}

export type AreaCheck = { ok: true; limits: AreaLimits } | { ok: false; limits: AreaLimits; reason: Bilingual };

export function checkRebuildArea(persons: number, areaM2: number): AreaCheck {
  const limits = rebuildAreaLimits(persons);
  if (areaM2 < limits.min) {
    return {
      ok: false,
      limits,
      reason: {
        zh: `${persons}人户建筑面积不得少于${limits.min}平方米（计划${areaM2}平方米）`,
        en: `A ${persons}-person household must build at least ${limits.min} m² (planned ${areaM2} m²)`,
      },
    };
  }
  if (areaM2 > limits.max) {
    return {
      ok: false,
      limits,
      reason: {
        zh: `${persons}人户建筑面积不得超过${limits.max}平方米（计划${areaM2}平方米）`,
        en: `A ${persons}-person household may build at most ${limits.max} m² (planned ${areaM2} m²)`,
      },
    };
  }
  return { ok: true, limits };
}

/** Throws a ValidationError at `path` when the area is outside the limits. */
export function assertRebuildArea(persons: number, areaM2: number, path = 'plannedAreaM2'): void {
  const check = checkRebuildArea(persons, areaM2);
  if (!check.ok) throw ValidationError.field(path, check.reason);
}
