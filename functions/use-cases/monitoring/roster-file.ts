/**
 * Reads a roster file as civil affairs hand it over (.xlsx, first worksheet, or UTF-8 .csv) into rows keyed by the
 * header of line 1, with each row's line, as the household import's tool does (tools/import/file.ts) but from the
 * bytes of the request. Cells are taken as displayed text: an ID number typed into a numeric cell loses digits in
 * Excel itself and then fails the ID check instead of being silently "repaired".
 */
import ExcelJS from 'exceljs';
import { ValidationError } from '../../../domain/errors';
import { parseCsv } from '../../../domain/funding/csv';
import type { RosterRowInput } from '../../../domain/monitoring/actions';
import type { RosterRowError } from '../../../domain/monitoring/model';
import { ROSTER_COLUMNS } from '../../../domain/monitoring/roster';

export interface RosterFileRows {
  rows: Record<string, string>[];
  lines: number[];
  unreadable: RosterRowError[];
}

const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === '');

function keyed(header: readonly string[], cells: readonly string[]): Record<string, string> {
  const row: Record<string, string> = {};
  header.forEach((name, index) => {
    if (name !== '') row[name] = cells[index] ?? '';
  });
  return row;
}

const UNREADABLE_FILE = {
  zh: '无法读取名单文件：请上传 Excel（.xlsx）或 UTF-8 编码的 CSV 文件',
  en: 'The roster file cannot be read: send an Excel (.xlsx) or a UTF-8 CSV file',
};

async function readXlsx(bytes: Buffer): Promise<RosterFileRows> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    throw ValidationError.field('file', UNREADABLE_FILE, { cause: error });
  }
  const sheet = workbook.worksheets[0];
  const result: RosterFileRows = { rows: [], lines: [], unreadable: [] };
  if (!sheet) return result;
  const cellsOf = (row: ExcelJS.Row): string[] =>
    Array.from({ length: sheet.columnCount }, (_, i) => row.getCell(i + 1).text ?? '');
  const header = cellsOf(sheet.getRow(1)).map((name) => name.trim());
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const cells = cellsOf(row);
    if (isBlank(cells)) return;
    result.rows.push(keyed(header, cells));
    result.lines.push(rowNumber);
  });
  return result;
}

function readCsv(bytes: Buffer): RosterFileRows {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\uFFFD')) throw ValidationError.field('file', UNREADABLE_FILE);
  const [head, ...body] = parseCsv(text);
  const header = (head?.fields ?? []).map((name) => name.trim());
  const result: RosterFileRows = { rows: [], lines: [], unreadable: [] };
  for (const record of body) {
    if (record.error) result.unreadable.push({ line: record.line, field: '', message: record.error });
    else if (!isBlank(record.fields)) {
      result.rows.push(keyed(header, record.fields));
      result.lines.push(record.line);
    }
  }
  return result;
}

/** The rows of an uploaded roster: an .xlsx (a ZIP: starts with `PK`) or a CSV. */
export async function readRosterFile(name: string, contentBase64: string): Promise<RosterFileRows> {
  const bytes = Buffer.from(contentBase64.replace(/\s/g, ''), 'base64');
  if (bytes.length === 0) throw ValidationError.field('file', UNREADABLE_FILE);
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (zip || name.toLowerCase().endsWith('.xlsx')) return readXlsx(bytes);
  return readCsv(bytes);
}

/** Rows sent as data, keyed by the template's headers so they are checked exactly as a file's. */
export function rowsOfInput(rows: readonly RosterRowInput[]): RosterFileRows {
  return {
    rows: rows.map((row) => ({
      [ROSTER_COLUMNS.headName]: row.headName,
      [ROSTER_COLUMNS.idNumber]: row.idNumber,
      [ROSTER_COLUMNS.persons]: String(row.persons),
      [ROSTER_COLUMNS.category]: row.category,
      [ROSTER_COLUMNS.village]: row.village,
      ...(row.phone === undefined ? {} : { [ROSTER_COLUMNS.phone]: row.phone }),
    })),
    lines: rows.map((_, index) => index + 1),
    unreadable: [],
  };
}
