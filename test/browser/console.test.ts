/**
 * The staff console in Debian's Chromium against the local stack: a civil-affairs user registers a
 * household, the staff of each role take it to the agreement in their own browser session, finance
 * releases and approves the first installment (each under a confirmation naming household,
 * installment and amount) and downloads the bank batch, an inspector on a 360x740 phone uploads
 * photos while the network is cut at each upload step and reloads the page mid-queue, then passes
 * the foundation, and the county dashboard shows the new figures. Roles work at 1366x768 and
 * 360x740, in Chinese and once in English; every screen visited is checked for codes, ids, fen
 * amounts, UTC times and schema messages, and the main screens with axe-core. Each step is checked
 * against the API's state. Screenshots go to test-results/screenshots/.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page, Request, Response } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApplication, demoIdNumber, demoProgram } from '../../contract/examples';
import { buildFundingPlan } from '../../domain/funding/plan';
import { maskIdNumber } from '../../domain/rules/idNumber';
import { spotCheckCoverage } from '../../domain/rules/progress';
import { api, eventually, login } from '../../tools/api-client/client';
import {
  type HouseholdView,
  householdDriver,
  householdFile,
  waitForTask,
} from '../../tools/api-client/household-driver';
import { DemoStaff } from '../../tools/api-client/staff';
import { jpegWithExif } from '../../tools/demo/exif-jpeg';
import { demoUser } from '../../tools/demo/users';
import { type RunningStack, startStack } from '../../twin/stack-process';
import {
  type ConsolePage,
  chooseOption,
  confirmDialog,
  DESKTOP,
  expectAccessible,
  expectPeopleWords,
  fieldError,
  fillDate,
  launch,
  loginAs,
  openConsole,
  PHONE,
  screenshot,
} from './support/browser';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const COUNTY = demoProgram.county.code;
const TOWNSHIP = demoProgram.townships[0];
const VILLAGE = TOWNSHIP?.villages[0];
const HEAD = '韦德才';
const ID_NUMBER = demoIdNumber(777);
/** Demo households of another township than the flow's: more payments for a selection to approve. */
const EXTRA_HOUSEHOLDS = (() => {
  const others: number[] = [];
  for (let n = 900; others.length < 2; n += 1) {
    const township = demoProgram.townships.find((t) =>
      t.villages.some((v) => v.code === demoApplication(n).villageCode),
    );
    if (township && township.code !== TOWNSHIP?.code) others.push(n);
  }
  return others;
})();

// The demo staff of 者楼镇 and of the county (tools/demo/users.ts).
const CIVIL_AFFAIRS = 'zhang.minzheng';
const CONSTRUCTION = 'he.zhujian';
const INSPECTOR = 'luo.zhijian';
const COUNTY_CONSTRUCTION = 'li.zhujian';
const FINANCE_MAKER = 'chen.caizheng';
const FINANCE_CHECKER = 'qian.caizheng';
const AUDITOR = 'liu.shenji';

let stack: RunningStack;
let browser: Browser;
let auditorToken = '';
let householdId = '';
const sessions: ConsolePage[] = [];

async function session(username: string, viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
  const opened = await openConsole(browser, stack.url, viewport);
  sessions.push(opened);
  await loginAs(opened.page, username);
  return opened.page;
}

/** What must never show on a screen about this household: its id, its full ID number. */
const secrets = () => [householdId, ID_NUMBER].filter(Boolean);

/** Today in China, typed as people do: 2026/12/4. */
function chinaTodaySlashed(): string {
  const [y, m, d] = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10).split('-').map(Number);
  return `${y}/${m}/${d}`;
}

/**
 * Today in China as `YYYY-MM-DD`, and `days` later: a step is dated no later than today and no earlier than
 * the steps before it (the application was registered today), so the forms type today's date.
 */
function chinaDay(days = 0): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** A phone camera's photo: 2,600 x 1,800 px of noise, with the EXIF (time, GPS) of the fixture. */
async function cameraPhoto(label: string): Promise<Buffer> {
  // Taken moments ago: an hour back may be the day before the agreement in China, which holds the inspection.
  const now = new Date(Date.now() - 10_000 + 8 * 3_600_000).toISOString();
  const exifSource = jpegWithExif({
    dateTimeOriginal: `${now.slice(0, 10).replaceAll('-', ':')} ${now.slice(11, 19)}`,
    gps: VILLAGE?.location ?? { lat: 0, lon: 0 },
    label,
  });
  // The fixture's APP1 (EXIF) segment, spliced after the big image's start-of-image marker.
  const app1 = exifSource.subarray(2, 4 + exifSource.readUInt16BE(4));
  const pixels = await sharp({
    create: {
      width: 2600,
      height: 1800,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 92 })
    .toBuffer();
  return Buffer.concat([pixels.subarray(0, 2), app1, pixels.subarray(2)]);
}

type FileView = HouseholdView & {
  payments: { installment: number; amount: number; status: string; approvedBy?: string }[];
  photos: { photoId: string; status: string; kind: string }[];
  inspections: { milestone: string; result: string; photoIds: string[]; inspector: string }[];
};

const file = async () => (await householdFile(stack.url, auditorToken, householdId)) as FileView;

/** Opens the household from "my work", as staff do, and waits for the form of `action`. */
async function openAction(page: Page, action: string, onQueue?: () => Promise<void>): Promise<void> {
  const work = `${stack.url}/#/work`;
  if (page.url() === work) await page.reload();
  else await page.goto(work);
  const row = page.getByTestId(`task-row-${householdId}`);
  await row.waitFor();
  await onQueue?.();
  await row.click();
  await page.getByTestId(`action-form-${action}`).waitFor();
}

async function submitAndWaitFor(page: Page, phase: string): Promise<FileView> {
  await page.getByTestId('action-submit').click();
  await page.locator(`[data-testid="household-phase"][data-phase="${phase}"]`).first().waitFor();
  return file();
}

beforeAll(async () => {
  // The stack serves console/dist: build it when stale, as `npm test` and `npm start` do.
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'ensure-console.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`the console build failed:\n${built.stdout}\n${built.stderr}`);
  stack = await startStack({ fastWaits: true });
  browser = await launch();
  auditorToken = await login(stack.url, AUDITOR);
});

afterAll(async () => {
  await browser?.close();
  await stack?.discard();
});

describe('the staff console', () => {
  it('logs a civil-affairs user in (Chinese by default) and says so when the network fails', async () => {
    const login = await openConsole(browser, stack.url, PHONE);
    sessions.push(login);
    await login.page.getByTestId('login-submit').waitFor();
    await expectAccessible(login.page, 'the login page');
    await login.context.close();
    const page = await session(CIVIL_AFFAIRS);
    await expect.poll(() => page.getByTestId('nav-work').textContent()).toBe('我的待办');
    await page.getByTestId('task-count-total').waitFor();
    // A dropped connection is a sentence, not an error object. (Without the service worker: with it the
    // queue's last answer is shown instead, as an inspector offline needs.)
    const offline = await openConsole(browser, stack.url, PHONE, { serviceWorkers: 'block' });
    try {
      await loginAs(offline.page, CIVIL_AFFAIRS);
      await offline.page.getByTestId('task-count-total').waitFor();
      const tasks = (url: URL) => url.pathname === '/tasks';
      await offline.page.route(tasks, (route) => route.abort('connectionreset'));
      await offline.page.reload();
      await expect.poll(() => offline.page.locator('.ant-alert').first().textContent()).toContain('无法连接服务器');
      expect(offline.errors).toEqual([]);
    } finally {
      await offline.context.close();
    }
  });

  it('keeps the session through a reload and a second tab', async () => {
    const opened = sessions[1] as ConsolePage;
    await opened.page.reload();
    await opened.page
      .getByTestId('current-user')
      .filter({ hasText: demoUser(CIVIL_AFFAIRS).displayName })
      .waitFor();
    const second = await opened.context.newPage();
    await second.goto(`${stack.url}/#/work`);
    await second
      .getByTestId('current-user')
      .filter({ hasText: demoUser(CIVIL_AFFAIRS).displayName })
      .waitFor();
    await second.close();
    // The first tab is still signed in.
    await opened.page.reload();
    await opened.page.getByTestId('task-count-total').waitFor();
  });

  it('registers a household, with client and API field errors shown at the fields', async () => {
    const page = sessions[1]?.page as Page;
    await page.goto(`${stack.url}/#/households/new`);
    const form = page.getByTestId('register-form');
    await form.waitFor();
    await page.getByTestId('field-programId').fill(demoProgram.programId);
    await page.getByTestId('field-programId').blur();
    await page.getByTestId('program-name').waitFor();
    await chooseOption(page, 'field-villageCode', VILLAGE?.name ?? '');
    // Only the categories the program subsidises are offered: no "其他" to be refused later.
    await page.getByTestId('field-category').click();
    const categories = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
    await categories.first().waitFor();
    expect(await categories.allTextContents()).not.toContain('其他');
    await page.keyboard.press('Escape');
    await page.getByTestId('field-head-name').fill(HEAD);
    await page.getByTestId('field-head-idNumber').fill('52232719');
    await chooseOption(page, 'field-house-structure', '土木');
    await page.getByTestId('field-house-areaM2').fill('48');
    // A bank number copied with spaces is taken as its digits.
    await page.getByTestId('field-bankAccount').fill('6217 9900 0000 0777');
    await page.getByTestId('register-submit').click();
    // Sentences with the field's own label, before anything is sent; no schema wording.
    await expect.poll(() => fieldError(page, 'field-head-idNumber').textContent()).toContain('身份证号应为 18 位');
    await expect.poll(() => fieldError(page, 'field-category').textContent()).toBe('请选择对象类别');
    await expectPeopleWords(page, 'the registration form with errors');
    await expectAccessible(page, 'the registration form');
    await screenshot(page, '02-register-errors');
    const none = await api(stack.url, auditorToken).get<{ items: unknown[] }>(`/households?county=${COUNTY}`);
    expect(none.body.items).toEqual([]);

    // The same sentences in English after the language switch.
    await page.getByTestId('language-switch').click();
    await page.getByTestId('register-submit').click();
    await expect.poll(() => fieldError(page, 'field-category').textContent()).toBe('Choose Category');
    await expectPeopleWords(page, 'the registration form in English');
    await page.getByTestId('language-switch').click();

    await page.getByTestId('field-head-idNumber').fill(ID_NUMBER);
    await chooseOption(page, 'field-category', '低保户');
    await page.getByTestId('register-submit').click();
    await expect.poll(() => page.url()).toMatch(/#\/households\/[0-9a-f-]{36}$/);
    householdId = page.url().split('/').pop() ?? '';
    const registered = await file();
    expect(registered.phase).toBe('safety-appraisal');
    // Every answer masks the numbers; the full ones are what was typed, as a recorded reveal shows.
    expect(registered.household.head).toMatchObject({ name: HEAD, idNumber: maskIdNumber(ID_NUMBER) });
    expect(registered.household.category).toBe('minimum-living-guarantee');
    expect(registered.household.villageCode).toBe(VILLAGE?.code);
    expect((registered.household as { bankAccount?: string }).bankAccount).toBe('****0777');
    const account = await api(stack.url, await login(stack.url, CIVIL_AFFAIRS)).post<{ value: string }>(
      `/households/${householdId}/reveal`,
      { field: 'bankAccount', reason: '核对一卡通账号' },
    );
    expect(account.body.value).toBe('6217990000000777');
    expect(registered.timeline.map((event) => event.actor)).toEqual([CIVIL_AFFAIRS]);
    await page.reload();
    await page.getByTestId('household-phase').first().waitFor();
    // The file names the household by its head and village; its ID number is masked.
    await expect.poll(() => page.getByTestId('household-title').textContent()).toContain(VILLAGE?.name);
    await expect.poll(() => page.getByTestId('sensitive-idNumber').textContent()).toBe(maskIdNumber(ID_NUMBER));
    await page.getByRole('tab', { name: '办理记录' }).click();
    await page.getByTestId('timeline-register').waitFor();
    await expectPeopleWords(page, 'the new household file', secrets());
    await expectAccessible(page, 'the household file');
    await screenshot(page, '03-household-file');

    // The full ID number takes a reason, and the file records who asked, when and why.
    await page.getByRole('tab', { name: '基本信息' }).click();
    await page.getByTestId('reveal-idNumber').click();
    await page.getByTestId('reveal-reason').fill('核对户口簿');
    await confirmDialog(page);
    await expect.poll(() => page.getByTestId('sensitive-idNumber').textContent()).toBe(ID_NUMBER);
    const revealed = (await file()).timeline.filter((event) => event.type === 'reveal');
    expect(revealed.at(-1)).toMatchObject({
      actor: CIVIL_AFFAIRS,
      details: { field: 'idNumber', reason: '核对户口簿' },
    });
    await page.getByRole('tab', { name: '办理记录' }).click();
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('查看完整号码');
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('核对户口簿');
    await expectPeopleWords(page, 'the file after a reveal', [householdId]);
    // A reload shows it masked again.
    await page.reload();
    await expect.poll(() => page.getByTestId('sensitive-idNumber').textContent()).toBe(maskIdNumber(ID_NUMBER));
  });

  it('finds the household by the beginning of its head’s name, its ID number and its village', async () => {
    const page = sessions[1]?.page as Page;
    await page.goto(`${stack.url}/#/households`);
    const search = async (text: string) => {
      await page.getByTestId('household-search').fill(text);
      await page.getByTestId('household-search-submit').click();
    };
    const row = page.getByTestId(`household-link-${householdId}`);
    await search(HEAD.slice(0, 1));
    await row.waitFor();
    await search(ID_NUMBER.toLowerCase());
    await row.waitFor();
    expect(await page.locator('[data-testid^="household-link-"]').count()).toBe(1);
    await search('没有这个人');
    await row.waitFor({ state: 'detached' });
    await search(VILLAGE?.name ?? '');
    await row.waitFor();
    await expectPeopleWords(page, 'the search', secrets());
    await expectAccessible(page, 'the household list');
  });

  it('takes the household through appraisal, review and approval, each step by its owner', async () => {
    const construction = await session(CONSTRUCTION, PHONE);
    await waitForTask(stack.url, await login(stack.url, CONSTRUCTION), householdId, 'safety-appraisal');
    await openAction(construction, 'appraise-safety', async () => {
      // The queue names the household by its head and village, never by its id.
      await expect.poll(() => construction.getByTestId(`task-row-${householdId}`).textContent()).toContain(HEAD);
      await expectPeopleWords(construction, 'my work on a phone', secrets());
    });
    await chooseOption(construction, 'field-grade', 'D级');
    await construction.getByTestId('field-technician').fill('罗建国');
    // Typed as people type dates; the field shows it back in one form.
    await fillDate(construction, 'field-appraisedOn', chinaTodaySlashed());
    await expect.poll(() => construction.getByTestId('field-appraisedOn').inputValue()).toBe(chinaDay());
    await construction.getByTestId('field-findings').fill('承重土墙多处开裂，整体危险');
    await screenshot(construction, '04-action-form');
    const appraised = await submitAndWaitFor(construction, 'village-appraisal');
    expect(appraised.household.grade).toBe('D');
    expect(appraised.timeline.find((event) => event.type === 'appraise-safety')?.details.appraisedOn).toBe(chinaDay());

    const civil = sessions[1]?.page as Page;
    await waitForTask(stack.url, await login(stack.url, CIVIL_AFFAIRS), householdId, 'village-appraisal');
    await openAction(civil, 'village-appraisal');
    // A meeting cannot have happened tomorrow.
    const tomorrow = new Date(Date.now() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
    await fillDate(civil, 'field-meetingDate', tomorrow.replaceAll('-', ''));
    await civil.getByTestId('field-votesFor').fill('41');
    await civil.getByTestId('field-votesAgainst').fill('2');
    await civil.getByTestId('field-abstentions').fill('3');
    await civil.getByTestId('field-minutes').fill('村民代表会议评议');
    await chooseOption(civil, 'field-result', '通过');
    await civil.getByTestId('action-submit').click();
    await expect.poll(() => fieldError(civil, 'field-meetingDate').textContent()).toBe('评议日期不能晚于今天');
    await fillDate(civil, 'field-meetingDate', chinaDay().replaceAll('-', ''));
    await civil.getByTestId('field-votesFor').fill('2');
    await civil.getByTestId('field-votesAgainst').fill('2');
    await civil.getByTestId('field-abstentions').fill('3');
    await civil.getByTestId('field-minutes').fill('村民代表会议评议');
    await chooseOption(civil, 'field-result', '通过');
    await civil.getByTestId('action-submit').click();
    // The cross-field rule of domain/actions.ts, at its field, before anything is sent.
    await expect.poll(() => fieldError(civil, 'field-result').textContent()).toContain('赞成票未超过反对票');
    expect((await file()).phase).toBe('village-appraisal');
    await civil.getByTestId('field-votesFor').fill('41');
    await submitAndWaitFor(civil, 'township-review');

    await waitForTask(stack.url, await login(stack.url, CONSTRUCTION), householdId, 'township-review');
    await openAction(construction, 'township-review', async () => {
      // The queue counts the step and lists the household, which opens on a click.
      const count = construction.getByTestId('task-count-township-review').locator('.ant-statistic-content');
      await expect.poll(() => count.textContent()).toBe('1');
      await screenshot(construction, '01-my-work');
    });
    await chooseOption(construction, 'field-decision', '同意');
    await construction.getByText('身份信息').click();
    await construction.getByText('鉴定报告').click();
    await submitAndWaitFor(construction, 'county-approval');

    const county = await session(COUNTY_CONSTRUCTION);
    await waitForTask(stack.url, await login(stack.url, COUNTY_CONSTRUCTION), householdId, 'county-approval');
    await openAction(county, 'county-approve');
    await chooseOption(county, 'field-decision', '同意');
    await chooseOption(county, 'field-mode', '拆除重建');
    await county.getByTestId('field-plannedAreaM2').fill('60');
    await county.getByTestId('field-spotCheck-visited').click();
    await county.getByTestId('field-spotCheck-by').fill('李军');
    await fillDate(county, 'field-spotCheck-date', chinaDay());
    await expectPeopleWords(county, 'the county approval form', secrets());
    await expectAccessible(county, 'an action form');
    await county.getByTestId('action-submit').click();
    const approved = await eventually(
      async () => {
        const now = await file();
        return now.household.approvedSubsidy !== undefined ? now : undefined;
      },
      30_000,
      'the county approval',
    );
    expect(approved.household.mode).toBe('rebuild');
    expect(approved.household.approvedSubsidy).toBeGreaterThan(0);
  });

  it('signs the agreement after the public notice', async () => {
    await eventually(
      async () => ((await file()).phase === 'agreement' ? true : undefined),
      60_000,
      'the end of the public notice',
    );
    const construction = sessions[2]?.page as Page;
    await waitForTask(stack.url, await login(stack.url, CONSTRUCTION), householdId, 'agreement');
    await openAction(construction, 'sign-agreement');
    await fillDate(construction, 'field-signedOn', chinaDay());
    await fillDate(construction, 'field-plannedStart', chinaDay(6));
    await fillDate(construction, 'field-plannedFinish', chinaDay(116));
    await construction.getByTestId('field-ownFunds').fill('5000.50');
    await construction.getByTestId('field-bankLoan').fill('15000');
    const signed = await submitAndWaitFor(construction, 'installment-release');
    const details = signed.timeline.find((event) => event.type === 'sign-agreement')?.details;
    expect(details).toMatchObject({ ownFunds: 500_050, bankLoan: 1_500_000 });
    expect(signed.household.agreementSignedOn).toBe(chinaDay());
    const signing = signed.timeline.find((event) => event.type === 'sign-agreement');
    expect(signing?.actor).toBe(CONSTRUCTION);
    // Each step signed by its owner (the reveals of the file are events of its own).
    expect(signed.timeline.filter((event) => event.type !== 'reveal').map((event) => event.actor)).toEqual([
      CIVIL_AFFAIRS,
      CONSTRUCTION,
      CIVIL_AFFAIRS,
      CONSTRUCTION,
      COUNTY_CONSTRUCTION,
      ...signed.timeline
        .filter((event) => event.type !== 'reveal')
        .slice(5)
        .map((event) => event.actor),
    ]);
    await construction.getByRole('tab', { name: '办理记录' }).click();
    // The timeline reads 5,000.50 元 for what was typed, and no code, fen amount or UTC time.
    const timeline = construction.getByTestId('timeline');
    await expect.poll(() => timeline.textContent()).toContain('5,000.50 元');
    await expectPeopleWords(construction, 'the timeline', [
      ...secrets(),
      '500050',
      String(signed.household.approvedSubsidy),
    ]);
    await screenshot(construction, '05-timeline');
  });

  it('lists the household on the printable public notice with its ID number masked', async () => {
    const civilAffairs = sessions[1]?.page as Page;
    await civilAffairs.goto(`${stack.url}/#/notices`);
    await civilAffairs.getByTestId('notices-load').click();
    const row = civilAffairs.getByTestId(`notice-row-${householdId}`);
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain(HEAD);
    expect(text).toContain(maskIdNumber(ID_NUMBER));
    const { household } = await file();
    expect(text).toContain(
      ((household.approvedSubsidy ?? 0) / 100).toLocaleString('en-US', { minimumFractionDigits: 2 }),
    );
    // The full ID number appears nowhere on the sheet that goes on the village board.
    expect(await civilAffairs.locator('body').textContent()).not.toContain(ID_NUMBER);
    // As county notices look: the deadline, a line for the office and the phone, the seal.
    const sheet = (await civilAffairs.getByTestId('notice-sheet').textContent()) ?? '';
    expect(sheet).toMatch(/公示期限：\d{4}年\d{1,2}月\d{1,2}日 至 \d{4}年\d{1,2}月\d{1,2}日/);
    expect(sheet).toContain('发布单位');
    expect(sheet).toContain('联系电话');
    expect(sheet).toContain('（盖章）');
    await expectPeopleWords(civilAffairs, 'the public notice', secrets());
    await expectAccessible(civilAffairs, 'the public notice');
    await civilAffairs.emulateMedia({ media: 'print' });
    await screenshot(civilAffairs, '10-public-notice');
    await civilAffairs.emulateMedia({ media: 'screen' });
  });

  it('releases the first installment with confirmation, has it approved by a second user, and downloads the batch', async () => {
    const makerToken = await login(stack.url, FINANCE_MAKER);
    await waitForTask(stack.url, makerToken, householdId, 'installment-release', 60_000);
    const maker = await session(FINANCE_MAKER, PHONE);
    await maker.goto(`${stack.url}/#/finance`);
    const plannedFirst = buildFundingPlan(demoProgram, {
      householdId,
      approvedSubsidy: (await file()).household.approvedSubsidy ?? 0,
    }).installments[0]?.amount;
    await maker.getByTestId(`release-${householdId}`).click();
    // The confirmation names the household, the installment (from 1) and the amount in 元.
    const confirmation = maker.getByTestId('confirm-details');
    await expect.poll(() => confirmation.textContent()).toContain(HEAD);
    expect(await confirmation.textContent()).toContain('第 1 期');
    expect(await confirmation.textContent()).toContain(
      `${Math.floor((plannedFirst ?? 0) / 100).toLocaleString('en-US')}.${String((plannedFirst ?? 0) % 100).padStart(2, '0')} 元`,
    );
    await expectPeopleWords(maker, 'the release confirmation on a phone', secrets());
    await confirmDialog(maker);
    const released = await eventually(
      async () => {
        const now = await file();
        return now.payments.length > 0 ? now : undefined;
      },
      30_000,
      'the release',
    );
    const approvedSubsidy = released.household.approvedSubsidy ?? 0;
    const plan = buildFundingPlan(demoProgram, { householdId, approvedSubsidy });
    expect(released.payments).toEqual([
      expect.objectContaining({ installment: 0, amount: plan.installments[0]?.amount, status: 'released' }),
    ]);

    // The second signature, in English.
    const checker = await session(FINANCE_CHECKER);
    await checker.getByTestId('language-switch').click();
    await checker.goto(`${stack.url}/#/finance`);
    await checker.getByRole('tab', { name: /Awaiting approval/ }).click();
    await checker.getByTestId(`approve-${householdId}-0`).click();
    await expect.poll(() => checker.getByTestId('confirm-details').textContent()).toContain('Installment 1');
    await expectPeopleWords(checker, 'the approval confirmation in English', secrets());
    await expectAccessible(checker, 'the payments screen');
    await confirmDialog(checker);
    await eventually(
      async () => {
        const now = await file();
        return now.payments[0]?.approvedBy === FINANCE_CHECKER ? true : undefined;
      },
      30_000,
      'the approval',
    );
    // The list reloads without the approved payment.
    await checker.getByText('Nothing to approve').waitFor();
    await screenshot(checker, '06-finance');
    const [download] = await Promise.all([
      checker.waitForEvent('download'),
      checker.getByTestId('batch-download').click(),
    ]);
    const batch = await readFile((await download.path()) ?? '', 'utf8');
    expect(batch).toContain(`${householdId}-00`);
    expect(batch).not.toContain(ID_NUMBER);
  });

  it('keeps an inspector’s photos through a cut network at every upload step and a reload, then passes the due milestone', async () => {
    await waitForTask(stack.url, await login(stack.url, INSPECTOR), householdId, 'milestone-inspection', 60_000);
    const phone = await session(INSPECTOR, PHONE);
    const context = phone.context();
    await phone.getByTestId(`task-row-${householdId}`).click();
    await phone.getByTestId('action-form-inspect').waitFor();
    // The milestone due (the foundation, the household's second installment) and its checklist are preselected.
    await expect.poll(() => phone.getByTestId('field-milestone').getAttribute('data-milestone')).toBe('foundation');
    expect(await phone.getByTestId('field-milestone').textContent()).toContain('地基验收');
    await expectPeopleWords(phone, 'the inspection form', secrets());
    await expectAccessible(phone, 'the inspector page');

    // The network goes for 5.5 s at the first try of each step: the upload URL, the PUT, the confirmation.
    const stepOf = (request: Request): 'request' | 'put' | 'confirm' | undefined => {
      const url = new URL(request.url());
      if (request.method() === 'PUT' && url.pathname.includes(`/photos/${householdId}/`)) return 'put';
      if (request.method() !== 'POST') return undefined;
      if (url.pathname === `/households/${householdId}/photos`) return 'request';
      if (url.pathname.startsWith(`/households/${householdId}/photos/`) && url.pathname.endsWith('/confirm'))
        return 'confirm';
      return undefined;
    };
    const cut = new Set<string>();
    const outages: Promise<void>[] = [];
    const outage = async (ctx: BrowserContext) => {
      await ctx.setOffline(true);
      await sleep(5_500);
      await ctx.setOffline(false);
    };
    const everything = () => true;
    await context.route(everything, async (route) => {
      const step = stepOf(route.request());
      if (step && !cut.has(step)) {
        cut.add(step);
        outages.push(outage(context));
        await route.abort('internetdisconnected').catch(() => undefined);
        return;
      }
      // While the context is offline, continuing a request fails like the network: the queue retries it.
      await route.continue().catch(() => undefined);
    });
    const big = await cameraPhoto(`camera ${householdId}`);
    const small = (n: number) => {
      // Taken moments ago: an hour back may be the day before the agreement in China, which holds the inspection.
      const now = new Date(Date.now() - 10_000 + 8 * 3_600_000).toISOString();
      return jpegWithExif({
        dateTimeOriginal: `${now.slice(0, 10).replaceAll('-', ':')} ${now.slice(11, 19)}`,
        gps: VILLAGE?.location ?? { lat: 0, lon: 0 },
        label: `console ${householdId} ${n}`,
      });
    };
    await phone.getByTestId('photo-input').setInputFiles([
      { name: 'foundation.jpg', mimeType: 'image/jpeg', buffer: big },
      { name: 'rebar.jpg', mimeType: 'image/jpeg', buffer: small(1) },
      { name: 'concrete.jpg', mimeType: 'image/jpeg', buffer: small(2) },
    ]);
    await phone.locator('[data-testid="upload-item"]').first().waitFor();
    await screenshot(phone, '07-inspector-offline');
    await expect
      .poll(() => phone.locator('[data-testid="upload-item"][data-stage="confirmed"]').count(), { timeout: 120_000 })
      .toBe(3);
    await Promise.all(outages);
    expect([...cut].sort()).toEqual(['confirm', 'put', 'request']);
    await context.unroute(everything);
    const afterOutages = await file();
    const confirmed = afterOutages.photos.filter((p) => p.status === 'confirmed');
    expect(confirmed).toHaveLength(3);
    // Made small on the phone, with the camera's capture time and GPS kept for the evidence checks.
    const camera = confirmed.find(
      (p) => (p as { size?: number }).size !== small(1).length && (p as { size?: number }).size !== small(2).length,
    ) as { size: number; capturedAt?: string; location?: unknown; flags: string[] } | undefined;
    expect(camera?.size).toBeLessThan(big.length);
    expect(camera?.capturedAt).toBeDefined();
    expect(camera?.location).toBeDefined();
    expect(camera?.flags).not.toContain('gps-missing');

    // A fourth photo waits for its upload URL; the page is reloaded mid-queue: nothing is lost.
    const requests = (url: URL) => url.pathname === `/households/${householdId}/photos`;
    await phone.route(requests, (route) => route.abort('internetdisconnected'));
    await phone
      .getByTestId('photo-input')
      .setInputFiles([{ name: 'wall.jpg', mimeType: 'image/jpeg', buffer: small(3) }]);
    await phone.locator('[data-testid="upload-item"][data-stage="queued"]').waitFor();
    await phone.reload();
    await phone.getByTestId('action-form-inspect').waitFor();
    const kept = phone.locator('[data-testid="upload-item"]').filter({ hasText: 'wall.jpg' });
    await kept.waitFor();
    expect(await kept.getAttribute('data-stage')).not.toBe('confirmed');
    await phone.unroute(requests);
    // The queue shows its retry; asked, it goes at once (unless its own backoff came first).
    const retry = kept.getByTestId('upload-retry');
    if (await retry.isVisible()) await retry.click({ timeout: 5_000 }).catch(() => undefined);
    await expect.poll(() => kept.getAttribute('data-stage'), { timeout: 60_000 }).toBe('confirmed');
    const withPhotos = await file();
    expect(withPhotos.photos.filter((p) => p.status === 'confirmed')).toHaveLength(4);

    await fillDate(phone, 'field-date', chinaTodaySlashed());
    for (const item of ['基础尺寸', '钢筋规格', '混凝土强度']) await phone.getByText(item, { exact: true }).click();
    await chooseOption(phone, 'field-result', '合格');
    await phone.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
    await expectPeopleWords(phone, 'the inspector page with its queue', secrets());
    await screenshot(phone, '07-inspector-phone');
    await phone.getByTestId('action-submit').click();
    const inspected = await eventually(
      async () => {
        const current = await file();
        return current.timeline.some((event) => event.type === 'inspect') ? current : undefined;
      },
      30_000,
      'the inspection',
    );
    const fourth = withPhotos.photos
      .filter((p) => p.status === 'confirmed')
      .find((p) => !confirmed.some((c) => c.photoId === p.photoId));
    expect(inspected.inspections).toEqual([
      expect.objectContaining({ milestone: 'foundation', result: 'pass', inspector: INSPECTOR }),
    ]);
    expect(inspected.inspections[0]?.photoIds).toContain(fourth?.photoId);
  });

  it('shows the new figures on the county dashboard', async () => {
    const dashboard = await session(AUDITOR);
    await dashboard.goto(`${stack.url}/#/dashboard`);
    const funds = await api(stack.url, auditorToken).get<{ total: { released: number; planned: number } }>(
      `/reports/funds?county=${COUNTY}`,
    );
    const current = await file();
    expect(funds.body.total.planned).toBe(current.household.approvedSubsidy);
    const released = current.payments[0]?.amount ?? 0;
    expect(funds.body.total.released).toBe(released);
    const yuan = (fen: number) =>
      `${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
    await expect.poll(() => dashboard.getByTestId('funds-total-released').textContent()).toBe(yuan(released));
    await expect
      .poll(() => dashboard.getByTestId('funds-total-planned').textContent())
      .toBe(yuan(current.household.approvedSubsidy ?? 0));
    await expect
      .poll(() => dashboard.getByTestId('stat-registered').locator('.ant-statistic-content').textContent())
      .toBe('1');
    await expect
      .poll(() => dashboard.getByTestId('stat-approved').locator('.ant-statistic-content').textContent())
      .toBe('1');
    // The seed-shaped figures are the API's report (latest program, no program asked): the
    // rebuild approved with 60 m² is building towards the main structure, and the county's one
    // approval had a home visit, so the coverage is met and no warning shows.
    const progress = await api(stack.url, auditorToken).get<{
      programId: string;
      townships: {
        township: string;
        byMode: { rebuild: number };
        floorAreaM2: number;
        status: { underConstruction: number };
      }[];
      spotCheck: { coverage: number | null; met: boolean; visited: number; decided: number };
    }>(`/reports/progress?county=${COUNTY}`);
    expect(progress.body.programId).toBe(demoProgram.programId);
    const row = progress.body.townships.find((line) => line.township === TOWNSHIP?.code);
    expect(row).toMatchObject({ byMode: { rebuild: 1 }, floorAreaM2: 60, status: { underConstruction: 1 } });
    expect(progress.body.spotCheck).toMatchObject({ visited: 1, decided: 1, coverage: 1, met: true });
    const cell = (key: string) => dashboard.getByTestId(`progress-${TOWNSHIP?.code}-${key}`).textContent();
    await expect.poll(() => cell('rebuild')).toBe(String(row?.byMode.rebuild));
    await expect.poll(() => cell('floorArea')).toBe(String(row?.floorAreaM2));
    await expect.poll(() => cell('underConstruction')).toBe(String(row?.status.underConstruction));
    await expect
      .poll(() => dashboard.getByTestId('stat-spotCheck').locator('.ant-statistic-content').textContent())
      .toBe('100%');
    expect(await dashboard.getByTestId('spotcheck-warning').count()).toBe(0);
    await dashboard.getByTestId('chart-status').locator('canvas').waitFor();
    await expectPeopleWords(dashboard, 'the dashboard');
    await expectAccessible(dashboard, 'the dashboard');
    await screenshot(dashboard, '08-dashboard');
    // The same screen in English, antd's own texts included.
    await dashboard.getByTestId('language-switch').click();
    await dashboard.getByText('Funds by source').waitFor();
    await screenshot(dashboard, '09-dashboard-en');

    // A county below the required home-visit ratio (3 approvals, 1 visit): the warning names the shortfall.
    const below = spotCheckCoverage(3, 1, demoProgram.spotCheckRatio);
    expect(below).toMatchObject({ met: false, shortfall: 1 });
    const progressRoute = (url: URL) => url.pathname === '/reports/progress';
    await dashboard.route(progressRoute, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), spotCheck: below } });
    });
    await dashboard.reload();
    await expect
      .poll(() => dashboard.getByTestId('spotcheck-warning').textContent())
      .toBe('Home visits below the required 50%: 1 more to visit');
    await screenshot(dashboard, '11-dashboard-shortfall');
    await dashboard.unroute(progressRoute);
  });

  it('approves a selection of payments from the complete list, under a second confirmation with the total', async () => {
    // Two more households of another township, each with its first installment released by the maker.
    const driver = householdDriver({ url: () => stack.url });
    const staff = new DemoStaff(() => stack.url);
    const others = EXTRA_HOUSEHOLDS;
    const extraIds = await Promise.all(others.map((n) => driver.drive(staff, n, false)));
    const maker = await login(stack.url, FINANCE_MAKER);
    for (const id of extraIds) {
      const current = await householdFile(stack.url, maker, id);
      const released = await api(stack.url, maker).post(`/households/${id}/actions/release-installment`, {
        version: current.version,
        installment: 0,
      });
      expect(released.status).toBe(200);
    }
    const checker = await session(FINANCE_CHECKER);
    await checker.goto(`${stack.url}/#/finance`);
    await checker.getByRole('tab', { name: /待复核/ }).click();
    const awaiting = await api(stack.url, await login(stack.url, FINANCE_CHECKER)).get<{
      items: { householdId: string; amount: number }[];
      totals: { count: number; amount: number };
    }>('/payments?status=awaiting-approval');
    expect(awaiting.body.totals.count).toBe(2);
    // The totals line is the server's, over every payment awaiting approval.
    const yuan = (fen: number) =>
      `${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
    await expect
      .poll(() => checker.getByTestId('approve-totals').textContent())
      .toContain(yuan(awaiting.body.totals.amount));
    for (const id of extraIds) await checker.locator(`tr[data-row-key="${id}/0"] input[type="checkbox"]`).check();
    await expectPeopleWords(checker, 'the approval list', [...extraIds, ...secrets()]);
    await checker.getByTestId('approve-selected').click();
    const first = checker.getByTestId('confirm-selection');
    await expect.poll(() => first.textContent()).toContain(yuan(awaiting.body.totals.amount));
    for (const n of others) expect(await first.textContent()).toContain(demoApplication(n).head.name);
    await confirmDialog(checker);
    // Nothing is approved before the second confirmation.
    await checker.getByTestId('confirm-second').waitFor();
    const stillAwaiting = await api(stack.url, maker).get<{ totals: { count: number } }>(
      '/payments?status=awaiting-approval',
    );
    expect(stillAwaiting.body.totals.count).toBe(2);
    await screenshot(checker, '12-approve-selection');
    await confirmDialog(checker);
    await checker.getByText('暂无待复核的拨付').waitFor();
    const approved = await api(stack.url, maker).get<{ items: { householdId: string; approvedBy?: string }[] }>(
      '/payments?status=awaiting-bank',
    );
    for (const id of extraIds) {
      expect(approved.body.items).toContainEqual(
        expect.objectContaining({ householdId: id, approvedBy: FINANCE_CHECKER }),
      );
    }
  });

  it('opens on the inspector’s phone without a network after a first visit (service worker)', async () => {
    const phone = await session(INSPECTOR, PHONE);
    await phone.goto(`${stack.url}/#/inspector`);
    await phone.getByTestId('inspector-pick').waitFor();
    // The service worker installs on the first visit and controls the page from the next load on.
    type WithWorkers = { serviceWorker: { ready: Promise<unknown>; controller: unknown } };
    await phone.evaluate(async () => {
      await (navigator as unknown as WithWorkers).serviceWorker.ready;
    });
    await phone.reload();
    await phone.getByTestId('inspector-pick').waitFor();
    await expect
      .poll(() => phone.evaluate(() => (navigator as unknown as WithWorkers).serviceWorker.controller !== null))
      .toBe(true);

    await phone.context().setOffline(true);
    try {
      await phone.reload();
      // The app shell and the screen come from the phone, the user and their queue from its last answers.
      await phone
        .getByTestId('current-user')
        .filter({ hasText: demoUser(INSPECTOR).displayName })
        .waitFor({ state: 'attached' });
      await phone.getByTestId('inspector-pick').waitFor();
      await expectPeopleWords(phone, 'the inspector page offline', secrets());
      await screenshot(phone, '13-inspector-offline-start');
    } finally {
      await phone.context().setOffline(false);
    }
  });

  it('serves every screen compressed', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', serviceWorkers: 'block' });
    try {
      const token = await login(stack.url, COUNTY_CONSTRUCTION);
      await context.addInitScript((value) => {
        localStorage.setItem('anju.session', JSON.stringify({ token: value, expiresAt: Date.now() + 3_600_000 }));
      }, token);
      const page = await context.newPage();
      const files = new Map<string, { encoding?: string; accepted: string; bytes: number }>();
      const recorded: Promise<void>[] = [];
      const record = async (response: Response) => {
        const url = new URL(response.url());
        if (url.origin !== stack.url || !/^\/($|index\.html|assets\/)/.test(url.pathname)) return;
        // The first answer of each file came over the network; later ones may come from the browser's cache.
        if (files.has(url.pathname)) return;
        files.set(url.pathname, { accepted: '', bytes: 0 });
        const headers = await response.allHeaders();
        files.set(url.pathname, {
          encoding: headers['content-encoding'],
          accepted: (await response.request().allHeaders())['accept-encoding'] ?? '',
          // As sent: the compressed size when compressed, the file's otherwise.
          bytes: Number(headers['content-length'] ?? 0),
        });
      };
      const onResponse = (response: Response) => {
        recorded.push(record(response));
      };
      page.on('response', onResponse);
      for (const screen of [
        'work',
        'households',
        'households/new',
        `households/${householdId}`,
        'inspector',
        'finance',
        'notices',
        'dashboard',
      ]) {
        // A fresh load per screen (a hash change alone would keep the page and load only the screen's chunk).
        await page.goto('about:blank');
        await page.goto(`${stack.url}/#/${screen}`);
        await page.getByTestId('current-user').waitFor();
        await page.waitForLoadState('networkidle');
      }
      page.off('response', onResponse);
      await Promise.all(recorded);
      const scripts = [...files.keys()].filter((file) => file.endsWith('.js'));
      expect(scripts.length).toBeGreaterThan(20);
      // Every file worth it goes compressed, in the best encoding the browser takes (brotli, else gzip).
      const plain = [...files].filter(([, file]) => file.bytes >= 1024 && file.encoding === undefined);
      expect(plain.map(([name]) => name)).toEqual([]);
      for (const [name, file] of files) {
        if (file.encoding === undefined) continue;
        expect(file.encoding, name).toBe(file.accepted.includes('br') ? 'br' : 'gzip');
      }
    } finally {
      await context.close();
    }
  });

  it('never hit an uncaught error in any page', () => {
    expect(sessions.flatMap((s) => s.errors)).toEqual([]);
  });
});
