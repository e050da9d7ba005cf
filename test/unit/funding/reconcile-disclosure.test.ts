import { describe, expect, it } from 'vitest';
import { demoApplication, demoProgram } from '../../../contract/examples';
import { disclosureCsv, disclosureRows } from '../../../domain/funding/disclosure';
import { buildFundingPlan, type FundingPlan } from '../../../domain/funding/plan';
import { type ReconciledPayment, reconcile } from '../../../domain/funding/reconcile';
import { FUNDING_SOURCES, type FundingSource } from '../../../domain/funding/sources';

const program = {
  installments: demoProgram.installments,
  fundingSources: [
    { source: 'central-provincial' as const, percent: 50 },
    { source: 'prefecture' as const, percent: 20 },
    { source: 'county' as const, percent: 20 },
    { source: 'integrated' as const, percent: 10 },
  ],
};
const planA = buildFundingPlan(program, { householdId: 'hh-1', approvedSubsidy: 3_000_000 });
const planB = buildFundingPlan(program, { householdId: 'hh-2', approvedSubsidy: 3_333_333 });
const plans = [planA, planB];

function cell(plan: FundingPlan, installment: number): number {
  return plan.installments[installment]?.amount ?? Number.NaN;
}
function sourceCell(plan: FundingPlan, installment: number, source: FundingSource): number {
  return plan.installments[installment]?.bySource[source] ?? Number.NaN;
}
function pay(
  householdId: string,
  installment: number,
  status: ReconciledPayment['status'],
  amount?: number,
): ReconciledPayment {
  const plan = householdId === 'hh-1' ? planA : planB;
  return {
    householdId,
    installment,
    amount: amount ?? cell(plan, installment),
    status,
    reference: `${householdId}-0${installment}`,
  };
}

describe('reconcile', () => {
  const ledger = [pay('hh-1', 0, 'paid'), pay('hh-1', 1, 'released'), pay('hh-2', 0, 'failed')];

  it('splits released money into paid, pending and failed per installment', () => {
    const { byInstallment, total, mismatches } = reconcile(plans, ledger);
    expect(mismatches).toEqual([]);
    expect(byInstallment[0]).toEqual({
      installment: 0,
      label: '开工预拨',
      released: cell(planA, 0) + cell(planB, 0),
      paid: cell(planA, 0),
      pending: 0,
      failed: cell(planB, 0),
    });
    expect(byInstallment[1]).toMatchObject({ released: cell(planA, 1), pending: cell(planA, 1), paid: 0, failed: 0 });
    expect(byInstallment[3]).toMatchObject({ released: 0, paid: 0, pending: 0, failed: 0 });
    expect(total).toEqual({
      released: 900_000 + 900_000 + 999_999,
      paid: 900_000,
      pending: 900_000,
      failed: 999_999,
    });
  });

  it('splits the same money per source from the plan cells', () => {
    const { bySource } = reconcile(plans, ledger);
    for (const source of FUNDING_SOURCES) {
      expect(bySource[source]).toEqual({
        released: sourceCell(planA, 0, source) + sourceCell(planA, 1, source) + sourceCell(planB, 0, source),
        paid: sourceCell(planA, 0, source),
        pending: sourceCell(planA, 1, source),
        failed: sourceCell(planB, 0, source),
      });
    }
  });

  it('lists a ledger amount that differs from the plan, and the imbalance it causes', () => {
    const { mismatches, byInstallment } = reconcile(plans, [pay('hh-1', 0, 'paid', 900_001)]);
    expect(byInstallment[0]).toMatchObject({ released: 900_000, paid: 900_001 });
    expect(mismatches.map((m) => [m.kind, m.installment ?? m.source ?? 'total'])).toEqual([
      ['amount', 0],
      ['unbalanced', 0],
      // The odd fen goes where the remainder always goes: the last configured source.
      ['unbalanced', 'integrated'],
      ['unbalanced', 'total'],
    ]);
    expect(mismatches[0]?.message.en).toContain('900001 fen in the ledger, 900000 fen planned');
  });

  it('lists a payment without a plan, outside the plan, a duplicate, and an over-paid household', () => {
    const { mismatches } = reconcile(plans, [
      pay('hh-9', 0, 'paid', 100),
      pay('hh-1', 7, 'paid', 100),
      pay('hh-2', 0, 'paid'),
      pay('hh-2', 0, 'paid'),
      pay('hh-2', 1, 'paid', 3_000_000),
    ]);
    const kinds = mismatches.map((m) => m.kind);
    expect(kinds).toContain('no-plan');
    expect(kinds).toContain('not-in-plan');
    expect(kinds).toContain('duplicate');
    expect(kinds).toContain('over-subsidy');
    expect(mismatches.find((m) => m.kind === 'duplicate')?.householdId).toBe('hh-2');
    expect(mismatches.find((m) => m.kind === 'over-subsidy')?.householdId).toBe('hh-2');
    expect(kinds.filter((k) => k === 'unbalanced').length).toBeGreaterThan(0);
  });
});

describe('public disclosure', () => {
  const households = [1, 2].map((n) => {
    const app = demoApplication(n);
    return { householdId: `hh-${n}`, villageCode: app.villageCode, head: app.head, bankAccount: app.bankAccount };
  });
  const rows = disclosureRows(
    plans,
    [pay('hh-1', 0, 'paid'), pay('hh-1', 1, 'released'), pay('hh-2', 0, 'failed')],
    households,
  );

  it('discloses approved and paid money per household, counting only what the bank paid', () => {
    expect(rows.map((r) => [r.householdId, r.approvedSubsidy, r.paid, r.installmentsPaid])).toEqual([
      ['hh-1', 3_000_000, 900_000, 1],
      ['hh-2', 3_333_333, 0, 0],
    ]);
  });

  it('masks ID numbers and bank accounts, in the rows and in the CSV', () => {
    const csv = disclosureCsv(rows);
    for (const [i, h] of households.entries()) {
      const row = rows[i];
      expect(row?.maskedIdNumber).toBe(`${h.head.idNumber.slice(0, 6)}********${h.head.idNumber.slice(-4)}`);
      expect(row?.maskedBankAccount).toBe(`****${h.bankAccount?.slice(-4)}`);
      expect(csv).not.toContain(h.head.idNumber);
      expect(csv).not.toContain(h.bankAccount);
      expect(csv).toContain(h.head.name);
    }
    expect(csv.split('\r\n')[1]).toMatch(/,30000\.00,9000\.00,1\/4$/);
  });
});
