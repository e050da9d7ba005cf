/**
 * Who may receive a renovation subsidy (domain.md): a priority household (重点对象) whose house
 * was appraised C (partially dangerous) or D (entirely dangerous).
 */
import type { Bilingual } from '../errors';
import { CATEGORIES, type Category, type Grade, type Mode } from '../model';

export type PriorityCategory = Exclude<Category, 'other'>;
export const PRIORITY_CATEGORIES: readonly PriorityCategory[] = CATEGORIES.filter(
  (c): c is PriorityCategory => c !== 'other',
);
export const ELIGIBLE_GRADES: readonly Grade[] = ['C', 'D'];

export function isPriorityCategory(category: Category): category is PriorityCategory {
  return category !== 'other';
}

export interface Eligibility {
  eligible: boolean;
  /** Why not, one entry per failed condition; empty when eligible. */
  reasons: Bilingual[];
}

export function checkEligibility(input: { grade?: Grade | undefined; category: Category }): Eligibility {
  const reasons: Bilingual[] = [];
  if (input.grade === undefined) {
    reasons.push({ zh: '尚未进行危险性鉴定', en: 'The house has not been appraised yet' });
  } else if (!ELIGIBLE_GRADES.includes(input.grade)) {
    reasons.push({
      zh: `鉴定等级为${input.grade}级，只有C级（局部危险）和D级（整体危险）可以改造`,
      en: `The house is grade ${input.grade}; only grade C (partially dangerous) and D (entirely dangerous) qualify`,
    });
  }
  if (!isPriorityCategory(input.category)) {
    reasons.push({
      zh: '不属于低保户、分散供养特困人员、建档立卡贫困户、贫困残疾人家庭等重点对象',
      en: 'The household is not in a priority category (minimum living guarantee, extremely poor, registered poor, disabled poor, disaster hardship)',
    });
  }
  return { eligible: reasons.length === 0, reasons };
}

/** The usual mode for a grade: D is rebuilt, C repaired; the county may still decide otherwise. */
export function suggestedMode(grade: 'C' | 'D'): Mode {
  return grade === 'D' ? 'rebuild' : 'repair';
}
