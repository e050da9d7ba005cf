import { describe, expect, it } from 'vitest';
import { applyBankResults, type LedgerPayment, parseBankResultCsv, retryPayment } from '../../../domain/funding/bank';
import {
  approvalEvent,
  bankResultEvent,
  moneyStatusOf,
  paymentSignatures,
  paymentStateOf,
  retryEvent,
} from '../../../domain/funding/payment-events';

const released: LedgerPayment = {
  householdId: 'hh-1',
  installment: 0,
  amount: 1_050_000,
  status: 'released',
  reference: 'hh-1-00',
  releasedBy: 'chen.caizheng',
  releasedAt: '2026-04-01T02:00:00.000Z',
};
const approved: LedgerPayment = { ...released, approvedBy: 'qian.caizheng', approvedAt: '2026-04-01T03:00:00.000Z' };

describe('payment events in the chain', () => {
  it('records both signatures of an approval by name', () => {
    expect(approvalEvent(approved)).toEqual({
      type: 'approve-payment',
      details: {
        installment: 0,
        amount: 1_050_000,
        reference: 'hh-1-00',
        releasedBy: 'chen.caizheng',
        approvedBy: 'qian.caizheng',
      },
    });
  });

  it("records the bank's answer with its own transaction number, and a retry with its attempt", () => {
    const csv = 'reference,status,reason,paidAt,bankReference\nhh-1-00,failed,账户冻结,,\n';
    const failed = applyBankResults([approved], parseBankResultCsv(csv)).payments[0] as LedgerPayment;
    expect(bankResultEvent(failed)).toEqual({
      type: 'bank-result',
      details: {
        installment: 0,
        amount: 1_050_000,
        reference: 'hh-1-00',
        status: 'failed',
        attempt: 1,
        failureReason: '账户冻结',
      },
    });
    const again = retryPayment(failed);
    expect(retryEvent(again).details).toMatchObject({ reference: 'hh-1-00', attempt: 2 });
    const paidCsv = 'reference,status,reason,paidAt,bankReference\nhh-1-00,paid,,2026-04-03T01:00:00Z,NX20260403001\n';
    const paid = applyBankResults([again], parseBankResultCsv(paidCsv)).payments[0] as LedgerPayment;
    expect(bankResultEvent(paid).details).toMatchObject({ status: 'paid', attempt: 2, bankReference: 'NX20260403001' });
    expect(paid.failureReason).toBeUndefined();
  });
});

describe('where the money stands', () => {
  it('says a release awaits its second signature until a second officer approves it', () => {
    expect(paymentStateOf(released)).toBe('awaiting-approval');
    expect(paymentStateOf(approved)).toBe('awaiting-bank');
    expect(paymentStateOf({ ...approved, status: 'paid' })).toBe('paid');
    expect(paymentStateOf({ ...approved, status: 'failed' })).toBe('failed');
    expect(
      moneyStatusOf([
        { ...approved, installment: 2, status: 'paid' },
        { ...released, installment: 3 },
        { ...approved, installment: 1, status: 'failed' },
      ]),
    ).toEqual({ awaitingApproval: [3], awaitingBank: [], failed: [1], paid: [2] });
  });

  it('lists maker, checker and bank reference per installment for the ledger card', () => {
    const rows = paymentSignatures([{ ...approved, installment: 1, status: 'paid', bankReference: 'NX1' }, released]);
    expect(rows.map((r) => [r.installment, r.state, r.releasedBy, r.approvedBy, r.bankReference])).toEqual([
      [0, 'awaiting-approval', 'chen.caizheng', undefined, undefined],
      [1, 'paid', 'chen.caizheng', 'qian.caizheng', 'NX1'],
    ]);
  });
});
