/**
 * Reads an import spreadsheet (.xlsx, first worksheet, or UTF-8 .csv) into rows keyed by the
 * header of line 1, with the line each row sits on, so errors point at what a person sees in
 * Excel. Cells are taken as displayed text: an ID number typed into a numeric cell loses digits in
 * Excel itself and then fails the ID check instead of being silently "repaired".
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Bilingual } from '../../domain/errors';
import { parseCsv } from '../../domain/funding/csv';

export interface ImportFile {
  rows: Record<string, string>[];
  /** The file line of each row. */
  lines: number[];
  /** Lines that could not be read at all (a broken CSV quote). */
  unreadable: { line: number; message: Bilingual }[];
}

function keyed(header: readonly string[], cells: readonly string[]): Record<string, string> {
  const row: Record<string, string> = {};
  header.forEach((name, index) => {
    if (name !== '') row[name] = cells[index] ?? '';
  });
  return row;
}

const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === '');

export async function readCsvImport(file: string): Promise<ImportFile> {
  const records = parseCsv(await readFile(file, 'utf8'));
  const [head, ...body] = records;
  const header = (head?.fields ?? []).map((name) => name.trim());
  const result: ImportFile = { rows: [], lines: [], unreadable: [] };
  for (const record of body) {
    if (record.error) {
      result.unreadable.push({ line: record.line, message: record.error });
    } else if (!isBlank(record.fields)) {
      result.rows.push(keyed(header, record.fields));
      result.lines.push(record.line);
    }
  }
  return result;
}

export async function readXlsxImport(file: string): Promise<ImportFile> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.worksheets[0];
  const result: ImportFile = { rows: [], lines: [], unreadable: [] };
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

export function readImportFile(file: string): Promise<ImportFile> {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.xlsx') return readXlsxImport(file);
  if (extension === '.csv') return readCsvImport(file);
  throw new Error(`cannot read ${file}: give an .xlsx or .csv file`);
}
