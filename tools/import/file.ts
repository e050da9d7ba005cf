/**
 * Reads an import spreadsheet (.xlsx, first worksheet, or UTF-8 .csv) into rows keyed by its header,
 * with the line each row sits on, so errors point at what a person sees in Excel. The header need
 * not be line 1: a county's ledger often has title rows above it (domain/import `tableRows` finds
 * it). Cells are taken as displayed text: an ID number typed into a numeric cell loses digits in
 * Excel itself and then fails the ID check instead of being silently "repaired".
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Bilingual } from '../../domain/errors';
import { parseCsv } from '../../domain/funding/csv';
import { type TableRecord, tableRows } from '../../domain/import';

export interface ImportFile {
  /** The line of the header row (title rows above it are skipped). */
  headerLine: number;
  rows: Record<string, string>[];
  /** The file line of each row. */
  lines: number[];
  /** Lines that could not be read at all (a broken CSV quote, no header). */
  unreadable: { line: number; message: Bilingual }[];
}

const NO_HEADER: Bilingual = {
  zh: '没有找到表头：前10行中须有一行包含“身份证号”列和至少两个模板列（如“户主姓名”“村”）',
  en: 'No header found: one of the first 10 rows must name the ID number column and at least two more template columns',
};

function fromRecords(records: readonly TableRecord[], unreadable: ImportFile['unreadable']): ImportFile {
  const table = tableRows(records);
  if (table === undefined)
    return { headerLine: 1, rows: [], lines: [], unreadable: [{ line: 1, message: NO_HEADER }, ...unreadable] };
  return { headerLine: table.headerLine, rows: table.rows, lines: table.lines, unreadable };
}

export async function readCsvImport(file: string): Promise<ImportFile> {
  const records: TableRecord[] = [];
  const unreadable: ImportFile['unreadable'] = [];
  for (const record of parseCsv(await readFile(file, 'utf8'))) {
    if (record.error) unreadable.push({ line: record.line, message: record.error });
    else records.push({ line: record.line, cells: record.fields });
  }
  return fromRecords(records, unreadable);
}

export async function readXlsxImport(file: string): Promise<ImportFile> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.worksheets[0];
  if (!sheet) return fromRecords([], []);
  const records: TableRecord[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    records.push({
      line: rowNumber,
      cells: Array.from({ length: sheet.columnCount }, (_, i) => row.getCell(i + 1).text ?? ''),
    });
  });
  return fromRecords(records, []);
}

export function readImportFile(file: string): Promise<ImportFile> {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.xlsx') return readXlsxImport(file);
  if (extension === '.csv') return readCsvImport(file);
  throw new Error(`cannot read ${file}: give an .xlsx or .csv file`);
}
