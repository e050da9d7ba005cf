/**
 * Where subsidy money comes from (domain.md, "What a program is"): each installment is split over
 * the department funds by the program's shares. The household's own funds (自筹) and bank loans are
 * not paid by the program; they are recorded on the plan and reported beside the subsidy.
 *
 * This module imports only zod and the error helpers, so `model.ts` can use its schema for
 * `ProgramConfig.fundingSources` without an import cycle.
 */
import { z } from 'zod';
import { bilingualIssue } from '../errors';

/** Department funds in reporting order. */
export const FUNDING_SOURCES = [
  'central-provincial', // 中央和省级补助
  'prefecture', // 州（市）级补助
  'county', // 县级补助
  'integrated', // 整合资金（其他部门）
] as const;
export const FundingSource = z.enum(FUNDING_SOURCES);
export type FundingSource = z.infer<typeof FundingSource>;

export const FUNDING_SOURCE_LABELS: Readonly<Record<FundingSource, { zh: string; en: string }>> = {
  'central-provincial': { zh: '中央和省级补助', en: 'Central and provincial subsidy' },
  prefecture: { zh: '州（市）级补助', en: 'Prefecture subsidy' },
  county: { zh: '县级补助', en: 'County subsidy' },
  integrated: { zh: '整合资金', en: 'Integrated department funds' },
};

export const FundingSourceShare = z.object({
  source: FundingSource,
  /** Whole percent of every installment paid from this source. */
  percent: z.number().int().min(1).max(100),
});
export type FundingSourceShare = z.infer<typeof FundingSourceShare>;

/**
 * The program's source shares. The order matters: within an installment every source but the last
 * gets the floor of its share and the last takes the remainder.
 */
export const FundingSourceShares = z
  .array(FundingSourceShare)
  .min(1)
  .max(FUNDING_SOURCES.length)
  .superRefine((shares, ctx) => {
    const total = shares.reduce((sum, s) => sum + s.percent, 0);
    if (total !== 100) {
      ctx.addIssue({
        code: 'custom',
        ...bilingualIssue({
          zh: `资金来源比例合计为${total}%，应为100%`,
          en: `Funding source shares add up to ${total}%, not 100%`,
        }),
      });
    }
    const seen = new Set<FundingSource>();
    shares.forEach((share, index) => {
      if (seen.has(share.source)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'source'],
          ...bilingualIssue({
            zh: `资金来源 ${share.source} 重复配置`,
            en: `Funding source ${share.source} is listed twice`,
          }),
        });
      }
      seen.add(share.source);
    });
  });

/**
 * Used when a program configures no shares: the whole subsidy is booked to the central and
 * provincial subsidy, the one source every program has, rather than inventing a split.
 */
export const DEFAULT_SOURCE_SHARES: readonly FundingSourceShare[] = [{ source: 'central-provincial', percent: 100 }];

export function sourceSharesOf(config: { fundingSources?: readonly FundingSourceShare[] | undefined }) {
  return config.fundingSources ?? DEFAULT_SOURCE_SHARES;
}

/** An amount per source with every source present (zero when the program does not use it). */
export type BySource = Record<FundingSource, number>;

export function emptyBySource(): BySource {
  return { 'central-provincial': 0, prefecture: 0, county: 0, integrated: 0 };
}
