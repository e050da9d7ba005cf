/**
 * Minimal RFC 4180 CSV, enough for bank batch and result files: comma separated, CRLF line ends,
 * fields quoted when they hold a comma, quote or line break, quotes doubled inside quotes. The
 * parser keeps the physical line number each record starts on, so errors can name it.
 */
import type { Bilingual } from '../errors';

/** Excel opens a UTF-8 CSV as UTF-8 (not the local code page) only when it starts with a BOM. */
export const UTF8_BOM = '\uFEFF';

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export interface CsvRecord {
  /** 1-based physical line the record starts on (a quoted field may span lines). */
  line: number;
  fields: string[];
  /** Set when the record is malformed; its fields are then unreliable. */
  error?: Bilingual;
}

/** Splits CSV text into records; blank lines are skipped, a leading BOM is ignored. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.startsWith(UTF8_BOM) ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let inQuotes = false;
    let quoted = false;
    let afterQuote = false;
    let error: Bilingual | undefined;
    let ended = false;
    while (i < text.length && !ended) {
      const c = text.charAt(i);
      if (inQuotes) {
        if (c === '"' && text.charAt(i + 1) === '"') {
          field += '"';
          i += 2;
        } else if (c === '"') {
          inQuotes = false;
          afterQuote = true;
          i += 1;
        } else {
          if (c === '\n') line += 1;
          field += c;
          i += 1;
        }
      } else if (c === ',') {
        fields.push(field);
        field = '';
        afterQuote = false;
        i += 1;
      } else if (c === '\n' || c === '\r') {
        i += c === '\r' && text.charAt(i + 1) === '\n' ? 2 : 1;
        line += 1;
        ended = true;
      } else if (c === '"' && field === '' && !afterQuote) {
        inQuotes = true;
        quoted = true;
        i += 1;
      } else {
        if (afterQuote || c === '"') {
          error ??= { zh: '引号使用不正确', en: 'Misplaced quote character' };
        }
        field += c;
        i += 1;
      }
    }
    if (inQuotes) error ??= { zh: '引号未闭合', en: 'Unterminated quoted field' };
    fields.push(field);
    const blank = fields.length === 1 && field === '' && !quoted;
    if (!blank) records.push(error === undefined ? { line: start, fields } : { line: start, fields, error });
  }
  return records;
}
