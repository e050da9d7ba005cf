/**
 * Debian's Chromium driven by playwright-core, with the helpers the console tests share: a page
 * that fails the test on any page error, login through the console, antd form inputs and
 * screenshots under test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { EVENT_TITLES, PHASE_TITLES } from '../../../domain/labels';
import { ACTIONS, CATEGORIES, HouseStructure, PHASES } from '../../../domain/model';
import { DEMO_PASSWORD, demoUsers } from '../../../tools/demo/users';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking'],
  });
}

/** A cheap Android phone and a county office PC. */
export const PHONE = { width: 360, height: 740 } as const;
export const DESKTOP = { width: 1366, height: 768 } as const;

export interface ConsolePage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Page errors (uncaught exceptions) seen so far: a test asserts it stays empty. */
  readonly errors: string[];
}

/** A fresh browser context (its own storage: one signed-in user) on the console. */
export async function openConsole(
  browser: Browser,
  consoleUrl: string,
  viewport: { width: number; height: number } = DESKTOP,
  options: { serviceWorkers?: 'allow' | 'block' } = {},
): Promise<ConsolePage> {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    acceptDownloads: true,
    serviceWorkers: options.serviceWorkers ?? 'allow',
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(consoleUrl);
  return { page, context, errors };
}

/**
 * Signs in as people do: the console's sign-in button, the issuer's login page (the twin's OpenID Connect issuer,
 * authorization code with PKCE), back to the console, which shows the person's name.
 */
export async function loginAs(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.getByTestId('login-submit').click();
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByTestId('oidc-submit').click();
  const name = demoUsers.find((user) => user.username === username)?.displayName ?? username;
  await page.getByTestId('current-user').filter({ hasText: name }).waitFor({ state: 'attached' });
}

/**
 * Opens an antd Select (by its test id) and picks the option whose text contains `text`; `search`
 * types it first, for long lists whose far options the virtual list has not rendered.
 */
export async function chooseOption(
  page: Page,
  testId: string,
  text: string,
  options: { search?: boolean } = {},
): Promise<void> {
  await page.getByTestId(testId).click();
  if (options.search) await page.keyboard.type(text);
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first();
  await option.click();
  // Until it has closed, the dropdown's accessibility list (option values, i.e. codes) is part of the page's text.
  await page.locator('.ant-select-dropdown:visible').first().waitFor({ state: 'hidden' });
}

/** Types a date into an antd DatePicker (by its test id) and confirms it. */
export async function fillDate(page: Page, testId: string, date: string): Promise<void> {
  const picker = page.getByTestId(testId);
  const input = (await picker.evaluate((node) => node.tagName)) === 'INPUT' ? picker : picker.locator('input');
  await input.click();
  await input.fill(date);
  // Tab, not Enter: Enter would also submit the form around the picker.
  await input.press('Tab');
}

/** The antd Form.Item error text shown under the field with this test id. */
export function fieldError(page: Page, testId: string) {
  return page
    .locator('.ant-form-item')
    .filter({ has: page.getByTestId(testId) })
    .locator('.ant-form-item-explain-error');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Codes the API sends that a person must never read: every hyphenated one, whatever its table. */
const CODES = [
  ...PHASES,
  ...ACTIONS,
  ...CATEGORIES,
  ...HouseStructure.options,
  ...Object.keys(EVENT_TITLES),
  ...Object.keys(PHASE_TITLES),
  'main-structure',
  'send-back',
  'not-qualified',
  'after-with-head',
  'duplicate-image',
  'gps-far',
  'gps-missing',
  'capture-time-missing',
  'stage-too-soon',
  'walls-to-roof',
  'roof-slab',
].filter((code) => code.includes('-'));

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const UTC_ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const SCHEMA = [
  /期望\s*\w+/,
  /实际接收/,
  /无效输入/,
  /Invalid input/,
  /expected \w+, received/,
  /must match pattern/,
  /sha256/i,
];

/**
 * Asserts the screen speaks people's words: no code, no 36-character id, no UTC ISO time, no
 * schema message, and none of the `forbidden` strings (an amount in fen, a full ID number...).
 */
export async function expectPeopleWords(page: Page, screen: string, forbidden: readonly string[] = []): Promise<void> {
  const text = await page.locator('body').innerText();
  const problems: string[] = [];
  const codes = CODES.filter((code) => new RegExp(`(^|[^a-z-])${code}([^a-z-]|$)`).test(text));
  if (codes.length > 0) problems.push(`codes: ${codes.join(', ')}`);
  const id = UUID.exec(text);
  if (id) problems.push(`id: ${id[0]}`);
  const time = UTC_ISO.exec(text);
  if (time) problems.push(`UTC time: ${time[0]}`);
  for (const pattern of SCHEMA) if (pattern.test(text)) problems.push(`schema message: ${pattern}`);
  for (const value of forbidden) if (value && text.includes(value)) problems.push(`shows ${value}`);
  if (problems.length > 0) throw new Error(`${screen} shows what a person should not read: ${problems.join('; ')}`);
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Colours halfway through a transition (antd's 0.2 s on buttons) are neither state a person
  // reads: let finite animations end before axe samples the colours.
  await page.evaluate(
    `Promise.all(document.getAnimations()
      .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
      .map((animation) => animation.finished.catch(() => undefined))).then(() => undefined)`,
  );
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const lines = bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
    throw new Error(`${screen} has accessibility violations:\n${lines.join('\n')}`);
  }
}

/** Clicks the OK button of the antd confirmation dialog on screen. */
export async function confirmDialog(page: Page): Promise<void> {
  await page.locator('.ant-modal-confirm:visible .ant-modal-confirm-btns .ant-btn-primary').last().click();
}
