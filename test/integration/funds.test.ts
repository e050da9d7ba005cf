/**
 * Phased subsidy money on the local stack, through the HTTP API only: a household driven to its
 * first installment, 50 concurrent releases of it (exactly one pays), the second finance user's
 * approval, the bank batch file, the simulated bank's answer, and the funds report to the cent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApplication, demoProgram } from '../../contract/examples';
import { buildFundingPlan, parseCsv } from '../../domain/funding';
import { maskBankAccount, maskIdNumber } from '../../domain/rules/idNumber';
import { api, login } from '../../tools/api-client/client';
import { driveTo, householdFile, registerHousehold, waitForTask } from '../../tools/api-client/household-driver';
import { type Staff, staffFor } from '../../tools/api-client/staff';
import { simulateBank } from '../../tools/bank-simulator/bank-simulator';
import { type RunningStack, startStack } from '../../twin/stack-process';

const COUNTY = demoProgram.county.code;
const application = demoApplication(23);

let stack: RunningStack;
let users: Staff;
let maker: string;
let checker: string;
let auditor: string;
let householdId = '';

type LedgerView = { installment: number; amount: number; status: string; reference: string };
type Totals = { planned: number; released: number; paid: number; pending: number; failed: number };

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  users = await staffFor(stack.url, application.villageCode);
  [maker = '', checker = '', auditor = ''] = await Promise.all(
    ['chen.caizheng', 'qian.caizheng', 'liu.shenji'].map((username) => login(stack.url, username)),
  );
});

afterAll(async () => {
  await stack?.discard();
});

const dataLines = (csv: string) => parseCsv(csv).slice(1);

describe('an installment is paid exactly once', () => {
  it('reaches the first installment after the agreement', async () => {
    householdId = await registerHousehold(stack.url, users, application);
    await driveTo(stack.url, users, householdId, 'agreement-signed');
    await waitForTask(stack.url, maker, householdId, 'installment-release', 60_000);
  });

  it('answers 50 concurrent releases with one 200 and 409s, and keeps one ledger entry', async () => {
    const file = await householdFile(stack.url, maker, householdId);
    const body = { version: file.version, installment: 0, note: '开工预拨' };
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        api(stack.url, maker).post(`/households/${householdId}/actions/release-installment`, body),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);

    const after = await api(stack.url, maker).get<{ payments: LedgerView[] }>(`/households/${householdId}`);
    const plan = buildFundingPlan(demoProgram, {
      householdId,
      approvedSubsidy: file.household.approvedSubsidy ?? 0,
    });
    expect(after.body.payments).toEqual([
      expect.objectContaining({ installment: 0, amount: plan.installments[0]?.amount, status: 'released' }),
    ]);
  });

  it('needs a second finance user: self-approval 403, approval 200, a second approval 409', async () => {
    const route = `/payments/${householdId}/0/approve`;
    expect((await api(stack.url, maker).post(route)).status).toBe(403);
    const approved = await api(stack.url, checker).post<{ approvedBy: string }>(route);
    expect(approved.status).toBe(200);
    expect(approved.body.approvedBy).toBe('qian.caizheng');
    expect((await api(stack.url, checker).post(route)).status).toBe(409);
  });

  it('sends one batch line to the bank, imports the result once, and reports the money to the cent', async () => {
    const batch = await api(stack.url, maker).get<string>(`/payments/batch?county=${COUNTY}`);
    expect(batch.status).toBe(200);
    expect(batch.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = dataLines(batch.body);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.fields[5]).toBe(`${householdId}-00`);

    const result = simulateBank(batch.body);
    const post = (csv: string) =>
      api(stack.url, maker).post<{ paid: number; failed: number; ignored: unknown[] }>(
        `/payments/results?county=${COUNTY}`,
        csv,
        { 'content-type': 'text/csv' },
      );
    const imported = await post(result);
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ paid: 1, failed: 0, ignored: [] });
    const again = await post(result);
    expect(again.body).toMatchObject({ paid: 0, failed: 0 });
    expect(again.body.ignored).toHaveLength(1);

    const file = await api(stack.url, maker).get<{ payments: LedgerView[] }>(`/households/${householdId}`);
    expect(file.body.payments.map((p) => p.status)).toEqual(['paid']);
    expect(dataLines((await api(stack.url, maker).get<string>(`/payments/batch?county=${COUNTY}`)).body)).toEqual([]);

    const amount = file.body.payments[0]?.amount ?? 0;
    const view = await householdFile(stack.url, maker, householdId);
    const report = await api(stack.url, auditor).get<{
      total: Totals;
      bySource: Totals[];
      byTownship: Totals[];
      mismatches: unknown[];
    }>(`/reports/funds?county=${COUNTY}`);
    expect(report.status).toBe(200);
    expect(report.body.total).toEqual({
      planned: view.household.approvedSubsidy,
      released: amount,
      paid: amount,
      pending: 0,
      failed: 0,
    });
    for (const key of ['planned', 'released', 'paid'] as const) {
      expect(report.body.bySource.reduce((sum, line) => sum + line[key], 0)).toBe(report.body.total[key]);
      expect(report.body.byTownship.reduce((sum, line) => sum + line[key], 0)).toBe(report.body.total[key]);
    }
    expect(report.body.mismatches).toEqual([]);

    const disclosure = await api(stack.url, auditor).get<string>(`/reports/funds?county=${COUNTY}&format=csv`);
    expect(disclosure.status).toBe(200);
    expect(disclosure.body).toContain(maskIdNumber(application.head.idNumber));
    expect(disclosure.body).toContain(maskBankAccount(application.bankAccount ?? ''));
    expect(disclosure.body).not.toContain(application.head.idNumber);
    expect(disclosure.body).not.toContain(application.bankAccount ?? '');
  });
});
