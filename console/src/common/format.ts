/**
 * How values read to people, in one place: money in 元 with two decimals (the API keeps integer
 * fen), times in China time whatever the PC's zone, installments counted from 1. Pure functions,
 * so the screens and the unit tests use the same ones.
 */
import { chinaDate, chinaDateTime, chinaToday } from '../../../domain/china-time';
import { formatYuan } from '../../../domain/funding/money';
import { installmentTitle, type Language } from '../../../domain/labels';

export type { Language };
export { chinaDate, chinaDateTime, chinaToday, installmentTitle };

/** The i18next language (`zh-CN`, `en`) as the labels' language. */
export function languageOf(i18nLanguage: string): Language {
  return i18nLanguage === 'en' ? 'en' : 'zh';
}

/** `123456` fen -> `1,234.56`; `—` for an amount the API did not give. */
export function yuan(fen: number | null | undefined): string {
  return typeof fen === 'number' && Number.isSafeInteger(fen) ? formatYuan(fen) : '—';
}

/** `1,234.56 元` / `1,234.56 yuan`. */
export function yuanWithUnit(fen: number | null | undefined, language: Language): string {
  const amount = yuan(fen);
  return amount === '—' ? amount : `${amount} ${language === 'en' ? 'yuan' : '元'}`;
}

/** Yuan typed in a form (a number with up to two decimals) as integer fen, without float drift. */
export function fenOfYuan(value: number | string): number | undefined {
  const text = typeof value === 'number' ? value.toFixed(2) : value.replaceAll(',', '').trim();
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

export type ParsedDate = { ok: true; date: string } | { ok: false };

/**
 * A date as people type it: `2026-12-04`, `2026/12/4`, `2026.12.4`, `20261204` or `2026年12月4日`
 * -> `2026-12-04`. Anything else (or a day that does not exist, 2026-02-30) is not a date: the
 * form keeps what was typed and says so, it never erases it.
 */
export function parseDate(input: string): ParsedDate {
  const text = input.trim();
  const match =
    /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return { ok: false };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { ok: false };
  }
  return { ok: true, date: date.toISOString().slice(0, 10) };
}

/** A bank card number as people copy it (`6217 9900 0000 0777`, dashes): digits only. */
export function bankDigits(input: string): string {
  return input.replace(/[\s\u00a0\u3000-]/g, '');
}

/** An ID number as typed: spaces dropped, a lower-case check letter raised. */
export function idNumberOf(input: string): string {
  return input.replace(/\s/g, '').toUpperCase();
}

/** `522327199001011234` -> `522327********1234`; an answer the API already masked stays as it is. */
export function maskIdNumber(value: string | undefined): string {
  if (!value) return '—';
  if (value.includes('*') || value.length < 10) return value;
  return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
}

/** `13812345678` -> `138****5678`. */
export function maskPhone(value: string | undefined): string {
  if (!value) return '—';
  if (value.includes('*') || value.length < 7) return value;
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}
