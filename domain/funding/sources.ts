/**
 * Where subsidy money comes from (domain.md, "What a program is"). A county states its money as
 * amounts, the way its allocation documents do (seed 004: central and provincial 595 万, prefecture
 * 22.31 万, county 112 万 of which 10 万 for ethnic-style facades; 8 万 working funds; 82 万
 * integrated from other departments): per source, the money for the households' subsidies, and
 * beside it money not tied to one household. Each household's subsidy (from the tiers) is split
 * over the sources in proportion to their household amounts.
 *
 * Programs configured before amounts existed give integer percentages per source
 * (`fundingSources`); they still parse and split the same way, and report no allocated amounts.
 * The household's own funds (自筹) and bank loans are not paid by the program; they are recorded on
 * the household and reported beside the subsidy.
 *
 * This module imports only zod and the error helpers, so `model.ts` can use its schemas without an
 * import cycle.
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

export const FundingSourceShare = z.strictObject({
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
 * Used when a program configures neither amounts nor shares: the whole subsidy is booked to the
 * central and provincial subsidy, the one source every program has, rather than inventing a split.
 */
export const DEFAULT_SOURCE_SHARES: readonly FundingSourceShare[] = [{ source: 'central-provincial', percent: 100 }];

// ---------------------------------------------------------------- amounts (how a county states its money)

/** Integer fen, as `model.ts`'s `Fen` (repeated here to keep this module free of an import cycle). */
const Amount = z.number().int().nonnegative().max(100_000_000_000);

/** One source's money for the households' subsidies (到户补助), in fen. */
export const SourceAmount = z.strictObject({
  source: FundingSource,
  amount: Amount,
  /** The source's name in the county's own report (e.g. 州补助); absent: the standard name. */
  label: z.string().trim().min(1).max(30).optional(),
});
export type SourceAmount = z.infer<typeof SourceAmount>;

/**
 * What money not tied to one household is for: `subsidy` is counted within its source's subsidy
 * (seed: the county's 112 万 含 10 万 for facades); `working-funds` (工作经费) and `integrated`
 * (整合资金, other departments' projects bundled with the program) are reported beside it.
 */
export const PROGRAM_FUND_KINDS = ['subsidy', 'working-funds', 'integrated'] as const;
export const ProgramFundKind = z.enum(PROGRAM_FUND_KINDS);
export type ProgramFundKind = z.infer<typeof ProgramFundKind>;

export const PROGRAM_FUND_KIND_LABELS: Readonly<Record<ProgramFundKind, { zh: string; en: string }>> = {
  subsidy: { zh: '不到户补助', en: 'Subsidy not tied to a household' },
  'working-funds': { zh: '工作经费', en: 'Working funds' },
  integrated: { zh: '整合资金', en: 'Integrated department funds' },
};

/** Money of the program not tied to one household (facades of a site, working funds, integrated funds). */
export const ProgramFund = z.strictObject({
  source: FundingSource,
  kind: ProgramFundKind,
  /** What it pays for, as the report names it (e.g. 安排岩下危房改造工程民族特色包装补助经费). */
  purpose: z.string().trim().min(1).max(100),
  amount: Amount,
});
export type ProgramFund = z.infer<typeof ProgramFund>;

export const ProgramFunding = z
  .strictObject({
    /** Per source, the money for the households' subsidies; each household's subsidy is split in their proportion. */
    sources: z.array(SourceAmount).min(1).max(FUNDING_SOURCES.length),
    notTiedToHouseholds: z.array(ProgramFund).max(50).default([]),
  })
  .superRefine((funding, ctx) => {
    const seen = new Set<FundingSource>();
    funding.sources.forEach((entry, index) => {
      if (seen.has(entry.source)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', index, 'source'],
          ...bilingualIssue({
            zh: `资金来源 ${entry.source} 重复配置`,
            en: `Funding source ${entry.source} is listed twice`,
          }),
        });
      }
      seen.add(entry.source);
    });
  });
export type ProgramFunding = z.infer<typeof ProgramFunding>;

/** A source and its weight in the split of every household's subsidy (an amount or a percentage). */
export interface SourceWeight {
  source: FundingSource;
  weight: number;
}

/**
 * How each household's subsidy is split over the sources: in proportion to the household amounts
 * of `funding` when the program states them (sources with no household money take no part), else
 * by the legacy percentages, else all central and provincial.
 */
export function sourceWeightsOf(config: {
  funding?: Pick<ProgramFunding, 'sources'> | undefined;
  fundingSources?: readonly FundingSourceShare[] | undefined;
}): SourceWeight[] {
  const byAmount = (config.funding?.sources ?? []).filter((s) => s.amount > 0);
  if (byAmount.length > 0) return byAmount.map((s) => ({ source: s.source, weight: s.amount }));
  return (config.fundingSources ?? DEFAULT_SOURCE_SHARES).map((s) => ({ source: s.source, weight: s.percent }));
}

/** An amount per source with every source present (zero when the program does not use it). */
export type BySource = Record<FundingSource, number>;

export function emptyBySource(): BySource {
  return { 'central-provincial': 0, prefecture: 0, county: 0, integrated: 0 };
}
