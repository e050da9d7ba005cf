/**
 * Public disclosure of subsidy payments (资金公开): who received how much, posted in the village and
 * on the county website. ID numbers and bank accounts are masked (domain.md, public notice); the
 * head's name is shown, as on the notice board.
 */
import type { Household, Payment } from '../model';
import { maskBankAccount, maskIdNumber } from '../rules/idNumber';
import { csvLine, UTF8_BOM } from './csv';
import { fenToYuan, sum } from './money';
import type { FundingPlan } from './plan';

export interface DisclosureRow {
  householdId: string;
  villageCode: string;
  headName: string;
  maskedIdNumber: string;
  maskedBankAccount: string;
  approvedSubsidy: number;
  /** Money the bank confirmed as paid; pending and failed payments are not disclosed as paid. */
  paid: number;
  installmentsPaid: number;
  installmentCount: number;
}

export type DisclosedHousehold = Pick<Household, 'householdId' | 'villageCode' | 'head' | 'bankAccount'>;

export function disclosureRows(
  plans: readonly FundingPlan[],
  payments: readonly Pick<Payment, 'householdId' | 'amount' | 'status'>[],
  households: readonly DisclosedHousehold[],
): DisclosureRow[] {
  const byId = new Map(households.map((h) => [h.householdId, h]));
  return plans.map((plan) => {
    const household = byId.get(plan.householdId);
    if (household === undefined) throw new RangeError(`no household ${plan.householdId} for its plan`);
    const paid = payments.filter((p) => p.householdId === plan.householdId && p.status === 'paid');
    return {
      householdId: plan.householdId,
      villageCode: household.villageCode,
      headName: household.head.name,
      maskedIdNumber: maskIdNumber(household.head.idNumber),
      maskedBankAccount: household.bankAccount === undefined ? '' : maskBankAccount(household.bankAccount),
      approvedSubsidy: plan.approvedSubsidy,
      paid: sum(paid.map((p) => p.amount)),
      installmentsPaid: paid.length,
      installmentCount: plan.installments.length,
    };
  });
}

export const DISCLOSURE_CSV_HEADER = [
  '户编号',
  '村代码',
  '户主姓名',
  '身份证号',
  '银行账号',
  '核定补助（元）',
  '已拨付（元）',
  '已拨付期数',
] as const;

/** The disclosure as a CSV for the website or a printout (UTF-8 with BOM so Excel reads it). */
export function disclosureCsv(rows: readonly DisclosureRow[]): string {
  const lines = rows.map((row) =>
    csvLine([
      row.householdId,
      row.villageCode,
      row.headName,
      row.maskedIdNumber,
      row.maskedBankAccount,
      fenToYuan(row.approvedSubsidy),
      fenToYuan(row.paid),
      `${row.installmentsPaid}/${row.installmentCount}`,
    ]),
  );
  return `${UTF8_BOM}${csvLine(DISCLOSURE_CSV_HEADER)}${lines.join('')}`;
}
