/**
 * Debian's Chromium driven by playwright-core, with the helpers the console tests share: a page
 * that fails the test on any page error, login through the console, antd form inputs and
 * screenshots under test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking'],
  });
}

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1366, height: 900 } as const;

export interface ConsolePage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Page errors (uncaught exceptions) seen so far: a test asserts it stays empty. */
  readonly errors: string[];
}

/** A fresh browser context (its own sessionStorage: one signed-in user) on the console. */
export async function openConsole(
  browser: Browser,
  consoleUrl: string,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(consoleUrl);
  return { page, context, errors };
}

/** Signs in through the login page by picking the seeded user. */
export async function loginAs(page: Page, username: string): Promise<void> {
  await chooseOption(page, 'login-user', username, { search: true });
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').filter({ hasText: username }).waitFor({ state: 'attached' });
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
