/**
 * Signing in through the issuer's login page and the administrator's staff-accounts screen (账号管理), in Chinese
 * at a county office PC's size: a wrong password is a sentence on the issuer's page, the right one lands in the
 * console with the person's name; the administrator adds a township inspector, disables them, and reads the
 * account's changes with the chain verified; the new person, signing in, is refused with a sentence.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoProgram } from '../../contract/examples';
import { api } from '../../tools/api-client/client';
import { DEMO_PASSWORD } from '../../tools/demo/users';
import { type RunningStack, startStack } from '../../twin/stack-process';
import {
  type ConsolePage,
  confirmDialog,
  expectAccessible,
  expectPeopleWords,
  launch,
  loginAs,
  openConsole,
  screenshot,
} from './support/browser';

const ADMIN = 'sun.guanli';
const TOWNSHIP = demoProgram.townships[0];

let stack: RunningStack;
let browser: Browser;
const sessions: ConsolePage[] = [];

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  browser = await launch();
});

afterAll(async () => {
  for (const opened of sessions) await opened.context.close().catch(() => undefined);
  await browser?.close();
  await stack?.discard();
});

async function opened(): Promise<ConsolePage> {
  const session = await openConsole(browser, stack.url);
  sessions.push(session);
  return session;
}

describe('signing in through the OpenID Connect issuer', () => {
  it('refuses a wrong password on the login page and signs the right one in with PKCE', async () => {
    const { page, errors } = await opened();
    await page.getByTestId('login-submit').click();
    await page.locator('#username').waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/oidc\/interaction\//);
    await expectAccessible(page, "the issuer's login page");
    await page.locator('#username').fill(ADMIN);
    await page.locator('#password').fill('not-the-password');
    await page.getByTestId('oidc-submit').click();
    await expect.poll(() => page.getByTestId('oidc-error').textContent()).toContain('用户名或密码不正确');
    await page.locator('#password').fill(DEMO_PASSWORD);
    await page.getByTestId('oidc-submit').click();
    await page.getByTestId('current-user').filter({ hasText: '孙磊' }).waitFor();
    // Back on the console without the code in the address bar.
    expect(new URL(page.url()).search).toBe('');
    expect(errors).toEqual([]);
  });
});

describe('the staff-accounts screen', () => {
  let page: Page;

  it('lists the county staff by name, role and place for the administrator', async () => {
    const session = await opened();
    page = session.page;
    await loginAs(page, ADMIN);
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').getByText('何勇（者楼镇村镇建设站）').waitFor();
    await expectPeopleWords(page, 'the staff-accounts screen');
    await expectAccessible(page, 'the staff-accounts screen');
    await screenshot(page, 'users-list');
  });

  it('adds a township inspector', async () => {
    await page.getByTestId('users-add').click();
    await page.getByTestId('users-username').fill('mo.zhijian');
    await page.getByTestId('users-display-name').fill('莫新（者楼镇质检员）');
    await page.getByRole('checkbox', { name: '质检/验收' }).check();
    await page.getByTestId('users-township').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: TOWNSHIP?.name ?? '' })
      .first()
      .click();
    await page.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByTestId('users-table').getByText('莫新（者楼镇质检员）').waitFor();
    await expect.poll(() => page.getByTestId('users-table').textContent()).toContain('未登录过');
  });

  it('disables them after a confirmation, and the change is on their verified record', async () => {
    await page.getByTestId('users-disable-mo.zhijian').click();
    await confirmDialog(page);
    const row = page.getByTestId('users-table').locator('tr').filter({ hasText: 'mo.zhijian' });
    await expect.poll(() => row.textContent()).toContain('已停用');
    await page.getByTestId('users-history-mo.zhijian').click();
    await expect.poll(() => page.getByTestId('users-chain').textContent()).toContain('记录完整');
    const dialog = page.locator('.ant-modal:visible');
    await expect.poll(() => dialog.textContent()).toContain('孙磊（系统管理员）');
    await expect.poll(() => dialog.textContent()).toContain('状态：正常 → 已停用');
    await expectPeopleWords(page, "an account's changes");
    await screenshot(page, 'users-history');
  });

  it('refuses the disabled person with a sentence when they sign in', async () => {
    const created = await api(stack.url).post('/local/identity/accounts', {
      username: 'mo.zhijian',
      displayName: '莫新',
      password: 'a-long-pass-2026',
    });
    expect(created.status).toBe(200);
    const { page: theirs } = await opened();
    await theirs.getByTestId('login-submit').click();
    await theirs.locator('#username').fill('mo.zhijian');
    await theirs.locator('#password').fill('a-long-pass-2026');
    await theirs.getByTestId('oidc-submit').click();
    await expect.poll(() => theirs.locator('.ant-alert').first().textContent()).toContain('已停用');
  });

  it("greys out changing one's own authority", async () => {
    await page.keyboard.press('Escape');
    const own = page.getByTestId(`users-disable-${ADMIN}`);
    await expect.poll(() => own.isDisabled()).toBe(true);
  });
});
