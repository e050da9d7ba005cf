/**
 * Subsidy tiers are program configuration, by household category, mode and grade. The seed
 * report names a flat, untiered subsidy as a failure, so there is no fallback amount: a missing
 * tier is an error the county must fix in its configuration.
 */
import { ValidationError } from '../errors';
import type { Category, Fen, Grade, Mode, ProgramConfig } from '../model';
import { type CoverageOf, coveredCategoriesOf } from './eligibility';
import { eligibleGradesOf, type GradeSchemeOf } from './grades';

export interface TierKey {
  category: Category;
  mode: Mode;
  grade: Grade;
}

export function lookupSubsidy(config: Pick<ProgramConfig, 'subsidyTiers'>, key: TierKey): Fen {
  const matches = config.subsidyTiers.filter(
    (t) => t.category === key.category && t.mode === key.mode && t.grade === key.grade,
  );
  const [tier, ...others] = matches;
  if (tier === undefined) {
    throw ValidationError.field('mode', {
      zh: `补助标准未配置：类别 ${key.category}、方式 ${key.mode}、等级 ${key.grade} 没有对应档次`,
      en: `No subsidy tier for category ${key.category}, mode ${key.mode}, grade ${key.grade}`,
    });
  }
  if (others.length > 0) {
    throw ValidationError.field('mode', {
      zh: `补助标准重复：类别 ${key.category}、方式 ${key.mode}、等级 ${key.grade} 有多个档次`,
      en: `Ambiguous subsidy tiers for category ${key.category}, mode ${key.mode}, grade ${key.grade}`,
    });
  }
  return tier.amount;
}

/** Every covered category x mode x eligible grade combination the configuration does not price. */
export function missingTiers(config: Pick<ProgramConfig, 'subsidyTiers'> & GradeSchemeOf & CoverageOf): TierKey[] {
  const missing: TierKey[] = [];
  for (const category of coveredCategoriesOf(config)) {
    for (const mode of ['rebuild', 'repair'] as const) {
      for (const grade of eligibleGradesOf(config)) {
        const priced = config.subsidyTiers.some((t) => t.category === category && t.mode === mode && t.grade === grade);
        if (!priced) missing.push({ category, mode, grade });
      }
    }
  }
  return missing;
}
