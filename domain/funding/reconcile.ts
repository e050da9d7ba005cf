/**
 * Reconciliation of the ledger against the plans (对账): per installment, per source and in total,
 * the money released (what the plans say for every installment with a ledger entry) must equal
 * what the bank paid + what is still pending at the bank + what failed. Every difference is
 * listed with its cause rather than summed away.
 */
import type { Bilingual } from '../errors';
import type { Payment } from '../model';
import { splitProportionally } from './money';
import type { FundingPlan, FundingPlanInstallment } from './plan';
import { type BySource, emptyBySource, FUNDING_SOURCES, type FundingSource } from './sources';

export interface MoneyLine {
  released: number;
  paid: number;
  /** Released and approved, no bank result yet (ledger status `released`). */
  pending: number;
  failed: number;
}

export type MismatchKind = 'no-plan' | 'not-in-plan' | 'duplicate' | 'amount' | 'over-subsidy' | 'unbalanced';

export interface Mismatch {
  kind: MismatchKind;
  householdId?: string;
  installment?: number;
  source?: FundingSource;
  reference?: string;
  message: Bilingual;
}

export interface Reconciliation {
  byInstallment: ({ installment: number; label: string } & MoneyLine)[];
  bySource: Record<FundingSource, MoneyLine>;
  total: MoneyLine;
  mismatches: Mismatch[];
}

export type ReconciledPayment = Pick<Payment, 'householdId' | 'installment' | 'amount' | 'status' | 'reference'>;

const zeroLine = (): MoneyLine => ({ released: 0, paid: 0, pending: 0, failed: 0 });
const bucketOf = (status: Payment['status']): keyof MoneyLine => (status === 'released' ? 'pending' : status);

/** The payment's amount per source: the plan's cells when it matches the plan, else in their proportion. */
function paymentBySource(plan: FundingPlan, row: FundingPlanInstallment, amount: number): BySource {
  if (amount === row.amount) return row.bySource;
  const result = emptyBySource();
  const sources = plan.sourceWeights.map((s) => s.source);
  const weights = sources.map((source) => row.bySource[source]);
  const parts = weights.some((w) => w > 0)
    ? splitProportionally(amount, weights)
    : splitProportionally(
        amount,
        plan.sourceWeights.map((s) => s.weight),
      );
  sources.forEach((source, i) => {
    result[source] += parts[i] ?? 0;
  });
  return result;
}

function unbalanced(line: MoneyLine): boolean {
  return line.released !== line.paid + line.pending + line.failed;
}

function describe(line: MoneyLine): string {
  return `released ${line.released}, paid ${line.paid}, pending ${line.pending}, failed ${line.failed}`;
}

export function reconcile(plans: readonly FundingPlan[], payments: readonly ReconciledPayment[]): Reconciliation {
  const planOf = new Map<string, FundingPlan>();
  for (const plan of plans) {
    if (planOf.has(plan.householdId)) throw new RangeError(`two plans for household ${plan.householdId}`);
    planOf.set(plan.householdId, plan);
  }
  const byInstallment: Reconciliation['byInstallment'] = [];
  for (const plan of plans) {
    for (const row of plan.installments) {
      byInstallment[row.index] ??= { installment: row.index, label: row.label, ...zeroLine() };
    }
  }
  const bySource = Object.fromEntries(FUNDING_SOURCES.map((s) => [s, zeroLine()])) as Record<FundingSource, MoneyLine>;
  const total = zeroLine();
  const mismatches: Mismatch[] = [];
  const seen = new Set<string>();
  const paidByHousehold = new Map<string, number>();

  for (const payment of payments) {
    const { householdId, installment, amount, reference } = payment;
    const bucket = bucketOf(payment.status);
    total[bucket] += amount;
    paidByHousehold.set(householdId, (paidByHousehold.get(householdId) ?? 0) + amount);
    const plan = planOf.get(householdId);
    const row = plan?.installments[installment];
    if (plan === undefined || row === undefined) {
      mismatches.push(
        plan === undefined
          ? {
              kind: 'no-plan',
              householdId,
              reference,
              message: { zh: `农户 ${householdId} 没有拨付计划`, en: `Household ${householdId} has no funding plan` },
            }
          : {
              kind: 'not-in-plan',
              householdId,
              installment,
              reference,
              message: {
                zh: `农户 ${householdId} 的拨付计划没有第${installment + 1}期`,
                en: `The plan of household ${householdId} has no installment ${installment + 1}`,
              },
            },
      );
      continue;
    }
    const line = byInstallment[installment];
    const key = `${householdId}#${installment}`;
    if (seen.has(key)) {
      mismatches.push({
        kind: 'duplicate',
        householdId,
        installment,
        reference,
        message: {
          zh: `农户 ${householdId} 第${installment + 1}期有多条拨付记录`,
          en: `Household ${householdId} has more than one ledger entry for installment ${installment + 1}`,
        },
      });
    } else {
      seen.add(key);
      total.released += row.amount;
      if (line) line.released += row.amount;
      for (const source of FUNDING_SOURCES) bySource[source].released += row.bySource[source];
    }
    if (amount !== row.amount) {
      mismatches.push({
        kind: 'amount',
        householdId,
        installment,
        reference,
        message: {
          zh: `农户 ${householdId} 第${installment + 1}期拨付${amount}分，计划为${row.amount}分`,
          en: `Household ${householdId} installment ${installment + 1}: ${amount} fen in the ledger, ${row.amount} fen planned`,
        },
      });
    }
    if (line) line[bucket] += amount;
    const split = paymentBySource(plan, row, amount);
    for (const source of FUNDING_SOURCES) bySource[source][bucket] += split[source];
  }

  for (const [householdId, paid] of paidByHousehold) {
    const plan = planOf.get(householdId);
    if (plan !== undefined && paid > plan.approvedSubsidy) {
      mismatches.push({
        kind: 'over-subsidy',
        householdId,
        message: {
          zh: `农户 ${householdId} 拨付合计${paid}分，超过核定补助${plan.approvedSubsidy}分`,
          en: `Household ${householdId}: ${paid} fen in the ledger, more than the approved ${plan.approvedSubsidy} fen`,
        },
      });
    }
  }
  for (const line of byInstallment) {
    if (line && unbalanced(line)) {
      mismatches.push({
        kind: 'unbalanced',
        installment: line.installment,
        message: {
          zh: `第${line.installment + 1}期：拨付数与支付、在途、失败合计不符（${describe(line)}）`,
          en: `Installment ${line.installment + 1}: released is not paid + pending + failed (${describe(line)})`,
        },
      });
    }
  }
  for (const source of FUNDING_SOURCES) {
    const line = bySource[source];
    if (unbalanced(line)) {
      mismatches.push({
        kind: 'unbalanced',
        source,
        message: {
          zh: `资金来源 ${source}：拨付数与支付、在途、失败合计不符（${describe(line)}）`,
          en: `Source ${source}: released is not paid + pending + failed (${describe(line)})`,
        },
      });
    }
  }
  if (unbalanced(total)) {
    mismatches.push({
      kind: 'unbalanced',
      message: {
        zh: `合计：拨付数与支付、在途、失败合计不符（${describe(total)}）`,
        en: `Total: released is not paid + pending + failed (${describe(total)})`,
      },
    });
  }
  return { byInstallment: byInstallment.filter((line) => line !== undefined), bySource, total, mismatches };
}
