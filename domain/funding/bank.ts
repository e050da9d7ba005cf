/**
 * The bank side of a release (社会化发放, 一卡通): approved payments go to the bank in a batch
 * file, the bank answers with a result file, and the results move each ledger entry to `paid` or
 * `failed`. A failed payment is retried under the SAME reference, so the bank can recognise it and
 * the ledger can never hold two paid entries for one installment.
 */
import { z } from 'zod';
import {
  type Bilingual,
  bilingualIssue,
  ConflictError,
  type FieldMessage,
  ForbiddenError,
  ValidationError,
  validationErrorFromZod,
} from '../errors';
import { type Actor, type Household, Payment } from '../model';
import { maskIdNumber } from '../rules/idNumber';
import { csvLine, parseCsv, UTF8_BOM } from './csv';
import { fenToYuan } from './money';
import { checkApproval } from './release';

/** A ledger entry with its maker-checker and bank facts; `released` means sent or waiting for the bank. */
export const LedgerPayment = Payment.extend({
  /** The second finance user who approved the release (复核); `releasedBy` prepared it (经办). */
  approvedBy: z.string().optional(),
  approvedAt: z.string().optional(),
  paidAt: z.string().optional(),
  failureReason: z.string().optional(),
  /** Bank attempts under this reference: 1, then one more per retry after a failure. */
  attempts: z.number().int().positive().optional(),
  /** The bank's own transaction number (银行流水号) from its result file, when it gives one. */
  bankReference: z.string().optional(),
});
export type LedgerPayment = z.infer<typeof LedgerPayment>;

/** Approves a prepared release; throws ForbiddenError with the maker-checker reason when refused. */
export function approvePayment(payment: LedgerPayment, county: string, approver: Actor, now: string): LedgerPayment {
  const check = checkApproval({ preparedBy: payment.releasedBy, county, approvedBy: payment.approvedBy }, approver);
  if (!check.ok) throw new ForbiddenError(check.reason);
  return { ...payment, approvedBy: approver.username, approvedAt: now };
}

/** Sends a failed payment to the bank again under the same reference. */
export function retryPayment(payment: LedgerPayment): LedgerPayment {
  if (payment.status !== 'failed') {
    throw new ConflictError({
      zh: `业务参考号 ${payment.reference} 的状态为 ${payment.status}，只有失败的支付可以重发`,
      en: `Payment ${payment.reference} is ${payment.status}; only a failed payment is retried`,
    });
  }
  const { failureReason: _failed, ...rest } = payment;
  return { ...rest, status: 'released', attempts: (payment.attempts ?? 1) + 1 };
}

// ---------------------------------------------------------------- batch file

export type BatchHousehold = Pick<Household, 'householdId' | 'head' | 'bankAccount'>;

/**
 * Household id, head name, masked ID number, bank account, amount (yuan), reference. The header is
 * in Chinese because the county's bank reads it.
 */
export const BATCH_CSV_HEADER = [
  '户编号',
  '户主姓名',
  '身份证号（脱敏）',
  '银行账号',
  '金额（元）',
  '业务参考号',
] as const;

/** Excel runs a cell that starts with one of these as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Payments that go into today's batch: released to the bank side and approved by a second user. */
export function isBatchReady(payment: LedgerPayment): boolean {
  return payment.status === 'released' && payment.approvedBy !== undefined;
}

/**
 * The batch file for the bank: UTF-8 with BOM, CRLF, one line per approved payment waiting for the
 * bank (others are left out). Throws ValidationError naming every payment that cannot be sent
 * (unknown household, no bank account, a name Excel would run as a formula).
 */
export function buildBatchCsv(payments: readonly LedgerPayment[], households: readonly BatchHousehold[]): string {
  const byId = new Map(households.map((h) => [h.householdId, h]));
  const problems: FieldMessage[] = [];
  const lines: string[] = [];
  for (const payment of payments.filter(isBatchReady)) {
    const household = byId.get(payment.householdId);
    const path = `payments.${payment.reference}`;
    if (household === undefined) {
      problems.push({
        path,
        message: { zh: `找不到农户 ${payment.householdId}`, en: `Unknown household ${payment.householdId}` },
      });
      continue;
    }
    if (household.bankAccount === undefined) {
      problems.push({
        path,
        message: {
          zh: `农户 ${payment.householdId} 没有登记一卡通账号`,
          en: `Household ${payment.householdId} has no social-assistance card account`,
        },
      });
      continue;
    }
    if (FORMULA_START.test(household.head.name)) {
      problems.push({
        path,
        message: {
          zh: `农户 ${payment.householdId} 的户主姓名以特殊字符开头，请更正`,
          en: `The head name of household ${payment.householdId} starts with a formula character; correct it`,
        },
      });
      continue;
    }
    lines.push(
      csvLine([
        payment.householdId,
        household.head.name,
        maskIdNumber(household.head.idNumber),
        // The full account, unlike every other output: the bank cannot pay a masked account.
        household.bankAccount,
        fenToYuan(payment.amount),
        payment.reference,
      ]),
    );
  }
  if (problems.length > 0) {
    throw new ValidationError(problems, {
      messages: {
        zh: `有 ${problems.length} 笔支付无法生成批量文件`,
        en: `${problems.length} payment(s) cannot go into the batch file`,
      },
    });
  }
  return `${UTF8_BOM}${csvLine(BATCH_CSV_HEADER)}${lines.join('')}`;
}

// ---------------------------------------------------------------- result file

/** Columns of the bank's result file (回盘文件); `reference` and `status` are required. */
export const RESULT_CSV_COLUMNS = ['reference', 'status', 'reason', 'paidAt', 'bankReference'] as const;
type ResultColumn = (typeof RESULT_CSV_COLUMNS)[number];

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

export const BankResult = z
  .object({
    reference: z.string().trim().min(1).max(80),
    status: z.enum(['paid', 'failed']),
    reason: z.preprocess(emptyToUndefined, z.string().trim().max(200).optional()),
    paidAt: z.preprocess(emptyToUndefined, z.iso.datetime({ offset: true }).optional()),
    /** The bank's transaction number (银行流水号), kept on the ledger and the ledger card. */
    bankReference: z.preprocess(emptyToUndefined, z.string().trim().max(64).optional()),
  })
  .superRefine((row, ctx) => {
    if (row.status === 'failed' && row.reason === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['reason'],
        ...bilingualIssue({ zh: '失败的支付须注明原因', en: 'A failed payment needs a reason' }),
      });
    }
  });
export type BankResult = z.infer<typeof BankResult> & { line: number };

function lineMessage(line: number, message: Bilingual): Bilingual {
  return { zh: `第${line}行：${message.zh}`, en: `Line ${line}: ${message.en}` };
}

/**
 * Parses the bank's result file. Every bad line is reported at once, by its line number (the
 * header is line 1), as a ValidationError with one field per problem (`lines.{n}[.column]`).
 */
export function parseBankResultCsv(text: string): BankResult[] {
  const [header, ...rows] = parseCsv(text);
  const headerProblem = (message: Bilingual) =>
    new ValidationError([{ path: 'lines.1', message: lineMessage(1, message) }], {
      messages: lineMessage(1, message),
    });
  if (header === undefined) throw headerProblem({ zh: '回盘文件为空', en: 'The result file is empty' });
  const names = header.fields.map((f) => f.trim());
  const columns = new Map<ResultColumn, number>();
  for (const column of RESULT_CSV_COLUMNS) {
    const index = names.findIndex((name) => name.toLowerCase() === column.toLowerCase());
    if (index >= 0) columns.set(column, index);
  }
  if (!columns.has('reference') || !columns.has('status')) {
    throw headerProblem({
      zh: `表头须包含 reference 和 status 列，实际为：${names.join(',')}`,
      en: `The header needs reference and status columns, found: ${names.join(',')}`,
    });
  }
  const problems: FieldMessage[] = [];
  const results: BankResult[] = [];
  for (const record of rows) {
    const path = `lines.${record.line}`;
    if (record.error !== undefined) {
      problems.push({ path, message: lineMessage(record.line, record.error) });
      continue;
    }
    if (record.fields.length > names.length) {
      problems.push({
        path,
        message: lineMessage(record.line, {
          zh: `有${record.fields.length}列，表头只有${names.length}列`,
          en: `${record.fields.length} fields, but the header has ${names.length}`,
        }),
      });
      continue;
    }
    const raw: Partial<Record<ResultColumn, string>> = {};
    for (const [column, index] of columns) raw[column] = record.fields[index] ?? '';
    const parsed = BankResult.safeParse(raw);
    if (parsed.success) {
      results.push({ ...parsed.data, line: record.line });
      continue;
    }
    for (const field of validationErrorFromZod(parsed.error).fields) {
      problems.push({
        path: field.path === '' ? path : `${path}.${field.path}`,
        message: lineMessage(record.line, field.message),
      });
    }
  }
  if (problems.length > 0) {
    throw new ValidationError(problems, {
      messages: {
        zh: `回盘文件有 ${problems.length} 处错误`,
        en: `The result file has ${problems.length} error(s)`,
      },
    });
  }
  return results;
}

// ---------------------------------------------------------------- applying results

export interface IgnoredResult {
  reference: string;
  line: number;
  reason: Bilingual;
}

export interface AppliedResults {
  /** Every payment, updated where a result applied (the inputs are not changed). */
  payments: LedgerPayment[];
  /** References whose status changed, in file order. */
  applied: { reference: string; status: 'paid' | 'failed'; line: number }[];
  /** Results that changed nothing and need a person to look at them. */
  ignored: IgnoredResult[];
}

/**
 * Applies the bank's results in file order. Only a payment waiting for the bank (`released`)
 * changes; a second `paid` for a paid reference is ignored and reported (the money moved once), as
 * is a result for an unknown reference or for a failed payment that was not retried.
 */
export function applyBankResults(payments: readonly LedgerPayment[], results: readonly BankResult[]): AppliedResults {
  const byReference = new Map<string, LedgerPayment>();
  for (const payment of payments) {
    if (byReference.has(payment.reference)) {
      throw new ConflictError({
        zh: `台账中业务参考号 ${payment.reference} 重复`,
        en: `The ledger holds reference ${payment.reference} twice`,
      });
    }
    byReference.set(payment.reference, payment);
  }
  const applied: AppliedResults['applied'] = [];
  const ignored: IgnoredResult[] = [];
  for (const result of results) {
    const { reference, line } = result;
    const payment = byReference.get(reference);
    if (payment === undefined) {
      ignored.push({ reference, line, reason: { zh: '台账中没有该业务参考号', en: 'No payment has this reference' } });
    } else if (payment.status === 'paid') {
      ignored.push({
        reference,
        line,
        reason:
          result.status === 'paid'
            ? { zh: '该笔已支付，重复的成功回盘已忽略', en: 'Already paid; the repeated paid result is ignored' }
            : {
                zh: '该笔已支付，银行又回报失败，请人工核对',
                en: 'Already paid, yet reported failed; check it by hand',
              },
      });
    } else if (payment.status === 'failed') {
      ignored.push({
        reference,
        line,
        reason: { zh: '该笔已失败且未重发，回盘已忽略', en: 'The payment failed and was not retried; result ignored' },
      });
    } else if (result.status === 'paid') {
      const { failureReason: _previous, ...rest } = payment;
      byReference.set(reference, {
        ...rest,
        status: 'paid',
        ...(result.paidAt ? { paidAt: result.paidAt } : {}),
        ...(result.bankReference ? { bankReference: result.bankReference } : {}),
      });
      applied.push({ reference, status: 'paid', line });
    } else {
      byReference.set(reference, {
        ...payment,
        status: 'failed',
        failureReason: result.reason ?? '',
        ...(result.bankReference ? { bankReference: result.bankReference } : {}),
      });
      applied.push({ reference, status: 'failed', line });
    }
  }
  return { payments: payments.map((p) => byReference.get(p.reference) ?? p), applied, ignored };
}
