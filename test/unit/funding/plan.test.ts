import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoProgram } from '../../../contract/examples';
import { ConflictError, ValidationError } from '../../../domain/errors';
import { buildFundingPlan, changeApprovedSubsidy, type FundingPlan } from '../../../domain/funding/plan';
import { FUNDING_SOURCES, type FundingSourceShare } from '../../../domain/funding/sources';
import { ProgramConfig } from '../../../domain/model';

const SEED_SHARES: FundingSourceShare[] = [
  { source: 'central-provincial', percent: 50 },
  { source: 'prefecture', percent: 20 },
  { source: 'county', percent: 20 },
  { source: 'integrated', percent: 10 },
];
const program = { installments: demoProgram.installments, fundingSources: SEED_SHARES };

const rowSum = (bySource: Record<string, number>) => Object.values(bySource).reduce((s, a) => s + a, 0);
const amounts = (plan: FundingPlan) => plan.installments.map((row) => row.amount);

/** Percentages summing to 100 from distinct cut points in 1..99. */
const percents = (maxParts: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: maxParts - 1 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), 100];
    return points.slice(1).map((p, i) => p - (points[i] ?? 0));
  });

const installmentPlan = percents(10).map((ps) =>
  ps.map((percent, i) => ({ milestone: `m${i}`, label: `L${i}`, percent })),
);
const sourceShares = fc.shuffledSubarray([...FUNDING_SOURCES], { minLength: 1 }).chain((sources) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: sources.length - 1, maxLength: sources.length - 1 })
    .map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), 100];
      return sources.map((source, i) => ({ source, percent: (points[i + 1] ?? 100) - (points[i] ?? 0) }));
    }),
);
const total = fc.integer({ min: 0, max: 1_000_000_000 });

describe('funding plan', () => {
  it('splits 3,333,333 fen in 30/30/20/20 with sources 50/20/20/10, the last part taking each remainder', () => {
    const plan = buildFundingPlan(program, { householdId: 'hh-1', approvedSubsidy: 3_333_333 });

    // 30% of 3,333,333 is 999,999.9: floors to 999,999; the last installment takes 666,669.
    expect(amounts(plan)).toEqual([999_999, 999_999, 666_666, 666_669]);
    // 999,999 by 50/20/20/10: 499,999 + 199,999 + 199,999, the last source takes 100,002.
    expect(plan.installments[0]?.bySource).toEqual({
      'central-provincial': 499_999,
      prefecture: 199_999,
      county: 199_999,
      integrated: 100_002,
    });
    expect(plan.installments[2]?.bySource).toEqual({
      'central-provincial': 333_333,
      prefecture: 133_333,
      county: 133_333,
      integrated: 66_667,
    });
    expect(plan.installments[3]?.bySource).toEqual({
      'central-provincial': 333_334,
      prefecture: 133_333,
      county: 133_333,
      integrated: 66_669,
    });
    expect(plan.sourceTotals).toEqual({
      'central-provincial': 1_666_665,
      prefecture: 666_664,
      county: 666_664,
      integrated: 333_340,
    });
    expect(rowSum(plan.sourceTotals)).toBe(3_333_333);
  });

  it('ties each installment to its milestone and label from the program', () => {
    const plan = buildFundingPlan(program, { householdId: 'hh-1', approvedSubsidy: 3_000_000 });
    expect(plan.installments.map((row) => [row.index, row.milestone, row.percent])).toEqual([
      [0, 'agreement', 30],
      [1, 'foundation', 30],
      [2, 'main-structure', 20],
      [3, 'acceptance', 20],
    ]);
  });

  it('reports own funds and bank loan beside the subsidy without paying them', () => {
    const plan = buildFundingPlan(program, {
      householdId: 'hh-1',
      approvedSubsidy: 3_000_000,
      ownFunds: 800_000,
      bankLoan: 1_500_000,
    });
    expect(plan.ownFunds).toBe(800_000);
    expect(plan.bankLoan).toBe(1_500_000);
    expect(plan.totalInvestment).toBe(5_300_000);
    expect(rowSum(plan.sourceTotals)).toBe(3_000_000);
  });

  it('books everything to the central and provincial subsidy when the program sets no shares', () => {
    const plan = buildFundingPlan(
      { ...demoProgram, fundingSources: undefined },
      { householdId: 'hh-1', approvedSubsidy: 1_000_001 },
    );
    expect(plan.sourceTotals).toEqual({ 'central-provincial': 1_000_001, prefecture: 0, county: 0, integrated: 0 });
  });

  it('refuses negative or fractional amounts with a ValidationError', () => {
    expect(() => buildFundingPlan(program, { householdId: 'hh-1', approvedSubsidy: 10.5 })).toThrow(ValidationError);
    expect(() => buildFundingPlan(program, { householdId: 'hh-1', approvedSubsidy: 100, ownFunds: -1 })).toThrow(
      ValidationError,
    );
  });

  it('adds up to the cent in every row and column for any total, installment plan and source shares', () => {
    fc.assert(
      fc.property(total, installmentPlan, sourceShares, (approvedSubsidy, installments, fundingSources) => {
        const plan = buildFundingPlan({ installments, fundingSources }, { householdId: 'h', approvedSubsidy });
        expect(amounts(plan).reduce((s, a) => s + a, 0)).toBe(approvedSubsidy);
        expect(rowSum(plan.sourceTotals)).toBe(approvedSubsidy);
        const used = new Set(fundingSources.map((s) => s.source));
        for (const row of plan.installments) {
          expect(row.amount).toBeGreaterThanOrEqual(0);
          expect(rowSum(row.bySource)).toBe(row.amount);
          for (const source of FUNDING_SOURCES) {
            expect(row.bySource[source]).toBeGreaterThanOrEqual(0);
            if (!used.has(source)) expect(row.bySource[source]).toBe(0);
          }
        }
        // Every installment but the last is the floor of its share.
        plan.installments.slice(0, -1).forEach((row) => {
          expect(row.amount).toBe(Math.floor((approvedSubsidy * row.percent) / 100));
        });
      }),
    );
  });
});

describe('program funding source shares', () => {
  const withSources = (fundingSources: unknown) => ProgramConfig.safeParse({ ...demoProgram, fundingSources });

  it('accepts shares adding up to 100%', () => {
    expect(withSources(SEED_SHARES).success).toBe(true);
  });

  it('refuses shares that do not add up to 100% or name a source twice', () => {
    const short = withSources([{ source: 'county', percent: 90 }]);
    expect(short.success).toBe(false);
    expect(short.error?.issues[0]?.message).toContain('90%');
    const twice = withSources([
      { source: 'county', percent: 50 },
      { source: 'county', percent: 50 },
    ]);
    expect(twice.success).toBe(false);
    expect(withSources([{ source: 'province', percent: 100 }]).success).toBe(false);
  });
});

describe('tier change after some installments were released', () => {
  const plan = buildFundingPlan(program, { householdId: 'hh-1', approvedSubsidy: 3_000_000 });
  const releasedTwo = [{ installment: 0 }, { installment: 1 }];

  it('keeps released installments and spreads the rest of a higher subsidy over the open ones', () => {
    const changed = changeApprovedSubsidy(plan, 3_500_000, releasedTwo);
    expect(amounts(changed)).toEqual([900_000, 900_000, 850_000, 850_000]);
    expect(changed.installments.slice(0, 2)).toEqual(plan.installments.slice(0, 2));
    expect(changed.approvedSubsidy).toBe(3_500_000);
    expect(rowSum(changed.sourceTotals)).toBe(3_500_000);
  });

  it('lowers the open installments, the last open one taking the odd fen', () => {
    expect(amounts(changeApprovedSubsidy(plan, 2_600_001, releasedTwo))).toEqual([900_000, 900_000, 400_000, 400_001]);
    // One released: 1,100,000 left over 30/20/20 (of 70): 471,428 + 314,285, the last takes 314,287.
    expect(amounts(changeApprovedSubsidy(plan, 2_000_000, [{ installment: 0 }]))).toEqual([
      900_000, 471_428, 314_285, 314_287,
    ]);
  });

  it('leaves nothing to pay when the new subsidy equals what was released', () => {
    expect(amounts(changeApprovedSubsidy(plan, 1_800_000, releasedTwo))).toEqual([900_000, 900_000, 0, 0]);
  });

  it('refuses, in both languages, when more was released than the new subsidy', () => {
    const attempt = () => changeApprovedSubsidy(plan, 1_799_999, releasedTwo);
    expect(attempt).toThrow(ConflictError);
    try {
      attempt();
    } catch (error) {
      expect(error).toBeInstanceOf(ConflictError);
      const { messages } = error as ConflictError;
      expect(messages.en).toContain('1800000 fen was already released');
      expect(messages.zh).toContain('已拨付1800000分');
    }
  });

  it('refuses a change once every installment is released, and a ledger with a gap', () => {
    const all = [0, 1, 2, 3].map((installment) => ({ installment }));
    expect(() => changeApprovedSubsidy(plan, 3_100_000, all)).toThrow(ConflictError);
    expect(amounts(changeApprovedSubsidy(plan, 3_000_000, all))).toEqual(amounts(plan));
    expect(() => changeApprovedSubsidy(plan, 3_100_000, [{ installment: 1 }])).toThrow(ConflictError);
  });

  it('always adds up to the new subsidy and never touches released installments', () => {
    fc.assert(
      fc.property(
        total,
        installmentPlan,
        sourceShares,
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        (approvedSubsidy, installments, fundingSources, releasedWanted, extra) => {
          const before = buildFundingPlan({ installments, fundingSources }, { householdId: 'h', approvedSubsidy });
          const releasedCount = releasedWanted % installments.length;
          const released = Array.from({ length: releasedCount }, (_, installment) => ({ installment }));
          const releasedSum = amounts(before)
            .slice(0, releasedCount)
            .reduce((s, a) => s + a, 0);
          const newSubsidy = Math.min(releasedSum + extra, 1_000_000_000);
          const after = changeApprovedSubsidy(before, newSubsidy, released);
          expect(amounts(after).reduce((s, a) => s + a, 0)).toBe(newSubsidy);
          expect(rowSum(after.sourceTotals)).toBe(newSubsidy);
          expect(after.installments.slice(0, releasedCount)).toEqual(before.installments.slice(0, releasedCount));
          for (const row of after.installments) {
            expect(row.amount).toBeGreaterThanOrEqual(0);
            expect(rowSum(row.bySource)).toBe(row.amount);
          }
          if (releasedSum > 0) {
            expect(() => changeApprovedSubsidy(before, releasedSum - 1, released)).toThrow(ConflictError);
          }
        },
      ),
    );
  });
});
