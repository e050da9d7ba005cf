/**
 * Who may receive a renovation subsidy (domain.md): a household of a category the program covers
 * (the priority ones, 重点对象, and those the program also covers, e.g. 兼顾一般农户) whose house
 * was given an eligible grade of the program's scheme (C / D, or 一 / 二 / 三级危房).
 */
import type { Bilingual } from '../errors';
import { CATEGORIES, type Category, type Grade, type Mode, type ProgramConfig } from '../model';
import { eligibleGradesOf, GRADE_NAMES, type GradeSchemeOf, isEligibleGrade } from './grades';

export type PriorityCategory = Exclude<Category, 'other'>;
export const PRIORITY_CATEGORIES: readonly PriorityCategory[] = CATEGORIES.filter(
  (c): c is PriorityCategory => c !== 'other',
);
/** The eligible grades of the A–D scheme; a program's own are `eligibleGradesOf(program)`. */
export const ELIGIBLE_GRADES: readonly Grade[] = ['C', 'D'];

export function isPriorityCategory(category: Category): category is PriorityCategory {
  return category !== 'other';
}

export type CoverageOf = Partial<Pick<ProgramConfig, 'alsoCovers'>>;

/** A priority category, or one the program also covers (兼顾). */
export function isCoveredCategory(program: CoverageOf, category: Category): boolean {
  return isPriorityCategory(category) || (program.alsoCovers ?? []).includes(category);
}

/** The categories a program covers, priority ones first. */
export function coveredCategoriesOf(program: CoverageOf): Category[] {
  return CATEGORIES.filter((category) => isCoveredCategory(program, category));
}

export const NOT_COVERED: Bilingual = {
  zh: '不属于低保户、分散供养特困人员、建档立卡贫困户、贫困残疾人家庭等重点对象，本项目也未兼顾该类农户',
  en: 'The household is not in a priority category (minimum living guarantee, extremely poor, registered poor, disabled poor, disaster hardship) nor one the program also covers',
};

export interface Eligibility {
  eligible: boolean;
  /** Why not, one entry per failed condition; empty when eligible. */
  reasons: Bilingual[];
}

/**
 * Whether the household qualifies under `program`'s grade scheme and covered categories; without
 * a program, under the A–D scheme and the priority categories only.
 */
export function checkEligibility(
  input: { grade?: Grade | undefined; category: Category },
  program: GradeSchemeOf & CoverageOf = {},
): Eligibility {
  const reasons: Bilingual[] = [];
  if (input.grade === undefined) {
    reasons.push({ zh: '尚未进行危险性鉴定', en: 'The house has not been appraised yet' });
  } else if (!isEligibleGrade(program, input.grade)) {
    const eligible = eligibleGradesOf(program);
    reasons.push({
      zh: `鉴定等级为${GRADE_NAMES[input.grade].zh}，本项目只有${eligible.map((g) => GRADE_NAMES[g].zh).join('、')}可以改造`,
      en: `The house is ${GRADE_NAMES[input.grade].en}; the program renovates only ${eligible.map((g) => GRADE_NAMES[g].en).join(', ')}`,
    });
  }
  if (!isCoveredCategory(program, input.category)) reasons.push(NOT_COVERED);
  return { eligible: reasons.length === 0, reasons };
}

/** The usual mode for a grade of the A–D scheme: D is rebuilt, C repaired; the county may still decide otherwise. */
export function suggestedMode(grade: 'C' | 'D'): Mode {
  return grade === 'D' ? 'rebuild' : 'repair';
}
