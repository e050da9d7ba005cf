import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoApplication } from '../../../contract/examples';
import { ConflictError, ValidationError } from '../../../domain/errors';
import {
  applyBankResults,
  type BankResult,
  type BatchHousehold,
  buildBatchCsv,
  type LedgerPayment,
  parseBankResultCsv,
  retryPayment,
} from '../../../domain/funding/bank';
import { csvLine, parseCsv } from '../../../domain/funding/csv';
import { fenToYuan, yuanAmount, yuanText } from '../../../domain/funding/money';

function household(n: number, overrides: Partial<BatchHousehold> = {}): BatchHousehold {
  const app = demoApplication(n);
  return { householdId: `hh-${n}`, head: app.head, bankAccount: app.bankAccount, ...overrides };
}

function payment(
  n: number,
  installment: number,
  amount: number,
  overrides: Partial<LedgerPayment> = {},
): LedgerPayment {
  return {
    householdId: `hh-${n}`,
    installment,
    amount,
    status: 'released',
    reference: `hh-${n}-0${installment}`,
    releasedBy: 'chen.caizheng',
    releasedAt: '2025-06-03T01:00:00Z',
    approvedBy: 'zhou.caizheng',
    approvedAt: '2025-06-03T02:00:00Z',
    ...overrides,
  };
}

function validationFields(run: () => unknown): ValidationError['fields'] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).fields;
  }
  throw new Error('expected a ValidationError');
}

describe('fenToYuan', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [90, '0.90'],
    [333_333, '3333.33'],
    [1_000_000_000, '10000000.00'],
  ])('%i fen is %s yuan', (fen, yuan) => {
    expect(fenToYuan(fen)).toBe(yuan);
  });

  it('loses no fen for any amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        expect(BigInt(fenToYuan(fen).replace('.', ''))).toBe(BigInt(fen));
      }),
    );
  });
});

describe('amounts for people and spreadsheets', () => {
  it('writes an amount of fen in yuan with its unit, and a dash for anything else', () => {
    // One display format of money everywhere: thousands grouped, two decimals.
    expect(yuanText(123_456)).toBe('1,234.56 元');
    expect(yuanText(undefined)).toBe('—');
    expect(yuanText(-1)).toBe('—');
    expect(yuanText(1.5)).toBe('—');
  });

  it('gives a spreadsheet the number of yuan and refuses what is not fen', () => {
    expect(yuanAmount(123_456)).toBe(1234.56);
    expect(() => yuanAmount(-1)).toThrow(RangeError);
  });
});

describe('buildBatchCsv', () => {
  const households = [
    household(1),
    household(2, { head: { ...household(2).head, name: '罗"德才",二' } }),
    household(3),
  ];
  const payments = [
    payment(1, 0, 900_000),
    payment(2, 1, 333_333),
    payment(3, 0, 750_000, { approvedBy: undefined, approvedAt: undefined }),
    payment(3, 1, 5, { status: 'paid' }),
  ];
  const text = buildBatchCsv(payments, households);
  const lines = text.split('\r\n');

  it('starts with a UTF-8 BOM and a header, ends every line with CRLF', () => {
    expect(text.startsWith('\uFEFF户编号,户主姓名,身份证号（脱敏）,银行账号,金额（元）,业务参考号\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('has one line per approved payment waiting for the bank, and none for unapproved or paid ones', () => {
    expect(lines).toHaveLength(4); // header, two payments, and the empty string after the last CRLF
    expect(lines[3]).toBe('');
    expect(text).not.toContain('hh-3');
  });

  it('writes the masked ID, the full account, the amount in yuan and the reference', () => {
    const first = households[0];
    if (first?.bankAccount === undefined) throw new Error('demo household without account');
    const id = first.head.idNumber;
    expect(lines[1]).toBe(
      `hh-1,${first.head.name},${id.slice(0, 6)}********${id.slice(-4)},${first.bankAccount},9000.00,hh-1-00`,
    );
    for (const h of households.slice(0, 2)) {
      expect(text).not.toContain(h.head.idNumber);
      expect(text).toContain(h.bankAccount);
    }
  });

  it('quotes a name holding a comma or quote, and the quoted line reads back unchanged', () => {
    const second = households[1];
    expect(lines[2]).toContain(',"罗""德才"",二",');
    expect(lines[2]).toMatch(/,3333\.33,hh-2-01$/);
    const [, , record] = parseCsv(text);
    expect(record?.fields[1]).toBe(second?.head.name);
  });

  it('refuses, naming each payment, a household that is unknown or has no account', () => {
    const fields = validationFields(() =>
      buildBatchCsv([payment(1, 0, 100), payment(9, 0, 100)], [household(1, { bankAccount: undefined })]),
    );
    expect(fields.map((f) => f.path)).toEqual(['payments.hh-1-00', 'payments.hh-9-00']);
    expect(fields[0]?.message.en).toContain('no social-assistance card account');
    expect(fields[1]?.message.en).toContain('Unknown household hh-9');
  });

  it('refuses a head name that Excel would run as a formula', () => {
    const evil = household(1, { head: { ...household(1).head, name: '=HYPERLINK("x")' } });
    expect(() => buildBatchCsv([payment(1, 0, 100)], [evil])).toThrow(ValidationError);
  });
});

describe('csv round trip', () => {
  it('reads back any fields it wrote', () => {
    const row = fc.array(fc.string({ unit: fc.constantFrom('a', '韦', ',', '"', '\r', '\n', ' ', 'x') }), {
      minLength: 1,
      maxLength: 6,
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 5 }), (rows) => {
        const written = rows.filter((r) => !(r.length === 1 && r[0] === ''));
        const parsed = parseCsv(written.map(csvLine).join(''));
        expect(parsed.map((r) => r.fields)).toEqual(written);
        expect(parsed.every((r) => r.error === undefined)).toBe(true);
      }),
    );
  });
});

describe('parseBankResultCsv', () => {
  it('reads paid and failed rows, with BOM, CRLF, quoted reasons and any column order', () => {
    const text =
      '\uFEFFstatus,reference,reason,paidAt\r\n' +
      'paid,hh-1-00,,2025-06-04T09:30:00+08:00\r\n' +
      'failed,hh-2-01,"账户已销户, 请更正"\r\n' +
      '\r\n';
    expect(parseBankResultCsv(text)).toEqual([
      { reference: 'hh-1-00', status: 'paid', paidAt: '2025-06-04T09:30:00+08:00', line: 2 },
      { reference: 'hh-2-01', status: 'failed', reason: '账户已销户, 请更正', line: 3 },
    ]);
  });

  it('reports a bad line by its line number in both languages', () => {
    const text = 'reference,status,reason,paidAt\nhh-1-00,paid,,\nhh-2-00,ok,,\n';
    const fields = validationFields(() => parseBankResultCsv(text));
    expect(fields).toHaveLength(1);
    expect(fields[0]?.path).toBe('lines.3.status');
    expect(fields[0]?.message.en).toMatch(/^Line 3: /);
    expect(fields[0]?.message.zh).toMatch(/^第3行：/);
  });

  it('reports every bad line at once, counting lines inside quoted fields', () => {
    const text = [
      'reference,status,reason,paidAt',
      'hh-1-00,failed,"two',
      'lines",',
      'hh-2-00,failed,,',
      'hh-3-00,paid,,yesterday',
      ',paid,,',
      'hh-4-00,paid,,,extra',
      'hh-5-00,"pa"id,,',
    ].join('\n');
    const fields = validationFields(() => parseBankResultCsv(text));
    expect(fields.map((f) => f.path)).toEqual([
      'lines.4.reason',
      'lines.5.paidAt',
      'lines.6.reference',
      'lines.7',
      'lines.8',
    ]);
    expect(fields[0]?.message.en).toBe('Line 4: A failed payment needs a reason');
  });

  it('refuses a file without the required columns, or an empty one, at line 1', () => {
    expect(validationFields(() => parseBankResultCsv('ref,result\nhh-1-00,paid\n'))[0]?.path).toBe('lines.1');
    expect(validationFields(() => parseBankResultCsv(''))[0]?.path).toBe('lines.1');
  });

  it('reports an unterminated quote', () => {
    const fields = validationFields(() => parseBankResultCsv('reference,status\nhh-1-00,"paid\n'));
    expect(fields[0]?.message.en).toBe('Line 2: Unterminated quoted field');
  });
});

describe('applyBankResults', () => {
  const result = (reference: string, status: 'paid' | 'failed', line: number, extra: Partial<BankResult> = {}) => ({
    reference,
    status,
    line,
    ...extra,
  });

  it('marks payments paid or failed without changing the inputs', () => {
    const payments = [payment(1, 0, 900_000), payment(2, 0, 900_000)];
    const snapshot = structuredClone(payments);
    const {
      payments: after,
      applied,
      ignored,
    } = applyBankResults(payments, [
      result('hh-1-00', 'paid', 2, { paidAt: '2025-06-04T09:30:00+08:00' }),
      result('hh-2-00', 'failed', 3, { reason: '账户已销户' }),
    ]);
    expect(after.map((p) => [p.reference, p.status])).toEqual([
      ['hh-1-00', 'paid'],
      ['hh-2-00', 'failed'],
    ]);
    expect(after[0]?.paidAt).toBe('2025-06-04T09:30:00+08:00');
    expect(after[1]?.failureReason).toBe('账户已销户');
    expect(applied).toHaveLength(2);
    expect(ignored).toEqual([]);
    expect(payments).toEqual(snapshot);
  });

  it('ignores and reports a second paid for the same reference', () => {
    const once = applyBankResults(
      [payment(1, 0, 900_000)],
      [result('hh-1-00', 'paid', 2), result('hh-1-00', 'paid', 3)],
    );
    expect(once.applied).toEqual([{ reference: 'hh-1-00', status: 'paid', line: 2 }]);
    expect(once.ignored).toHaveLength(1);
    expect(once.ignored[0]?.line).toBe(3);
    expect(once.ignored[0]?.reason.en).toContain('Already paid');
    const again = applyBankResults(once.payments, [result('hh-1-00', 'paid', 2)]);
    expect(again.applied).toEqual([]);
    expect(again.ignored).toHaveLength(1);
  });

  it('retries a failed payment under the same reference and then pays it once', () => {
    const failed = applyBankResults([payment(1, 0, 900_000)], [result('hh-1-00', 'failed', 2, { reason: '户名不符' })])
      .payments[0];
    if (failed === undefined) throw new Error('payment lost');
    const notRetried = applyBankResults([failed], [result('hh-1-00', 'paid', 2)]);
    expect(notRetried.ignored[0]?.reason.en).toContain('not retried');

    const retried = retryPayment(failed);
    expect(retried).toMatchObject({ reference: 'hh-1-00', status: 'released', attempts: 2 });
    expect(retried.failureReason).toBeUndefined();
    const paid = applyBankResults([retried], [result('hh-1-00', 'paid', 2)]);
    expect(paid.payments[0]?.status).toBe('paid');
    expect(() => retryPayment(retried)).toThrow(ConflictError);
  });

  it('reports a result for an unknown reference and refuses a ledger with a reference twice', () => {
    expect(applyBankResults([payment(1, 0, 1)], [result('nope', 'paid', 2)]).ignored[0]?.reason.en).toBe(
      'No payment has this reference',
    );
    expect(() => applyBankResults([payment(1, 0, 1), payment(1, 0, 1)], [])).toThrow(ConflictError);
  });
});
