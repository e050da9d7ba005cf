/**
 * The funding plan of one household (资金拨付计划): the approved subsidy split into the program's
 * installments, each tied to its milestone and split over the department funds, beside the
 * household's own funds and bank loan. Rounding, in integer fen:
 * - the last installment takes the remainder of the subsidy (as `splitInstallments` does);
 * - within an installment the last configured source takes the remainder of that installment;
 * so every installment adds up to its amount across sources, and the installments and the source
 * totals each add up to the approved subsidy.
 */
import { z } from 'zod';
import { ConflictError, parseOrThrow } from '../errors';
import { Fen, Mode, type ProgramConfig } from '../model';
import { installmentPlanOf, splitInstallments } from '../rules/installments';
import { splitProportionally, sum } from './money';
import { type BySource, emptyBySource, FUNDING_SOURCES, type SourceWeight, sourceWeightsOf } from './sources';

export interface FundingPlanInstallment {
  /** Index into the program's installment plan (the ledger's `PAY#{nn}`). */
  index: number;
  milestone: string;
  label: string;
  percent: number;
  amount: number;
  bySource: BySource;
}

export interface FundingPlan {
  householdId: string;
  approvedSubsidy: number;
  /** The sources and their weights in the split (the program's household amounts, or its percentages). */
  sourceWeights: readonly SourceWeight[];
  installments: FundingPlanInstallment[];
  /** Per source, the sum of its cells over all installments. */
  sourceTotals: BySource;
  /** The household's own funds (自筹): reported, never paid by the program. */
  ownFunds: number;
  /** Low-interest bank loan: reported, never paid by the program. */
  bankLoan: number;
  /** Subsidy + own funds + loan: the money the renovation is built with. */
  totalInvestment: number;
}

const FundingPlanInput = z.object({
  householdId: z.string().min(1),
  approvedSubsidy: Fen,
  /** The household's mode: its plan is the mode's own when the program gives one. */
  mode: Mode.optional(),
  ownFunds: Fen.default(0),
  bankLoan: Fen.default(0),
});
export type FundingPlanInput = z.input<typeof FundingPlanInput>;

function splitBySource(amount: number, weights: readonly SourceWeight[]): BySource {
  const parts = splitProportionally(
    amount,
    weights.map((w) => w.weight),
  );
  const bySource = emptyBySource();
  weights.forEach((w, i) => {
    bySource[w.source] += parts[i] ?? 0;
  });
  return bySource;
}

function totalsOf(installments: readonly FundingPlanInstallment[]): BySource {
  const totals = emptyBySource();
  for (const row of installments) {
    for (const source of FUNDING_SOURCES) totals[source] += row.bySource[source];
  }
  return totals;
}

function withTotals(
  base: Omit<FundingPlan, 'sourceTotals' | 'totalInvestment'>,
  installments: FundingPlanInstallment[],
): FundingPlan {
  return {
    ...base,
    installments,
    sourceTotals: totalsOf(installments),
    totalInvestment: base.approvedSubsidy + base.ownFunds + base.bankLoan,
  };
}

/** The plan for a household whose subsidy the county approved; throws ValidationError on bad amounts. */
export function buildFundingPlan(
  config: Pick<ProgramConfig, 'installments' | 'fundingSources' | 'funding'> &
    Partial<Pick<ProgramConfig, 'installmentsByMode'>>,
  input: FundingPlanInput,
): FundingPlan {
  const { householdId, approvedSubsidy, mode, ownFunds, bankLoan } = parseOrThrow(FundingPlanInput, input);
  const sourceWeights = sourceWeightsOf(config);
  const plan = installmentPlanOf(config, mode);
  const amounts = splitInstallments(approvedSubsidy, plan);
  const installments = plan.map((installment, index) => {
    const amount = amounts[index] ?? 0;
    return {
      index,
      milestone: installment.milestone,
      label: installment.label,
      percent: installment.percent,
      amount,
      bySource: splitBySource(amount, sourceWeights),
    };
  });
  return withTotals({ householdId, approvedSubsidy, sourceWeights, installments, ownFunds, bankLoan }, installments);
}

/**
 * A tier change after some installments were released (e.g. the category or grade was corrected):
 * released installments keep their amounts, the unreleased ones share what is left of the new
 * subsidy in proportion to their percentages (the last unreleased takes the remainder). Refuses
 * with a ConflictError when the released money already exceeds the new subsidy, or when every
 * installment is released and the new subsidy differs from what was paid.
 *
 * `released` are the household's ledger entries; releases happen in order, so they must be the
 * first installments of the plan.
 */
export function changeApprovedSubsidy(
  plan: FundingPlan,
  newSubsidy: number,
  released: readonly { installment: number }[],
): FundingPlan {
  const approvedSubsidy = parseOrThrow(Fen, newSubsidy);
  const releasedIndexes = new Set(released.map((r) => r.installment));
  const releasedCount = releasedIndexes.size;
  for (const index of releasedIndexes) {
    if (!Number.isInteger(index) || index < 0 || index >= releasedCount) {
      throw new ConflictError({
        zh: `拨付记录不连续或超出计划（第${index + 1}期），请先核对台账`,
        en: `The ledger is not a run of the first installments (installment ${index}); reconcile it first`,
      });
    }
  }
  const kept = plan.installments.slice(0, releasedCount);
  const open = plan.installments.slice(releasedCount);
  const releasedSum = sum(kept.map((row) => row.amount));
  if (releasedSum > approvedSubsidy) {
    throw new ConflictError({
      zh: `已拨付${releasedSum}分，超过调整后的补助${approvedSubsidy}分，不能调整档次，请按规定追回多拨资金`,
      en: `${releasedSum} fen was already released, more than the new subsidy of ${approvedSubsidy} fen; the tier cannot change until the excess is recovered`,
    });
  }
  const remaining = approvedSubsidy - releasedSum;
  if (open.length === 0) {
    if (remaining === 0) return withTotals({ ...plan, approvedSubsidy }, [...kept]);
    throw new ConflictError({
      zh: `各期补助已全部拨付（${releasedSum}分），不能再调整为${approvedSubsidy}分`,
      en: `Every installment was released (${releasedSum} fen); the subsidy cannot change to ${approvedSubsidy} fen`,
    });
  }
  const amounts = splitProportionally(
    remaining,
    open.map((row) => row.percent),
  );
  const recomputed = open.map((row, i) => {
    const amount = amounts[i] ?? 0;
    return { ...row, amount, bySource: splitBySource(amount, plan.sourceWeights) };
  });
  return withTotals({ ...plan, approvedSubsidy }, [...kept, ...recomputed]);
}
