/**
 * Stands in for the county bank (一卡通 代发) in local mode and in tests: it reads a batch file as
 * `buildBatchCsv` writes it and answers with a result file (回盘) as `parseBankResultCsv` reads it.
 * It pays every line unless told to fail some, which is how the failure and retry paths are exercised
 * without a bank. A real bank adapter would replace it, behind the same two file formats.
 */
import { BATCH_CSV_HEADER, csvLine, parseCsv, RESULT_CSV_COLUMNS } from '../../domain/funding';

export interface BankSimulation {
  /** Fail every n-th payment of the batch (1-based: 2 fails the 2nd, 4th, ...). */
  readonly failEvery?: number;
  /** Fail these references whatever their position. */
  readonly failReferences?: readonly string[];
  /** Settlement time written on paid lines. @default the current time */
  readonly paidAt?: string;
}

const REFERENCE_COLUMN = BATCH_CSV_HEADER.indexOf('业务参考号');
const ACCOUNT_COLUMN = BATCH_CSV_HEADER.indexOf('银行账号');

/** The bank's answer to a batch file: one line per payment, `paid` or `failed` with a reason. */
export function simulateBank(batchCsv: string, options: BankSimulation = {}): string {
  const [header, ...rows] = parseCsv(batchCsv);
  if (header === undefined) throw new RangeError('the batch file is empty');
  const paidAt = options.paidAt ?? new Date().toISOString();
  const failing = new Set(options.failReferences ?? []);
  const lines = rows.map((row, index) => {
    const reference = row.fields[REFERENCE_COLUMN] ?? '';
    const account = row.fields[ACCOUNT_COLUMN] ?? '';
    if (row.error !== undefined || reference === '') {
      return csvLine([reference, 'failed', `malformed batch line ${row.line}`, '']);
    }
    const failEvery = options.failEvery;
    if (failing.has(reference) || (failEvery !== undefined && failEvery > 0 && (index + 1) % failEvery === 0)) {
      return csvLine([reference, 'failed', `账户状态异常 account ${account.slice(-4)} not active`, '']);
    }
    // The bank's own transaction number (银行流水号), kept on the ledger and the ledger card.
    return csvLine([
      reference,
      'paid',
      '',
      paidAt,
      `SIM${paidAt.slice(0, 10).replaceAll('-', '')}${String(index + 1).padStart(6, '0')}`,
    ]);
  });
  return `${csvLine(RESULT_CSV_COLUMNS)}${lines.join('')}`;
}
