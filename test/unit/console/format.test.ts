import { describe, expect, it } from 'vitest';
import {
  bankDigits,
  chinaDate,
  chinaDateTime,
  fenOfYuan,
  installmentTitle,
  maskIdNumber,
  parseDate,
  yuan,
  yuanWithUnit,
} from '../../../console/src/common/format';
import { formatYuan } from '../../../domain/funding/money';

describe('dates as people type them', () => {
  it.each([
    ['2026/12/4', '2026-12-04'],
    ['2026-12-04', '2026-12-04'],
    ['20261204', '2026-12-04'],
    ['2026.12.4', '2026-12-04'],
    ['2026年12月4日', '2026-12-04'],
    [' 2026 / 1 / 31 ', '2026-01-31'],
    ['2024-02-29', '2024-02-29'],
  ])('reads %s as %s', (typed, date) => {
    expect(parseDate(typed)).toEqual({ ok: true, date });
  });

  it.each(['2026-02-30', '2025-02-29', '2026/13/1', '12/4/2026', '2026124', 'tomorrow', ''])(
    'does not take %j for a date (the form keeps it and says so)',
    (typed) => {
      expect(parseDate(typed)).toEqual({ ok: false });
    },
  );
});

describe('money in 元 from integer fen', () => {
  it('groups thousands and always shows two decimals', () => {
    expect(formatYuan(500_050)).toBe('5,000.50');
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(7)).toBe('0.07');
    expect(formatYuan(123_456_789)).toBe('1,234,567.89');
    expect(formatYuan(-150)).toBe('-1.50');
    expect(yuanWithUnit(3_500_050, 'zh')).toBe('35,000.50 元');
    expect(yuanWithUnit(3_500_050, 'en')).toBe('35,000.50 yuan');
    expect(yuan(undefined)).toBe('—');
  });

  it('turns typed yuan into fen without float drift', () => {
    expect(fenOfYuan(5000.5)).toBe(500_050);
    expect(fenOfYuan(0.29)).toBe(29);
    expect(fenOfYuan(0.1 + 0.2)).toBe(30);
    expect(fenOfYuan('1,234.5')).toBe(123_450);
    expect(fenOfYuan('12.345')).toBeUndefined();
    expect(fenOfYuan('abc')).toBeUndefined();
  });
});

describe('times in China time whatever the machine zone', () => {
  it('shows a UTC instant as Beijing time, and a calendar date as it is', () => {
    expect(chinaDateTime('2025-06-02T02:15:00.000Z')).toBe('2025-06-02 10:15');
    expect(chinaDateTime('2025-06-01T17:30:00Z')).toBe('2025-06-02 01:30');
    expect(chinaDate('2025-06-01T17:30:00Z')).toBe('2025-06-02');
    expect(chinaDate('2025-06-01')).toBe('2025-06-01');
    expect(chinaDateTime(undefined)).toBe('—');
    expect(chinaDateTime('not a time')).toBe('—');
  });
});

describe('installments, bank numbers and masks', () => {
  it('counts installments from 1 in both languages', () => {
    expect(installmentTitle(0, 'zh')).toBe('第 1 期');
    expect(installmentTitle(0, 'en')).toBe('Installment 1');
    expect(installmentTitle(3, 'en')).toBe('Installment 4');
  });

  it('keeps only the digits of a bank number typed with spaces or dashes', () => {
    expect(bankDigits('6217 9900 0000 0777')).toBe('6217990000000777');
    expect(bankDigits('6217-9900\u00a00000\u30000777')).toBe('6217990000000777');
  });

  it('masks an ID number but leaves an answer the API masked alone', () => {
    expect(maskIdNumber('52232719900101123X')).toBe('522327********123X');
    expect(maskIdNumber('522327********123X')).toBe('522327********123X');
  });
});
