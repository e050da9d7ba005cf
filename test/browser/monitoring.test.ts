/**
 * A month of the housing-safety ledger in Debian's Chromium against the local stack: county civil
 * affairs import the month's roster from Excel (a bad row shown at its line); the township's
 * construction staff, on a 360 px phone, check two houses with photos, close one case by
 * renovation (the household registered into the program and driven to archive through the API)
 * and one by rental with its signed closing; the township's inspector records a follow-up visit
 * that finds the renovated house empty; the county reads the monthly report and downloads it as
 * Excel; the household, on its phone and without a login, looks itself up with the code printed
 * on its agreement, and guessing and another person's ID number are refused. Every screen is
 * checked for codes, ids, full ID numbers and UTC times, the main ones with axe-core.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIdNumber, demoProgram } from '../../contract/examples';
import { chinaToday } from '../../domain/china-time';
import { monthBounds } from '../../domain/monitoring/rules';
import { api, eventually, login } from '../../tools/api-client/client';
import { householdDriver } from '../../tools/api-client/household-driver';
import { staffFor } from '../../tools/api-client/staff';
import { jpegWithExif, recentExifTime } from '../../tools/demo/exif-jpeg';
import { type RunningStack, startStack } from '../../twin/stack-process';
import {
  type ConsolePage,
  chooseOption,
  DESKTOP,
  expectAccessible,
  expectPeopleWords,
  launch,
  loginAs,
  openConsole,
  PHONE,
  screenshot,
} from './support/browser';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const COUNTY = demoProgram.county.code;
const MONTH = chinaToday().slice(0, 7);
const PROGRAM = {
  ...demoProgram,
  programId: 'ceheng-2026-jc',
  name: '册亨县2026年农村危房改造',
  year: 2026,
  followUpMonths: [1],
};

const people = {
  renovated: { name: '韦明光', id: demoIdNumber(6001) },
  rented: { name: '王秀英', id: demoIdNumber(6002) },
  safe: { name: '罗德才', id: demoIdNumber(6003) },
};
const FULL_IDS = Object.values(people).map((p) => p.id);

let stack: RunningStack;
let browser: Browser;
const tokens: Record<string, string> = {};
const sessions: ConsolePage[] = [];
const ledgerIds: Record<string, string> = {};
let renovationId = '';
let code = '';

async function session(username: string, viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
  const opened = await openConsole(browser, stack.url, viewport);
  sessions.push(opened);
  await loginAs(opened.page, username);
  return opened.page;
}

async function roster(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名单');
  sheet.addRow(['户主姓名', '身份证号', '家庭人口', '类别', '乡镇', '村', '联系电话']);
  sheet.addRow([people.renovated.name, people.renovated.id, 3, '低保户', '', '者楼村', '']);
  sheet.addRow([people.rented.name, people.rented.id, 1, '特困人员', '', '纳福村', '']);
  sheet.addRow([people.safe.name, people.safe.id, 4, '防止返贫监测对象', '', '板其村', '']);
  sheet.addRow(['梁春梅', demoIdNumber(6004), 2, '困难户', '', '者楼村', '']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const photoFile = (label: string) => ({
  name: `${label}.jpg`,
  mimeType: 'image/jpeg',
  buffer: jpegWithExif({ dateTimeOriginal: recentExifTime(), label: `${label} ${Math.random()}` }),
});

type LedgerFile = {
  household: { version: number };
  cases: { stage: string; measure?: { kind: string; renovation?: { householdId: string } } }[];
  visits: { householdId: string; status: string; result?: { livedIn: boolean } }[];
};
const ledger = async (name: string) =>
  (await api(stack.url, tokens['liu.shenji']).get<LedgerFile>(`/monitoring/cases/${ledgerIds[name]}`)).body;

/** Opens a ledger household from the township's work list on the phone. */
async function openFromTasks(page: Page, name: string): Promise<void> {
  await page.goto(`${stack.url}/#/monitoring`);
  const task = page.getByTestId('ledger-task').filter({ hasText: name }).first();
  await task.waitFor();
  await task.getByRole('button').click();
  await page.getByTestId('ledger-file').waitFor();
}

/** The pointer leaves the clicked button (hover colours are lighter) and its wave fades before axe reads the colours. */
async function settled(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page
    .locator('.ant-wave, .ant-btn-loading')
    .first()
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
  await page.waitForTimeout(600);
}

/** Submits an action's form and waits for the API to show it done; a refusal on screen fails with its sentence. */
async function submitAction(page: Page, action: string, until: () => Promise<boolean>): Promise<void> {
  await page.getByTestId(`action-${action}-submit`).click();
  const refusal = page.getByTestId(`action-${action}-error`);
  const fieldErrors = page.locator('.ant-form-item-explain-error');
  await expect
    .poll(
      async () => {
        if (await until()) return 'done';
        if (await refusal.isVisible()) return `refused: ${await refusal.textContent()}`;
        if ((await fieldErrors.count()) > 0) return `field errors: ${(await fieldErrors.allTextContents()).join('; ')}`;
        return 'waiting';
      },
      { timeout: 30_000 },
    )
    .toBe('done');
}

beforeAll(async () => {
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'ensure-console.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`the console build failed:\n${built.stdout}\n${built.stderr}`);
  stack = await startStack({ fastWaits: true });
  browser = await launch();
  for (const username of ['liu.shenji', 'sun.guanli', 'he.zhujian', 'luo.zhijian']) {
    tokens[username] = await login(stack.url, username);
  }
  expect((await api(stack.url, tokens['sun.guanli']).put(`/programs/${PROGRAM.programId}`, PROGRAM)).status).toBe(200);
});

afterAll(async () => {
  for (const opened of sessions) for (const error of opened.errors) console.error(`page error: ${error}`);
  await browser?.close();
  await stack?.discard();
});

describe('a month of the housing-safety ledger in the console', () => {
  it("imports the month's roster from Excel, with the bad row shown at its line", async () => {
    const page = await session('wang.minzheng');
    await page.goto(`${stack.url}/#/monitoring`);
    await page.getByRole('tab', { name: '名单导入' }).click();
    await page.getByTestId('roster-due').fill(monthBounds(MONTH).last);
    await page.getByTestId('roster-file').setInputFiles({
      name: `监测名单-${MONTH}.xlsx`,
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await roster(),
    });
    await page.getByTestId('roster-submit').click();
    const result = page.getByTestId('roster-result');
    await result.waitFor();
    await expect.poll(() => result.textContent()).toContain('新增核查 3 户');
    const errors = page.getByTestId('roster-row-errors');
    await expect.poll(() => errors.textContent()).toContain('困难户');
    expect(await errors.locator('tbody tr.ant-table-row').first().textContent()).toContain('5');
    await expectPeopleWords(page, 'the roster import', FULL_IDS);
    await settled(page);
    await expectAccessible(page, 'the roster import');
    await screenshot(page, 'monitoring-roster');

    const answer = await api(stack.url, tokens['liu.shenji']).get<{
      newHouseholds: { ledgerId: string; headName: string }[];
    }>(`/monitoring/rosters/${COUNTY}-${MONTH}`);
    for (const entry of answer.body.newHouseholds) ledgerIds[entry.headName] = entry.ledgerId;
    expect(Object.keys(ledgerIds).sort()).toEqual(
      Object.values(people)
        .map((p) => p.name)
        .sort(),
    );
  });

  it('checks two houses on a phone, with photos: each unsafe one opens a case', async () => {
    const page = await session('he.zhujian', PHONE);
    for (const [person, grade] of [
      [people.renovated, 'D级'],
      [people.rented, 'C级'],
    ] as const) {
      await openFromTasks(page, person.name);
      await chooseOption(page, 'check-grade', grade);
      await page.getByTestId('check-technician').fill('罗建国');
      await page.getByTestId('check-findings').fill('土木结构，墙体开裂，屋面漏雨');
      await page.getByTestId('check-photo').setInputFiles(photoFile(`check-${person.name}`));
      await page.getByTestId('check-photo-count').waitFor();
      await submitAction(page, 'check', async () => (await ledger(person.name)).cases[0]?.stage === 'measure');
      await page.getByTestId('case-stage').filter({ hasText: '待确定解决方式' }).waitFor();
    }
    await expectPeopleWords(page, 'a ledger household on a phone', FULL_IDS);
    await settled(page);
    await expectAccessible(page, 'a ledger household on a phone');
    await screenshot(page, 'monitoring-file-phone');
    // The third house is checked safe through the API (the roster's last check of the month).
    const safe = await api(stack.url, tokens['he.zhujian']).get<LedgerFile>(
      `/monitoring/cases/${ledgerIds[people.safe.name]}`,
    );
    const bytes = photoFile('safe').buffer;
    const { createHash } = await import('node:crypto');
    const requested = await api(stack.url, tokens['he.zhujian']).post<{
      photoId: string;
      upload: { url: string; headers: Record<string, string> };
    }>(`/monitoring/cases/${ledgerIds[people.safe.name]}/photos`, {
      step: 'check',
      contentType: 'image/jpeg',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    await fetch(requested.body.upload.url, { method: 'PUT', headers: requested.body.upload.headers, body: bytes });
    await api(stack.url, tokens['he.zhujian']).post(
      `/monitoring/cases/${ledgerIds[people.safe.name]}/photos/${requested.body.photoId}/confirm`,
    );
    const checked = await api(stack.url, tokens['he.zhujian']).post(
      `/monitoring/cases/${ledgerIds[people.safe.name]}/actions/check`,
      {
        version: safe.body.household.version + 1,
        checkId: MONTH,
        housingType: 'own-house',
        grade: 'B',
        technician: '罗建国',
        appraisedOn: chinaToday(),
        findings: '砖混结构，基本安全',
        photoIds: [requested.body.photoId],
      },
    );
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
  });

  it('closes one case by renovation: the household enters the program and the case follows it to archive', async () => {
    const page = sessions.at(-1)?.page as Page;
    await page.goto(`${stack.url}/#/monitoring/${ledgerIds[people.renovated.name]}`);
    await chooseOption(page, 'measure-kind', '危房改造');
    await chooseOption(page, 'measure-structure', '土木');
    await page.getByTestId('measure-area').fill('58');
    await submitAction(
      page,
      'choose-measure',
      async () => (await ledger(people.renovated.name)).cases[0]?.stage === 'renovation',
    );
    await page.getByTestId('renovation-link').waitFor();
    renovationId = (await ledger(people.renovated.name)).cases[0]?.measure?.renovation?.householdId ?? '';
    expect(renovationId).not.toBe('');

    const staff = await staffFor(stack.url, '522327100201');
    await householdDriver({ url: () => stack.url, taskWaitMs: 120_000 }).driveRegistered(staff, renovationId, 6001);
    await page.reload();
    await page.getByTestId('case-stage').filter({ hasText: '已销号' }).waitFor();
  }, 600_000);

  it('closes the other case by rental, with its evidence and a signature', async () => {
    const page = sessions.at(-1)?.page as Page;
    await page.goto(`${stack.url}/#/monitoring/${ledgerIds[people.rented.name]}`);
    await chooseOption(page, 'measure-kind', '租赁安置');
    await submitAction(
      page,
      'choose-measure',
      async () => (await ledger(people.rented.name)).cases[0]?.stage === 'closing',
    );
    await page.getByTestId('close-arrangement').fill('租住本村韦正学家砖混房两间，租期三年');
    await page.getByTestId('close-photo').setInputFiles(photoFile('closing'));
    await page.getByTestId('close-photo-count').waitFor();
    await page.getByTestId('close-signed-by').fill('何勇');
    await submitAction(page, 'close', async () => (await ledger(people.rented.name)).cases[0]?.stage === 'closed');
    await page.getByTestId('case-stage').filter({ hasText: '已销号' }).waitFor();
    await expectPeopleWords(page, 'a closed case', FULL_IDS);
  });

  it("records a follow-up visit that finds the renovated house empty, from the inspector's phone", async () => {
    const page = await session('luo.zhijian', PHONE);
    await openFromTasks(page, people.renovated.name);
    await page.getByTestId('visit-lived-in').getByText('未入住（标记）').click();
    await page.getByTestId('visit-note').fill('新房门锁着，户主仍住在老房');
    await page.getByTestId('visit-photo').setInputFiles(photoFile('visit'));
    await page.getByTestId('visit-photo-count').waitFor();
    await submitAction(
      page,
      'visit',
      async () => (await ledger(people.renovated.name)).visits[0]?.result?.livedIn === false,
    );
    await page.getByTestId('ledger-visits').filter({ hasText: '未入住' }).waitFor();
    await screenshot(page, 'monitoring-visit-phone');
  });

  it('shows the monthly report by township, and gives it as Excel', async () => {
    const page = await session('li.zhujian');
    await page.goto(`${stack.url}/#/monitoring/report`);
    const table = page.getByTestId('monitoring-report');
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    await expect.poll(() => page.getByTestId('empty-total').textContent()).toBe('1');
    const total = table.locator('tbody tr.ant-table-row').filter({ hasText: '合计' });
    const cells = await total.locator('td').allTextContents();
    // 名单户数 3, 按期核查 3, 逾期 0, 未核查 0, 发现危房 2, 新增案件 2, 在册 0, 逾期案件 0, 本月销号 2, 改造 1, 租赁 1.
    expect(cells.slice(1, 12)).toEqual(['3', '3', '0', '0', '2', '2', '0', '0', '2', '1', '1']);
    await page.getByTestId('chart-monitoring').waitFor();
    await expectPeopleWords(page, 'the monitoring report', FULL_IDS);
    await expectAccessible(page, 'the monitoring report');
    await screenshot(page, 'monitoring-report');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-excel').click()]);
    expect(download.suggestedFilename()).toBe(`monitoring-${COUNTY}-${MONTH}.xlsx`);
  });

  it('prints the code on the slip of the agreement', async () => {
    const page = await session('he.zhujian');
    await page.goto(`${stack.url}/#/households/${renovationId}`);
    await page.getByTestId('status-slip-link').click();
    const printed = page.getByTestId('slip-code');
    await printed.waitFor();
    code = ((await printed.textContent()) ?? '').replace(/\s/g, '');
    expect(code).toMatch(/^\d{8}$/);
    await expectPeopleWords(page, 'the lookup slip', FULL_IDS);
  });

  it('lets the household look itself up on its phone without a login', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
    const page = await context.newPage();
    sessions.push({ page, context, errors: [] });
    await page.goto(`${stack.url}/#/status`);
    await page.getByTestId('status-id').fill(people.renovated.id);
    await page.getByTestId('status-name').fill(people.renovated.name);
    await page.getByTestId('status-code').fill(`${code.slice(0, 4)} ${code.slice(4)}`);
    await page.getByTestId('status-submit').click();
    await page.getByTestId('status-result').waitFor();
    expect(await page.getByTestId('status-phase').textContent()).toBe('已归档');
    await expect.poll(() => page.getByTestId('status-installment').count()).toBe(4);
    expect(await page.getByTestId('status-installments').textContent()).toContain('元');
    // Readable on a 360 px phone: nothing wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await expectPeopleWords(page, "the household's own page", FULL_IDS);
    await settled(page);
    await expectAccessible(page, "the household's own page");
    await screenshot(page, 'public-status-phone');
  });

  it("refuses a guessed code and another person's ID number, then stops the guessing", async () => {
    const page = sessions.at(-1)?.page as Page;
    const lookUp = async (id: string, name: string, guess: string) => {
      await page.goto(`${stack.url}/#/status`);
      await page.reload();
      await page.getByTestId('status-id').fill(id);
      await page.getByTestId('status-name').fill(name);
      await page.getByTestId('status-code').fill(guess);
      await page.getByTestId('status-submit').click();
      return page.getByTestId('status-error');
    };
    const wrong = code === '00000000' ? '00000001' : '00000000';
    const refused = await lookUp(people.renovated.id, people.renovated.name, wrong);
    await expect.poll(() => refused.textContent()).toContain('不符');
    const other = await lookUp(people.rented.id, people.rented.name, code);
    await expect.poll(() => other.textContent()).toContain('不符');
    // Two lookups of this ID number so far: eight more guesses reach the day's ten.
    for (let guess = 0; guess < 8; guess++) {
      const answer = await api(stack.url).post('/public/status', {
        idNumber: people.renovated.id,
        name: people.renovated.name,
        code: String(20_000_000 + guess),
      });
      expect(answer.status).toBe(404);
    }
    const stopped = await lookUp(people.renovated.id, people.renovated.name, code);
    await expect.poll(() => stopped.textContent()).toContain('查询次数已达上限');
    await expectPeopleWords(page, 'a refused lookup', FULL_IDS);
    await eventually(
      async () => (sessions.every((s) => s.errors.length === 0) ? true : undefined),
      1000,
      'no page errors',
    );
  });
});
