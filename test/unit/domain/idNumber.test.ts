import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOrThrow, ValidationError } from '../../../domain/errors';
import { idCheckChar } from '../../../domain/rules/idCheck';
import {
  birthDateOf,
  hashIdNumber,
  isValidIdNumber,
  maskBankAccount,
  maskIdNumber,
  ValidIdNumber,
} from '../../../domain/rules/idNumber';

/** The worked example of GB 11643-1999. */
const STANDARD_EXAMPLE = '11010519491231002X';
const TODAY = new Date('2026-01-01T00:00:00Z');

const validId = fc
  .record({
    region: fc.integer({ min: 110_000, max: 829_999 }),
    birth: fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2025-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    sequence: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ region, birth, sequence }) => {
    const first17 = `${region}${birth.toISOString().slice(0, 10).replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
    return `${first17}${idCheckChar(first17)}`;
  });

describe('ID number checksum (GB 11643, ISO 7064 MOD 11-2)', () => {
  it('accepts the standard example and computes its X check character', () => {
    expect(idCheckChar(STANDARD_EXAMPLE.slice(0, 17))).toBe('X');
    expect(isValidIdNumber(STANDARD_EXAMPLE, TODAY)).toBe(true);
  });

  it('refuses a wrong check character, a lowercase x, a bad shape and an impossible birth date', () => {
    expect(isValidIdNumber('110105194912310021', TODAY)).toBe(false);
    expect(isValidIdNumber('11010519491231002x', TODAY)).toBe(false);
    expect(isValidIdNumber('1101051949123100', TODAY)).toBe(false);
    const feb30 = '11010519490230002';
    expect(isValidIdNumber(`${feb30}${idCheckChar(feb30)}`, TODAY)).toBe(false);
    const future = '11010520300101002';
    expect(isValidIdNumber(`${future}${idCheckChar(future)}`, TODAY)).toBe(false);
    const leadingZero = '01010519491231002';
    expect(isValidIdNumber(`${leadingZero}${idCheckChar(leadingZero)}`, TODAY)).toBe(false);
  });

  it('accepts every generated ID with a computed check character', () => {
    fc.assert(fc.property(validId, (id) => isValidIdNumber(id, TODAY)));
  });

  it('detects any single changed character', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 10 }), (id, position, shift) => {
        const alphabet = '0123456789X';
        const current = alphabet.indexOf(id.charAt(position));
        const replacement = alphabet.charAt((current + shift) % alphabet.length);
        const changed = `${id.slice(0, position)}${replacement}${id.slice(position + 1)}`;
        return !isValidIdNumber(changed, TODAY);
      }),
    );
  });

  it('reads the birth date, and none from an impossible one', () => {
    expect(birthDateOf(STANDARD_EXAMPLE)).toBe('1949-12-31');
    expect(birthDateOf('110105194913310021')).toBeUndefined();
  });
});

describe('masking and hashing', () => {
  it('keeps the region and the last four of an ID number', () => {
    expect(maskIdNumber(STANDARD_EXAMPLE)).toBe('110105********002X');
  });

  it('shows only the last four digits of a bank account, not its length', () => {
    expect(maskBankAccount('6217991234567890123')).toBe('****0123');
    expect(maskBankAccount('621799123456')).toBe('****3456');
  });

  it('hashes to lowercase sha256 hex, the same for a lowercase x', () => {
    const hash = hashIdNumber(STANDARD_EXAMPLE);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashIdNumber('11010519491231002x')).toBe(hash);
    expect(hashIdNumber('110105194912310038')).not.toBe(hash);
  });
});

describe('ValidIdNumber schema', () => {
  it('reports a bad checksum once, in Chinese and English', () => {
    try {
      parseOrThrow(ValidIdNumber, '110105194912310021');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const fields = (error as ValidationError).fields;
      expect(fields).toHaveLength(1);
      expect(fields[0]?.message.zh).toContain('校验位');
      expect(fields[0]?.message.en).toContain('check digit');
    }
    expect(parseOrThrow(ValidIdNumber, STANDARD_EXAMPLE)).toBe(STANDARD_EXAMPLE);
  });

  it('reports a malformed value only by its format', () => {
    const result = ValidIdNumber.safeParse('12345');
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.code).toBe('invalid_format');
  });
});
