/**
 * Imports an outside roster sheet (易地扶贫搬迁, earlier beneficiaries, 低保, 特困; columns 姓名, 身份证号, and
 * optionally 村, 年度, 备注) through `POST /rosters`, in parts of at most `MAX_ROSTER_ROWS` rows, each part its
 * own roster with the same title and a part number. Bad rows are reported by the API at their line of the sheet.
 */
import { createHash } from 'node:crypto';
import type { RosterView } from '../../contract/views';
import { MAX_ROSTER_ROWS, type RosterKind } from '../../domain/import/rosters';
import { api, login } from '../api-client/client';
import { readImportFile } from './file';

export interface RosterImportOptions {
  file: string;
  url: string;
  username: string;
  county: string;
  kind: RosterKind;
  year: number;
  title: string;
}

export interface RosterImportSummary {
  rosters: RosterView[];
  entries: number;
  /** Rows not taken, at their line of the sheet. */
  errors: { line: number; field: string; message: { zh: string; en: string } }[];
}

export async function importRoster(options: RosterImportOptions): Promise<RosterImportSummary> {
  const sheet = await readImportFile(options.file);
  const token = await login(options.url, options.username);
  const client = api(options.url, token);
  const summary: RosterImportSummary = { rosters: [], entries: 0, errors: [] };
  const parts = Math.ceil(sheet.rows.length / MAX_ROSTER_ROWS);
  for (let part = 0; part < parts; part++) {
    const start = part * MAX_ROSTER_ROWS;
    const rows = sheet.rows.slice(start, start + MAX_ROSTER_ROWS);
    const title = parts > 1 ? `${options.title}（第${part + 1}/${parts}部分）` : options.title;
    const body = { county: options.county, kind: options.kind, year: options.year, title, rows };
    // The same part of the same file imports once, however often the command is run again after a failure.
    const key = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 64);
    const answer = await client.post<RosterView & { message?: { en: string } }>('/rosters', body, {
      'idempotency-key': `roster-${key}`,
    });
    if (answer.status !== 201) {
      throw new Error(`part ${part + 1} of ${parts} answered ${answer.status}: ${answer.body.message?.en ?? ''}`);
    }
    const lineOf = (line: number) => sheet.lines[start + line - 2] ?? start + line;
    summary.rosters.push(answer.body);
    summary.entries += answer.body.entries;
    summary.errors.push(
      ...answer.body.errors.map((error) => ({ ...error, line: error.line === 1 ? 1 : lineOf(error.line) })),
    );
  }
  return summary;
}
