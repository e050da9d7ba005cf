/**
 * Outside rosters (外部名单) a county imports to match applicants against: the poverty relocation
 * list (易地扶贫搬迁), earlier years' renovation beneficiaries (from before Anju), the 低保 and
 * 特困 lists. One row per person with Chinese column headers, read from a spreadsheet the way the
 * application import reads one (domain/import/households.ts): every bad row is reported at its
 * line and column, and the good rows are kept.
 *
 * A roster names far more people than ever apply, so it is kept as little as matching needs: the
 * hash of each ID number (the key the files' person claims use), the masked number and the name
 * for the reviewer. The full number is never stored.
 */
import { z } from 'zod';
import type { Bilingual } from '../errors';
import { CountyCode } from '../model';
import { hashIdNumber, isValidIdNumber, maskIdNumber, normalizeIdNumber } from '../rules/idNumber';
import { ROSTER_KINDS, type RosterKind } from '../rules/persons';
import type { ImportError, ParseOptions } from './households';

export const RosterKindSchema = z.enum(ROSTER_KINDS);

/** The column headers of a roster sheet. */
export const ROSTER_COLUMNS = {
  name: '姓名',
  idNumber: '身份证号',
  village: '村',
  year: '年度',
  note: '备注',
} as const;

const REQUIRED: readonly string[] = [ROSTER_COLUMNS.name, ROSTER_COLUMNS.idNumber];

/** The most rows one import takes (one request, written within the function's time); a county's list goes in parts. */
export const MAX_ROSTER_ROWS = 1_000;

/** `POST /rosters`: the sheet's rows (read client-side from .xlsx or .csv) and what the roster is. */
export const RosterImportBody = z.strictObject({
  county: CountyCode,
  kind: RosterKindSchema,
  /** The roster's year (for earlier beneficiaries, the year they were subsidized). */
  year: z.number().int().min(2000).max(2100),
  /** Where it came from, as the reviewer should read it, e.g. "县民政局 2025年12月低保名单". */
  title: z.string().trim().min(1).max(100),
  rows: z
    .array(z.record(z.string().max(40), z.string().max(200)))
    .min(1)
    .max(MAX_ROSTER_ROWS),
});
export type RosterImportBody = z.infer<typeof RosterImportBody>;

/** One person of a roster as it is kept. */
export interface RosterEntry {
  line: number;
  idHash: string;
  maskedId: string;
  name: string;
  village?: string | undefined;
  /** A row's own year (earlier beneficiaries span years); else the roster's. */
  year?: number | undefined;
}

export interface RosterParseResult {
  entries: RosterEntry[];
  errors: ImportError[];
  /** Rows naming a person an earlier row already named (kept once, not an error). */
  repeated: number;
}

function cell(row: Record<string, string>, column: string): string {
  return (row[column] ?? '').replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
}

/** Checks every row of a roster sheet; a file missing a required column gives one error per column at line 1. */
export function parseRosterRows(
  rows: readonly Record<string, string>[],
  options: ParseOptions & { today?: Date } = {},
): RosterParseResult {
  const lineOf = (index: number) => options.lines?.[index] ?? index + 2;
  const present = new Set(rows.flatMap((row) => Object.keys(row)));
  const missing = rows.length === 0 ? [] : REQUIRED.filter((column) => !present.has(column));
  if (missing.length > 0) {
    return {
      entries: [],
      repeated: 0,
      errors: missing.map((column) => ({
        line: 1,
        field: column,
        message: { zh: `缺少“${column}”列`, en: `The column "${column}" is missing` },
      })),
    };
  }
  const entries: RosterEntry[] = [];
  const errors: ImportError[] = [];
  const seen = new Set<string>();
  let repeated = 0;
  rows.forEach((row, index) => {
    const line = lineOf(index);
    const problem = (field: string, message: Bilingual) => errors.push({ line, field, message });
    const name = cell(row, ROSTER_COLUMNS.name);
    const idNumber = normalizeIdNumber(cell(row, ROSTER_COLUMNS.idNumber));
    const yearText = cell(row, ROSTER_COLUMNS.year);
    const before = errors.length;
    if (name === '') problem(ROSTER_COLUMNS.name, { zh: '姓名不能为空', en: 'The name is required' });
    if (idNumber === '') {
      problem(ROSTER_COLUMNS.idNumber, { zh: '身份证号不能为空', en: 'The ID number is required' });
    } else if (!isValidIdNumber(idNumber, options.today)) {
      problem(ROSTER_COLUMNS.idNumber, {
        zh: '身份证号码格式、校验位或出生日期无效，请核对',
        en: 'The ID number has a wrong format, check digit or birth date',
      });
    }
    let year: number | undefined;
    if (yearText !== '') {
      year = /^\d{4}$/.test(yearText) ? Number(yearText) : undefined;
      if (year === undefined || year < 2000 || year > 2100) {
        problem(ROSTER_COLUMNS.year, {
          zh: `年度须为四位年份（填写的是“${yearText}”）`,
          en: `The year is four digits (got "${yearText}")`,
        });
      }
    }
    if (errors.length > before) return;
    const idHash = hashIdNumber(idNumber);
    if (seen.has(idHash)) {
      repeated += 1;
      return;
    }
    seen.add(idHash);
    const village = cell(row, ROSTER_COLUMNS.village);
    entries.push({
      line,
      idHash,
      maskedId: maskIdNumber(idNumber),
      name,
      ...(village === '' ? {} : { village }),
      ...(year === undefined ? {} : { year }),
    });
  });
  return { entries, errors, repeated };
}

export type { RosterKind };
