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
import { demoApplication, demoIdNumber, demoProgram } from '../../contract/examples';
import { csvLine } from '../../domain/funding/csv';
import { IMPORT_COLUMNS } from '../../domain/import';
import type { Household } from '../../domain/model';
import type { ProgressReport } from '../../domain/rules/progress';
import { api, login } from '../../tools/api-client/client';
import { driveTo } from '../../tools/api-client/household-driver';
import { staffFor } from '../../tools/api-client/staff';
import { type RunningStack, startStack } from '../../twin/stack-process';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const run = promisify(execFile);
const CLERK = 'wang.minzheng';

const HEADER = Object.values(IMPORT_COLUMNS);
const goodIds = [demoIdNumber(70_001), demoIdNumber(70_002), demoIdNumber(70_003)];
const wrongCheck = (id: string) => `${id.slice(0, 17)}${id.endsWith('1') ? '2' : '1'}`;

function sheetRow(name: string, id: string, village: string, areaM2 = '48', category = '低保户'): string[] {
  return [name, id, '3', category, village, '土木', areaM2, '', '分散'];
}

/** Registered by hand before the import: its head cannot receive a second subsidy. */
const subsidized = demoApplication(70_020);

const CSV_ROWS = [
  sheetRow('韦明光', goodIds[0] ?? '', '者楼村'), // line 2
  sheetRow('王秀英', goodIds[1] ?? '', '522327101201'), // line 3
  sheetRow('罗德才', goodIds[2] ?? '', '巧马村'), // line 4
  sheetRow('黄桂芬', wrongCheck(demoIdNumber(70_004)), '者楼村'), // line 5: check digit
  sheetRow('陆正学', goodIds[0] ?? '', '纳福村'), // line 6: repeats line 2
  sheetRow('岑玉兰', demoIdNumber(70_006), '不存在村'), // line 7: unknown village
  sheetRow('班文忠', demoIdNumber(70_007), '者楼村', '48', '其他'), // line 8: not a priority category
  sheetRow('杨春梅', demoIdNumber(70_008), '者楼村', '约50'), // line 9: area not a number
  sheetRow('梁国庆', subsidized.head.idNumber, '者楼村'), // line 10: already subsidized (claimed before)
];

let stack: RunningStack;
let workDir = '';

let subsidizedId = '';

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  workDir = mkdtempSync(path.join(os.tmpdir(), 'anju-import-'));
  const registered = await api(stack.url, await login(stack.url, CLERK)).post<{ householdId: string }>(
    '/households',
    subsidized,
  );
  expect(registered.status).toBe(201);
  subsidizedId = registered.body.householdId;
});

afterAll(async () => {
  await stack?.discard();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

type Summary = { rows: number; registered: number; existing: number; failed: number; invalidLines: number[] };

async function importFile(file: string): Promise<{ code: number; stdout: string; summary: Summary }> {
  const args = ['tools/import/cli.ts', file, '--program', demoProgram.programId, '--url', stack.url, '--user', CLERK];
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
    expect(summary).toEqual({ rows: 9, registered: 3, existing: 0, failed: 1, invalidLines: [5, 6, 7, 8, 9] });
    expect(code).toBe(1);
    const reported = stdout.split('\n').filter((line) => line.startsWith('第 '));
    expect(reported).toHaveLength(6);
    expect(reported[0]).toMatch(/^第 5 行 身份证号: 身份证号码校验位或出生日期无效/);
    expect(reported[1]).toMatch(/^第 6 行 身份证号: 身份证号与第 2 行重复/);
    expect(reported[2]).toMatch(/^第 7 行 村: 村“不存在村”不在/);
    expect(reported[3]).toMatch(/^第 8 行 类别: 类别“其他”不是重点对象/);
    expect(reported[4]).toMatch(/^第 9 行 面积\(平方米\): 面积须为数字/);
    expect(reported[5]).toMatch(new RegExp(`^第 10 行 登记失败 409: .*${subsidizedId}.*不能重复享受补助`));
    const stored = await householdsWithHeads(goodIds);
    expect(stored.map((h) => h.head.idNumber).sort()).toEqual([...goodIds].sort());
    expect(stored.every((h) => h.phase === 'safety-appraisal' && h.members.length === 2)).toBe(true);
  });

  it('registers nothing new when the same file is imported again', async () => {
    const { summary } = await importFile(csvFile());
    expect(summary).toEqual({ rows: 9, registered: 0, existing: 3, failed: 1, invalidLines: [5, 6, 7, 8, 9] });
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
    // 者楼镇 also has the household registered by hand before the import.
    expect(answer.body.townships.map((t) => [t.name, t.registered, t.byPhase['safety-appraisal']])).toEqual([
      ['者楼镇', 2, 2],
      ['丫他镇', 1, 1],
      ['巧马镇', 1, 1],
      ['双江镇', 1, 1],
    ]);
    expect(answer.body.total.registered).toBe(5);

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

  it('keeps the progress counters equal to a recount of the households after a run of actions', async () => {
    const clerk = await login(stack.url, CLERK);
    const report = async () => {
      const answer = await api(stack.url, clerk).get<ProgressReport>(
        `/reports/progress?county=${demoProgram.county.code}`,
      );
      expect(answer.status).toBe(200);
      // Overdue steps come from the task queues, not from the counters.
      return answer.body.townships.map(({ overdue: _overdue, ...figures }) => figures);
    };
    const [imported] = await householdsWithHeads([goodIds[1] ?? '']);
    await driveTo(stack.url, await staffFor(stack.url, subsidized.villageCode), subsidizedId, 'agreement-signed');
    if (!imported) throw new Error('the imported household of 丫他镇 is missing');
    await driveTo(stack.url, await staffFor(stack.url, imported.villageCode), imported.householdId, 'county-approval');

    const counted = await report();
    const zhelou = counted.find((t) => t.name === '者楼镇');
    expect(zhelou?.status).toMatchObject({ inReview: 1, underConstruction: 1 });
    expect(zhelou?.status.underConstructionByMilestone.foundation).toBe(1);
    expect(zhelou).toMatchObject({ approved: 1, byMode: { rebuild: 1 }, floorAreaM2: 60 });
    expect(zhelou?.spotCheck).toEqual({ decidedByCounty: 1, visited: 1 });
    expect(counted.find((t) => t.name === '丫他镇')?.byPhase['county-approval']).toBe(1);

    const admin = await login(stack.url, 'sun.guanli');
    const rebuild = `/programs/${demoProgram.programId}/progress-counters/rebuild`;
    expect((await api(stack.url, clerk).post(rebuild, {})).status).toBe(403);
    const rebuilt = await api(stack.url, admin).post<{ townships: { registered: number }[] }>(rebuild, {});
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body.townships.reduce((sum, t) => sum + t.registered, 0)).toBe(5);
    expect(await report()).toEqual(counted);
  });

  it('exports the funds report and the masked household list as Excel for an auditor', async () => {
    const auditor = await login(stack.url, 'liu.shenji');
    const county = demoProgram.county.code;
    for (const [route, sheetName] of [
      [`/reports/funds?county=${county}&format=xlsx`, '资金来源'],
      [`/reports/households?county=${county}&township=522327100&format=xlsx`, '农户名单'],
    ] as const) {
      const answer = await fetch(`${stack.url}${route}`, { headers: { authorization: `Bearer ${auditor}` } });
      expect(answer.status).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await answer.arrayBuffer());
      const sheet = workbook.getWorksheet(sheetName);
      expect(sheet).toBeDefined();
      expect(JSON.stringify(sheet?.getSheetValues())).not.toContain(subsidized.head.idNumber);
    }
  });
});
