import { describe, expect, it } from 'vitest';
import { demoProgram } from '../../../contract/examples';
import { ForbiddenError } from '../../../domain/errors';
import { approvePayment, type LedgerPayment } from '../../../domain/funding/bank';
import { buildFundingPlan } from '../../../domain/funding/plan';
import {
  canRelease,
  checkApproval,
  type MilestoneFacts,
  passedMilestonesOf,
  type ReleaseCheck,
} from '../../../domain/funding/release';
import type { Actor } from '../../../domain/model';
import { actorOf, demoUser } from '../../../tools/demo/users';

const CJK = /[\u3400-\u9fff]/;
const plan = buildFundingPlan(demoProgram, { householdId: 'hh-1', approvedSubsidy: 3_000_000 });
const rows = plan.installments;
const ledgerOf = (...installments: number[]) =>
  installments.map((installment) => ({ installment, amount: rows[installment]?.amount ?? 0 }));
const allPassed: MilestoneFacts = {
  agreementSigned: true,
  passedMilestones: ['foundation', 'main-structure', 'acceptance'],
};

function reasonOf(check: ReleaseCheck): { zh: string; en: string } {
  if (check.ok) throw new Error('expected a refusal');
  expect(check.reason.zh).toMatch(CJK);
  return check.reason;
}

describe('canRelease', () => {
  it('releases the advance once the agreement is signed, not before', () => {
    const before = canRelease({
      plan,
      installmentIndex: 0,
      ledger: [],
      facts: { agreementSigned: false, passedMilestones: [] },
    });
    expect(reasonOf(before).en).toContain('signed agreement');
    expect(canRelease({ plan, installmentIndex: 0, ledger: [], facts: allPassed })).toEqual({
      ok: true,
      amount: 900_000,
    });
  });

  it('refuses an installment out of order even when its milestone passed', () => {
    const check = canRelease({ plan, installmentIndex: 1, ledger: [], facts: allPassed });
    expect(reasonOf(check).en).toContain('in order');
    expect(canRelease({ plan, installmentIndex: 2, ledger: ledgerOf(0), facts: allPassed }).ok).toBe(false);
  });

  it('refuses an inspected milestone before its inspection passed', () => {
    const facts = { agreementSigned: true, passedMilestones: [] };
    const check = canRelease({ plan, installmentIndex: 1, ledger: ledgerOf(0), facts });
    expect(reasonOf(check).en).toContain('milestone foundation');
    expect(
      canRelease({
        plan,
        installmentIndex: 1,
        ledger: ledgerOf(0),
        facts: { ...facts, passedMilestones: ['foundation'] },
      }),
    ).toEqual({ ok: true, amount: 900_000 });
  });

  it('pays the last installment only after final acceptance passed', () => {
    const facts = { agreementSigned: true, passedMilestones: ['foundation', 'main-structure'] };
    const check = canRelease({ plan, installmentIndex: 3, ledger: ledgerOf(0, 1, 2), facts });
    expect(reasonOf(check).en).toContain('final acceptance');
    expect(canRelease({ plan, installmentIndex: 3, ledger: ledgerOf(0, 1, 2), facts: allPassed }).ok).toBe(true);
  });

  it('never releases an installment twice, whatever its bank status', () => {
    const check = canRelease({ plan, installmentIndex: 1, ledger: ledgerOf(0, 1), facts: allPassed });
    expect(reasonOf(check).en).toContain('already released');
  });

  it('never releases more than the approved subsidy', () => {
    const inflated = [{ installment: 0, amount: 2_500_000 }];
    const check = canRelease({ plan, installmentIndex: 1, ledger: inflated, facts: allPassed });
    expect(reasonOf(check).en).toContain('exceed the approved subsidy of 3000000 fen');
  });

  it('refuses a rejected household and an installment the plan does not have', () => {
    expect(canRelease({ plan, installmentIndex: 0, ledger: [], facts: { ...allPassed, phase: 'rejected' } }).ok).toBe(
      false,
    );
    expect(reasonOf(canRelease({ plan, installmentIndex: 4, ledger: ledgerOf(0, 1, 2, 3), facts: allPassed })).en).toBe(
      'The plan has no installment 5',
    );
  });
});

describe('passedMilestonesOf', () => {
  it('counts a milestone passed once its latest round passed, and not when a later round failed', () => {
    const passed = passedMilestonesOf([
      { milestone: 'foundation', round: 2, result: 'pass' },
      { milestone: 'foundation', round: 1, result: 'fail' },
      { milestone: 'main-structure', round: 1, result: 'pass' },
      { milestone: 'main-structure', round: 2, result: 'fail' },
      { milestone: 'acceptance', round: 1, result: 'fail' },
    ]);
    expect(passed).toEqual(['foundation']);
  });
});

describe('maker-checker', () => {
  const maker = actorOf(demoUser('chen.caizheng'));
  const checker: Actor = { username: 'zhou.caizheng', roles: ['finance'], county: maker.county };
  const prepared = { preparedBy: maker.username, county: '522327' };

  it('lets a second finance user of the same county approve', () => {
    expect(checkApproval(prepared, checker)).toEqual({ ok: true });
  });

  it('refuses self-approval with a clear reason', () => {
    const check = checkApproval(prepared, maker);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.reason.en).toBe('The user who prepared a release cannot approve it; another finance user must');
      expect(check.reason.zh).toContain('经办人不能复核');
    }
  });

  it('refuses a non-finance user, another county, and a second approval', () => {
    expect(checkApproval(prepared, { ...checker, roles: ['construction'] }).ok).toBe(false);
    expect(checkApproval(prepared, { ...checker, county: '522301' }).ok).toBe(false);
    expect(checkApproval({ ...prepared, approvedBy: 'wu.caizheng' }, checker).ok).toBe(false);
  });

  it('records the approver on the ledger entry, and throws ForbiddenError on self-approval', () => {
    const payment: LedgerPayment = {
      householdId: 'hh-1',
      installment: 0,
      amount: 900_000,
      status: 'released',
      reference: 'hh-1-00',
      releasedBy: maker.username,
      releasedAt: '2025-05-07T02:00:00Z',
    };
    const approved = approvePayment(payment, '522327', checker, '2025-05-07T03:00:00Z');
    expect(approved).toEqual({ ...payment, approvedBy: 'zhou.caizheng', approvedAt: '2025-05-07T03:00:00Z' });
    expect(() => approvePayment(payment, '522327', maker, '2025-05-07T03:00:00Z')).toThrow(ForbiddenError);
  });
});
