/**
 * Bulk import on the local stack through the CLI, as a county clerk runs it: a CSV with good and
 * bad rows is checked and the good rows registered; running it again registers nothing new; an
 * .xlsx sheet goes the same way.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIdNumber, demoProgram } from '../../domain/demo';
import { csvLine } from '../../domain/funding/csv';
import { IMPORT_COLUMNS } from '../../domain/import';
import type { Household } from '../../domain/model';
import { api, login, type RunningStack, removeDataDir, startStack } from './harness';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const run = promisify(execFile);
const CLERK = 'wang.minzheng';

const HEADER = Object.values(IMPORT_COLUMNS);
const goodIds = [demoIdNumber(70_001), demoIdNumber(70_002), demoIdNumber(70_003)];
const wrongCheck = (id: string) => `${id.slice(0, 17)}${id.endsWith('1') ? '2' : '1'}`;

function sheetRow(name: string, id: string, village: string, areaM2 = '48'): string[] {
  return [name, id, '3', '低保户', village, '土木', areaM2, '', '分散'];
}

const CSV_ROWS = [
  sheetRow('韦明光', goodIds[0] ?? '', '者楼村'), // line 2
  sheetRow('王秀英', goodIds[1] ?? '', '522327101201'), // line 3
  sheetRow('罗德才', goodIds[2] ?? '', '巧马村'), // line 4
  sheetRow('黄桂芬', wrongCheck(demoIdNumber(70_004)), '者楼村'), // line 5: check digit
  sheetRow('陆正学', goodIds[0] ?? '', '纳福村'), // line 6: repeats line 2
  sheetRow('岑玉兰', demoIdNumber(70_006), '不存在村'), // line 7: unknown village
];

let stack: RunningStack;
let workDir = '';

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  workDir = mkdtempSync(path.join(os.tmpdir(), 'anju-import-'));
});

afterAll(async () => {
  await stack?.stop();
  if (stack) removeDataDir(stack.dataDir);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

type Summary = { rows: number; registered: number; existing: number; failed: number; invalidLines: number[] };

async function importFile(file: string): Promise<{ code: number; stdout: string; summary: Summary }> {
  const args = ['local/import-cli.ts', file, '--program', demoProgram.programId, '--url', stack.url, '--user', CLERK];
  const env = { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}` };
  let code = 0;
  let stdout = '';
  try {
    ({ stdout } = await run(path.join(BIN, 'tsx'), args, { cwd: ROOT, env }));
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    code = failed.code ?? -1;
    stdout = failed.stdout ?? '';
    if (code !== 1) throw new Error(`the import exited ${code}: ${failed.stderr ?? ''}`);
  }
  const match = /IMPORT_SUMMARY (\{.*\})/.exec(stdout);
  if (!match?.[1]) throw new Error(`no summary in the output:\n${stdout}`);
  return { code, stdout, summary: JSON.parse(match[1]) as Summary };
}

async function householdsWithHeads(ids: readonly string[]): Promise<Household[]> {
  const token = await login(stack.url, CLERK);
  const found: Household[] = [];
  let cursor: string | undefined;
  do {
    const page = await api(stack.url, token).get<{ items: Household[]; cursor?: string }>(
      `/households?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(page.status).toBe(200);
    found.push(...page.body.items.filter((h) => ids.includes(h.head.idNumber)));
    cursor = page.body.cursor;
  } while (cursor);
  return found;
}

describe('bulk import', () => {
  const csvFile = () => path.join(workDir, 'applications.csv');

  it('reports every bad row and registers the good ones', async () => {
    writeFileSync(csvFile(), [HEADER, ...CSV_ROWS].map(csvLine).join(''), 'utf8');
    const { code, stdout, summary } = await importFile(csvFile());
    expect(summary).toEqual({ rows: 6, registered: 3, existing: 0, failed: 0, invalidLines: [5, 6, 7] });
    expect(code).toBe(1);
    expect(stdout).toMatch(/第 5 行 身份证号/);
    expect(stdout).toMatch(/第 6 行 身份证号: 身份证号与第 2 行重复/);
    expect(stdout).toMatch(/第 7 行 村/);
    const stored = await householdsWithHeads(goodIds);
    expect(stored.map((h) => h.head.idNumber).sort()).toEqual([...goodIds].sort());
    expect(stored.every((h) => h.phase === 'safety-appraisal' && h.members.length === 2)).toBe(true);
  });

  it('registers nothing new when the same file is imported again', async () => {
    const { summary } = await importFile(csvFile());
    expect(summary).toEqual({ rows: 6, registered: 0, existing: 3, failed: 0, invalidLines: [5, 6, 7] });
    expect(await householdsWithHeads(goodIds)).toHaveLength(3);
  });

  it('reads an .xlsx sheet; a household registered before counts as already registered', async () => {
    const newId = demoIdNumber(70_010);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('申请');
    sheet.addRow(HEADER);
    // Another area than the CSV's: same person, so still the same household.
    sheet.addRow(sheetRow('韦明光', goodIds[0] ?? '', '者楼村', '52'));
    sheet.addRow(sheetRow('梁春梅', newId, '双江村'));
    const file = path.join(workDir, 'applications.xlsx');
    await workbook.xlsx.writeFile(file);
    const { code, summary } = await importFile(file);
    expect(summary).toEqual({ rows: 2, registered: 1, existing: 1, failed: 0, invalidLines: [] });
    expect(code).toBe(0);
    expect(await householdsWithHeads([...goodIds, newId])).toHaveLength(4);
  });

  it('shows the imported households in the progress report, as JSON and as Excel', async () => {
    const token = await login(stack.url, CLERK);
    const route = `/reports/progress?county=${demoProgram.county.code}&program=${demoProgram.programId}`;
    const answer = await api(stack.url, token).get<{
      townships: { name: string; quota: number; registered: number; byPhase: Record<string, number> }[];
      total: { registered: number };
    }>(route);
    expect(answer.status).toBe(200);
    expect(answer.body.townships.map((t) => [t.name, t.registered, t.byPhase['safety-appraisal']])).toEqual([
      ['者楼镇', 1, 1],
      ['丫他镇', 1, 1],
      ['巧马镇', 1, 1],
      ['双江镇', 1, 1],
    ]);
    expect(answer.body.total.registered).toBe(4);

    const excel = await fetch(`${stack.url}${route}&format=xlsx`, { headers: { authorization: `Bearer ${token}` } });
    expect(excel.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await excel.arrayBuffer());
    const sheet = workbook.getWorksheet('进度');
    expect(sheet?.getRow(3).getCell(1).value).toBe('者楼镇');
    expect(sheet?.getRow(3).getCell(3).value).toBe(demoProgram.townships[0]?.quota);

    const township = await login(stack.url, 'zhang.minzheng');
    expect((await api(stack.url, township).get(route)).status).toBe(403);
  });
});
