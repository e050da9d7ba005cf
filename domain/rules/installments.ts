/**
 * Phased funding: the approved subsidy is released in installments by percent of the plan.
 * Amounts are integer fen; each installment gets the floor of its share and the last takes the
 * remainder, so the installments always add up to the approved subsidy exactly.
 */
import { ValidationError } from '../errors';
import { ACCEPTANCE_MILESTONE, AGREEMENT_MILESTONE } from '../funding/release';
import type { Mode } from '../model';

export function splitInstallments(totalFen: number, plan: readonly { percent: number }[]): number[] {
  if (!Number.isSafeInteger(totalFen) || totalFen < 0) {
    throw new RangeError(`total must be a non-negative integer number of fen: ${totalFen}`);
  }
  if (plan.length === 0) throw new RangeError('an installment plan needs at least one installment');
  const percentTotal = plan.reduce((sum, i) => sum + i.percent, 0);
  if (percentTotal !== 100 || plan.some((i) => !Number.isInteger(i.percent) || i.percent < 0)) {
    throw new RangeError(`installment percentages must be non-negative integers summing to 100, got ${percentTotal}`);
  }
  const amounts = plan.slice(0, -1).map((i) => Math.floor((totalFen * i.percent) / 100));
  const allocated = amounts.reduce((sum, a) => sum + a, 0);
  amounts.push(totalFen - allocated);
  return amounts;
}

/** Guards a ledger before money moves: integer, non-negative, and summing exactly to the total. */
export function assertInstallmentsSum(amounts: readonly number[], totalFen: number): void {
  const bad = amounts.findIndex((a) => !Number.isSafeInteger(a) || a < 0);
  if (bad >= 0) {
    throw ValidationError.field(`installments.${bad}`, {
      zh: `第${bad + 1}期金额无效`,
      en: `Installment ${bad + 1} is not a non-negative integer amount of fen`,
    });
  }
  const sum = amounts.reduce((s, a) => s + a, 0);
  if (sum !== totalFen) {
    throw ValidationError.field('installments', {
      zh: `各期金额合计${sum}分，与核定补助${totalFen}分不符`,
      en: `Installments add up to ${sum} fen, not the approved ${totalFen} fen`,
    });
  }
}

// ---------------------------------------------------------------- the plan of a mode

/** What choosing a household's installment plan needs of its program. */
export interface PlansOf {
  readonly installments: readonly InstallmentLike[];
  readonly installmentsByMode?:
    | { readonly rebuild?: readonly InstallmentLike[]; readonly repair?: readonly InstallmentLike[] }
    | undefined;
  readonly mainStructureMilestone?: string | undefined;
}
type InstallmentLike = { readonly milestone: string };

/**
 * The installment plan of a household renovated in `mode`: the mode's own plan when the program
 * gives one (a repair need not pass a rebuild's foundation and main-structure inspections), else
 * the program's plan. Before the county fixes the mode, the program's plan.
 */
export function installmentPlanOf<P extends PlansOf>(program: P, mode: Mode | undefined): P['installments'] {
  const own = mode === undefined ? undefined : program.installmentsByMode?.[mode];
  return own ?? program.installments;
}

/** Not inspected during the works: the advance at the agreement and the final acceptance. */
const NOT_INSPECTED: readonly string[] = [AGREEMENT_MILESTONE, ACCEPTANCE_MILESTONE];

/**
 * The milestone whose passed inspection means 主体完工 (main structure finished) for `mode`: the
 * program's `mainStructureMilestone` for a rebuild, else the last inspected milestone of the
 * rebuild plan. A repair has no main structure to finish: undefined.
 */
export function mainStructureMilestoneOf(program: PlansOf, mode: Mode | undefined): string | undefined {
  if (mode !== 'rebuild') return undefined;
  const plan = installmentPlanOf(program, mode);
  if (program.mainStructureMilestone !== undefined) {
    return plan.some((i) => i.milestone === program.mainStructureMilestone)
      ? program.mainStructureMilestone
      : undefined;
  }
  return plan
    .map((i) => i.milestone)
    .filter((m) => !NOT_INSPECTED.includes(m))
    .at(-1);
}
