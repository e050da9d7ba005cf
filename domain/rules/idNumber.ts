/**
 * The 18-digit resident ID number (居民身份证号, GB 11643-1999): 6-digit region, 8-digit birth
 * date, 3-digit sequence, and an ISO 7064 MOD 11-2 check character. Ledgers keep it only masked
 * for display and hashed for the duplicate-subsidy claim.
 */
import { createHash } from 'node:crypto';
import { bilingualIssue } from '../errors';
import { IdNumber } from '../model';
import { idCheckChar } from './idCheck';

/** The shape the model's `IdNumber` schema checks. */
const SHAPE = /^\d{17}[\dX]$/;
/** Region codes start at 11 (Beijing), so a leading zero is never a real ID. */
const FORMAT = /^[1-9]\d{16}[\dX]$/;

/** Upper-cases a trailing `x` and drops surrounding spaces, the two slips people make when typing. */
export function normalizeIdNumber(id: string): string {
  return id.trim().toUpperCase();
}

/** The birth date `YYYY-MM-DD` encoded in the ID, or undefined when it is not a real calendar date. */
export function birthDateOf(id: string): string | undefined {
  const digits = id.slice(6, 14);
  if (!/^\d{8}$/.test(digits)) return undefined;
  const year = Number(digits.slice(0, 4));
  const month = Number(digits.slice(4, 6));
  const day = Number(digits.slice(6, 8));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
}

/**
 * True when the ID has the right shape, a plausible birth date (a real date from 1900 up to
 * `today`) and a matching check character.
 */
export function isValidIdNumber(id: string, today: Date = new Date()): boolean {
  if (!FORMAT.test(id)) return false;
  const birth = birthDateOf(id);
  if (birth === undefined || birth < '1900-01-01' || birth > today.toISOString().slice(0, 10)) return false;
  return idCheckChar(id.slice(0, 17)) === id.charAt(17);
}

/** `110105********123X`: region and last four stay readable on a public notice, the birth date does not. */
export function maskIdNumber(id: string): string {
  if (id.length <= 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

/** `****6789`: only the last four digits, and not the length, of a bank account are shown. */
export function maskBankAccount(account: string): string {
  return `****${account.length > 4 ? account.slice(-4) : ''}`;
}

/** SHA-256 hex of the normalized ID number: the key of the one-subsidy-per-person claim. */
export function hashIdNumber(id: string): string {
  return createHash('sha256').update(normalizeIdNumber(id), 'utf8').digest('hex');
}

/** An ID number whose check character and birth date are valid, with a bilingual message. */
export const ValidIdNumber = IdNumber.refine(
  // A malformed value is already reported by the format check; do not report it twice.
  (id) => !SHAPE.test(id) || isValidIdNumber(id),
  bilingualIssue({
    zh: '身份证号码校验位或出生日期无效，请核对',
    en: 'ID number check digit or birth date is invalid',
  }),
);
