/**
 * Both signatures on the record. A payment is prepared by one finance officer (经办, the
 * `release-installment` action), approved by a second (复核), sent to the bank, and answered paid
 * or failed, and a failed one is retried: each of these is an event of the household's hash
 * chain, so the ledger card and an auditor read maker, checker and the bank's answer from the
 * same tamper-evident trail as every other signed step. And the file says truthfully where its
 * money stands: a release waiting for its second signature is not yet paid out (资金拨付: 待复核).
 */
import type { LedgerPayment } from './bank';

/** The events of a payment after its release, in the household's chain beside the steps. */
export const PAYMENT_EVENT_TYPES = ['approve-payment', 'bank-result', 'retry-payment'] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

export interface PaymentEvent {
  type: PaymentEventType;
  details: Record<string, unknown>;
}

function identity(payment: LedgerPayment): Record<string, unknown> {
  return { installment: payment.installment, amount: payment.amount, reference: payment.reference };
}

/** The second signature (复核): who prepared it and who approved it, both named. */
export function approvalEvent(approved: LedgerPayment): PaymentEvent {
  return {
    type: 'approve-payment',
    details: { ...identity(approved), releasedBy: approved.releasedBy, approvedBy: approved.approvedBy },
  };
}

/** The bank's answer for the payment (paid, or failed with its reason), with the bank's own number. */
export function bankResultEvent(answered: LedgerPayment): PaymentEvent {
  return {
    type: 'bank-result',
    details: {
      ...identity(answered),
      status: answered.status,
      attempt: answered.attempts ?? 1,
      ...(answered.paidAt ? { paidAt: answered.paidAt } : {}),
      ...(answered.failureReason ? { failureReason: answered.failureReason } : {}),
      ...(answered.bankReference ? { bankReference: answered.bankReference } : {}),
    },
  };
}

/** A failed payment sent to the bank again under the same reference. */
export function retryEvent(retried: LedgerPayment): PaymentEvent {
  return { type: 'retry-payment', details: { ...identity(retried), attempt: retried.attempts ?? 2 } };
}

/** Where one payment stands. */
export type PaymentState = 'awaiting-approval' | 'awaiting-bank' | 'paid' | 'failed';

export function paymentStateOf(payment: Pick<LedgerPayment, 'status' | 'approvedBy'>): PaymentState {
  if (payment.status === 'paid') return 'paid';
  if (payment.status === 'failed') return 'failed';
  return payment.approvedBy === undefined ? 'awaiting-approval' : 'awaiting-bank';
}

/** Where a household's money stands: installments by state, in plan order. */
export interface MoneyStatus {
  awaitingApproval: number[];
  awaitingBank: number[];
  failed: number[];
  paid: number[];
}

export function moneyStatusOf(
  payments: readonly Pick<LedgerPayment, 'installment' | 'status' | 'approvedBy'>[],
): MoneyStatus {
  const status: MoneyStatus = { awaitingApproval: [], awaitingBank: [], failed: [], paid: [] };
  const key: Record<PaymentState, keyof MoneyStatus> = {
    'awaiting-approval': 'awaitingApproval',
    'awaiting-bank': 'awaitingBank',
    failed: 'failed',
    paid: 'paid',
  };
  for (const payment of [...payments].sort((a, b) => a.installment - b.installment)) {
    status[key[paymentStateOf(payment)]].push(payment.installment);
  }
  return status;
}

/** The signatures and the bank's answer of each payment, as the ledger card prints them. */
export interface PaymentSignatures {
  installment: number;
  amount: number;
  reference: string;
  state: PaymentState;
  /** 经办: who prepared the release, and when. */
  releasedBy: string;
  releasedAt: string;
  /** 复核: who approved it, and when; absent while it awaits the second signature. */
  approvedBy?: string | undefined;
  approvedAt?: string | undefined;
  bankReference?: string | undefined;
  paidAt?: string | undefined;
  failureReason?: string | undefined;
  attempts: number;
}

export function paymentSignatures(payments: readonly LedgerPayment[]): PaymentSignatures[] {
  return [...payments]
    .sort((a, b) => a.installment - b.installment)
    .map((payment) => ({
      installment: payment.installment,
      amount: payment.amount,
      reference: payment.reference,
      state: paymentStateOf(payment),
      releasedBy: payment.releasedBy,
      releasedAt: payment.releasedAt,
      approvedBy: payment.approvedBy,
      approvedAt: payment.approvedAt,
      bankReference: payment.bankReference,
      paidAt: payment.paidAt,
      failureReason: payment.failureReason,
      attempts: payment.attempts ?? 1,
    }));
}
