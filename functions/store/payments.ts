/**
 * The ledger (`PAY#{nn}` under each household) after a release was prepared: the second finance user's approval,
 * the county's payments due for the bank (GSI2 `PAYDUE#{county}`), the bank's results and retries. Every change is
 * conditioned on the status it expects, so no race pays twice or changes a paid payment.
 */
import type { Bilingual } from '../../domain/errors';
import type { LedgerPayment } from '../../domain/funding/bank';
import {
  householdPartition,
  type Item,
  keys,
  paymentsAwaitingApproval,
  paymentsDue,
  sortKeyPrefix,
  storedPaymentOf,
} from './items';
import type { Page, StoredPayment } from './records';
import { decodeCursor, encodeCursor, StartKey, type Table } from './table';

/** The county-wide lists of payments: released and waiting for the second signature, or approved and waiting for the bank. */
export type PaymentState = 'awaiting-approval' | 'awaiting-bank';

/** A conditional change of a ledger entry, written as one record of a household change (its event in the chain). */
export interface PaymentUpdate {
  update: {
    Key: Record<string, string>;
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  };
  onConflict: Bilingual;
}

export const ALREADY_APPROVED: Bilingual = {
  zh: '该笔拨付已复核或状态已变化，请刷新后重试',
  en: 'The release was already approved or changed meanwhile; reload and retry',
};

export const NO_LONGER_FAILED: Bilingual = {
  zh: '该笔支付已不是失败状态，不能重发',
  en: 'The payment is no longer failed; it is not sent again',
};

export const NO_LONGER_DUE: Bilingual = {
  zh: '该笔支付已不在等待银行回盘',
  en: 'The payment no longer waits for the bank',
};

/** The approval (复核), conditioned on the maker-checker rule: released, not approved, not by its maker. */
export function approvalUpdate(
  payment: LedgerPayment,
  county: string,
  approvedBy: string,
  approvedAt: string,
  day: string,
): PaymentUpdate {
  return {
    update: {
      Key: keys.payment(payment.householdId, payment.installment),
      // Out of the county's list awaiting approval, into its list for the bank.
      UpdateExpression:
        'SET approvedBy = :by, approvedAt = :at, county = :county, GSI2PK = :due, GSI2SK = :dueKey REMOVE GSI1PK, GSI1SK',
      ConditionExpression:
        'attribute_exists(PK) AND #status = :released AND attribute_not_exists(approvedBy) AND releasedBy <> :by',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':by': approvedBy,
        ':at': approvedAt,
        ':county': county,
        ':released': 'released',
        ':due': paymentsDue.partition(county),
        ':dueKey': paymentsDue.sortKey(day, payment.householdId, payment.installment),
      },
    },
    onConflict: ALREADY_APPROVED,
  };
}

/** The bank's answer, only on a payment still waiting for it under that reference: a paid one never changes. */
export function bankResultUpdate(updated: LedgerPayment): PaymentUpdate {
  const paid = updated.status === 'paid';
  const bankReference = updated.bankReference ? ', bankReference = :bankReference' : '';
  return {
    update: {
      Key: keys.payment(updated.householdId, updated.installment),
      UpdateExpression: paid
        ? `SET #status = :status, paidAt = :paidAt${bankReference} REMOVE failureReason, GSI2PK, GSI2SK`
        : `SET #status = :status, failureReason = :reason${bankReference} REMOVE GSI2PK, GSI2SK`,
      ConditionExpression: '#status = :released AND #reference = :reference AND attribute_exists(approvedBy)',
      ExpressionAttributeNames: { '#status': 'status', '#reference': 'reference' },
      ExpressionAttributeValues: {
        ':status': updated.status,
        ':released': 'released',
        ':reference': updated.reference,
        ...(paid ? { ':paidAt': updated.paidAt ?? '' } : { ':reason': updated.failureReason ?? '' }),
        ...(updated.bankReference ? { ':bankReference': updated.bankReference } : {}),
      },
    },
    onConflict: NO_LONGER_DUE,
  };
}

/** A failed payment back into the county's payments due, under the same reference. */
export function retryUpdate(retried: LedgerPayment, county: string, day: string): PaymentUpdate {
  return {
    update: {
      Key: keys.payment(retried.householdId, retried.installment),
      UpdateExpression:
        'SET #status = :released, attempts = :attempts, GSI2PK = :due, GSI2SK = :dueKey REMOVE failureReason',
      ConditionExpression: '#status = :failed AND #reference = :reference',
      ExpressionAttributeNames: { '#status': 'status', '#reference': 'reference' },
      ExpressionAttributeValues: {
        ':released': 'released',
        ':failed': 'failed',
        ':reference': retried.reference,
        ':attempts': retried.attempts ?? 2,
        ':due': paymentsDue.partition(county),
        ':dueKey': paymentsDue.sortKey(day, retried.householdId, retried.installment),
      },
    },
    onConflict: NO_LONGER_FAILED,
  };
}

export interface PaymentStore {
  get(householdId: string, installment: number): Promise<StoredPayment | undefined>;
  /** The ledger of one household. */
  ofHousehold(householdId: string): Promise<LedgerPayment[]>;
  /**
   * Stores the approval of a prepared release. The condition repeats the maker-checker rule, so a second approval,
   * or one racing with another, fails with a ConflictError instead of writing twice.
   */
  approve(payment: LedgerPayment, county: string, approvedBy: string, approvedAt: string, day: string): Promise<void>;
  /**
   * A page of the county's payments in `state`, oldest first, from its sparse index partition (GSI1 `PAYAPPROVE#`,
   * GSI2 `PAYDUE#`), and the count and amount of all of them (a second query of the partition reading only the
   * amounts: a county has tens to a few hundred payments in either state at a time).
   */
  inState(
    county: string,
    state: PaymentState,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<StoredPayment> & { totals: { count: number; amount: number } }>;
  /** Approved payments of a county still waiting for the bank, optionally only those approved on `day`. */
  due(county: string, day?: string): Promise<StoredPayment[]>;
  /**
   * Stores a bank result (`paid` or `failed`) on a payment that is still waiting for the bank under that reference;
   * false when it is not (already paid or failed, e.g. by a concurrent import), so a paid payment never changes again.
   */
  storeBankResult(updated: LedgerPayment): Promise<boolean>;
  /** Sends a failed payment to the bank again under the same reference (back into the county's payments due). */
  retry(retried: LedgerPayment, county: string, day: string): Promise<void>;
}

export function dynamoPaymentStore(table: Table): PaymentStore {
  return {
    get: (householdId, installment) => table.find(keys.payment(householdId, installment), storedPaymentOf),

    async ofHousehold(householdId) {
      const items = await table.queryAll({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :pay)',
        ExpressionAttributeValues: { ':pk': householdPartition(householdId), ':pay': sortKeyPrefix.payment },
      });
      return items.map((item) => storedPaymentOf(item).payment);
    },

    approve(payment, county, approvedBy, approvedAt, day) {
      const { update, onConflict } = approvalUpdate(payment, county, approvedBy, approvedAt, day);
      return table.orConflict(table.update(update), onConflict);
    },

    async inState(county, state, cursor, limit) {
      const where =
        state === 'awaiting-approval'
          ? { index: 'GSI1', partition: paymentsAwaitingApproval.partition(county) }
          : { index: 'GSI2', partition: paymentsDue.partition(county) };
      const partition = {
        IndexName: where.index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': `${where.index}PK` },
        ExpressionAttributeValues: { ':pk': where.partition },
      };
      const [page, amounts] = await Promise.all([
        table.queryPage({ ...partition, Limit: limit, ExclusiveStartKey: decodeCursor(cursor, StartKey) }),
        table.queryAll({
          ...partition,
          ProjectionExpression: '#amount',
          ExpressionAttributeNames: { '#pk': `${where.index}PK`, '#amount': 'amount' },
        }),
      ]);
      const amountOf = (item: Item) => (typeof item.amount === 'number' ? item.amount : 0);
      return {
        items: page.items.map(storedPaymentOf),
        cursor: encodeCursor(page.lastKey),
        totals: { count: amounts.length, amount: amounts.reduce((sum, item) => sum + amountOf(item), 0) },
      };
    },

    async due(county, day) {
      const items = await table.queryAll({
        IndexName: 'GSI2',
        KeyConditionExpression: day === undefined ? 'GSI2PK = :due' : 'GSI2PK = :due AND begins_with(GSI2SK, :day)',
        ExpressionAttributeValues: {
          ':due': paymentsDue.partition(county),
          ...(day === undefined ? {} : { ':day': `${day}#` }),
        },
      });
      return items.map(storedPaymentOf);
    },

    storeBankResult(updated) {
      return table.applied(table.update(bankResultUpdate(updated).update));
    },

    retry(retried, county, day) {
      const { update, onConflict } = retryUpdate(retried, county, day);
      return table.orConflict(table.update(update), onConflict);
    },
  };
}
