/**
 * Finding households, the finance office's complete list of payments awaiting their second signature, and personal
 * numbers, on the local stack. Households are driven through the API by their staff: one all the way to its archive
 * (every installment released by one finance officer, none approved yet) and four to their first release. The
 * stack injects a failure into every DynamoDB Scan (ANJU_FAULTS), so a search or list that scanned would fail, and
 * the twin's report proves none was tried.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApplication, demoProgram, exampleActionBody } from '../../contract/examples';
import { maskIdNumber } from '../../domain/rules/idNumber';
import { maskPhone } from '../../domain/rules/masks';
import { api, login } from '../../tools/api-client/client';
import { householdDriver, householdFile } from '../../tools/api-client/household-driver';
import { DemoStaff, staffFor } from '../../tools/api-client/staff';
import { demoUsers } from '../../tools/demo/users';
import { type RunningStack, startStack } from '../../twin/stack-process';

type Payment = {
  householdId: string;
  installment: number;
  amount: number;
  status: string;
  approvedBy?: string;
  headName?: string;
  villageCode?: string;
  label?: string;
};
type PaymentPage = { items: Payment[]; cursor?: string; totals: { count: number; amount: number } };
type HouseholdPage = { items: { householdId: string; phase: string; head: { name: string; idNumber: string } }[] };

const COUNTY = demoProgram.county.code;
/** Demo households of the test: the first is archived, the others wait at their first release. */
const ARCHIVED = 41;
const RELEASED = [42, 43, 44, 45];
const ALL = [ARCHIVED, ...RELEASED];

let stack: RunningStack;
const ids = new Map<number, string>();
let finance = '';
let checker = '';

/** Every full ID number and phone of the test's households: none may appear in an answer. */
const secrets = () => ALL.flatMap((n) => [demoApplication(n).head.idNumber, demoApplication(n).head.phone ?? '']);

function expectNoSecret(text: string, where: string) {
  for (const secret of secrets()) expect(text, where).not.toContain(secret);
}

function townshipOf(villageCode: string) {
  return demoProgram.townships.find((t) => t.villages.some((v) => v.code === villageCode));
}

async function allAwaiting(limit: number): Promise<{ items: Payment[]; totals: PaymentPage['totals']; pages: number }> {
  const items: Payment[] = [];
  let cursor: string | undefined;
  let totals: PaymentPage['totals'] = { count: 0, amount: 0 };
  let pages = 0;
  do {
    const query = new URLSearchParams({ status: 'awaiting-approval', limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    const page = await api(stack.url, checker).get<PaymentPage>(`/payments?${query}`);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    totals = page.body.totals;
    cursor = page.body.cursor;
    pages += 1;
  } while (cursor);
  return { items, totals, pages };
}

beforeAll(async () => {
  stack = await startStack({ fastWaits: true, env: { ANJU_FAULTS: 'dynamodb:Scan=1' } });
  const staff = new DemoStaff(() => stack.url);
  const driver = householdDriver({ url: () => stack.url });
  const driven = await Promise.all([
    driver.drive(staff, ARCHIVED, true),
    ...RELEASED.map((n) => driver.drive(staff, n, false)),
  ]);
  for (const [i, n] of ALL.entries()) ids.set(n, driven[i] ?? '');
  finance = await login(stack.url, 'chen.caizheng');
  checker = await login(stack.url, 'qian.caizheng');
  // The first installment of the others, released by the first finance officer.
  for (const n of RELEASED) {
    const id = ids.get(n) ?? '';
    const file = await householdFile(stack.url, finance, id);
    if (file.phase !== 'installment-release') continue;
    const released = await api(stack.url, finance).post(`/households/${id}/actions/release-installment`, {
      version: file.version,
      installment: 0,
    });
    expect(released.status).toBe(200);
  }
}, 300_000);

afterAll(async () => {
  await stack?.discard();
});

describe('the payments awaiting approval (待复核)', () => {
  it('lists every one of the county, page by page, the archived household included, with the totals of all', async () => {
    const archived = await householdFile(stack.url, checker, ids.get(ARCHIVED) ?? '');
    expect(archived.phase).toBe('archived');

    const { items, totals, pages } = await allAwaiting(3);

    // The archived household's four installments and the others' first.
    expect(items).toHaveLength(4 + RELEASED.length);
    expect(pages).toBeGreaterThan(2);
    expect(items.filter((p) => p.householdId === ids.get(ARCHIVED)).map((p) => p.installment)).toEqual([0, 1, 2, 3]);
    for (const n of RELEASED) expect(items.some((p) => p.householdId === ids.get(n) && p.installment === 0)).toBe(true);
    expect(totals).toEqual({ count: items.length, amount: items.reduce((sum, p) => sum + p.amount, 0) });
    for (const payment of items) {
      const n = ALL.find((k) => ids.get(k) === payment.householdId) ?? -1;
      expect(payment).toMatchObject({
        status: 'released',
        headName: demoApplication(n).head.name,
        villageCode: demoApplication(n).villageCode,
        label: demoProgram.installments[payment.installment]?.label,
      });
      expect(payment.approvedBy).toBeUndefined();
    }
    expectNoSecret(JSON.stringify(items), 'the payments');
  });

  it('takes an approved one out of the list and its total, into the list for the bank', async () => {
    const before = await allAwaiting(100);
    const final = before.items.find((p) => p.householdId === ids.get(ARCHIVED) && p.installment === 3);
    if (!final) throw new Error('the archived household has no final installment awaiting approval');

    const approved = await api(stack.url, checker).post(`/payments/${final.householdId}/3/approve`, {});

    expect(approved.status).toBe(200);
    const after = await allAwaiting(100);
    expect(after.totals).toEqual({ count: before.totals.count - 1, amount: before.totals.amount - final.amount });
    expect(after.items.some((p) => p.householdId === final.householdId && p.installment === 3)).toBe(false);
    const bank = await api(stack.url, checker).get<PaymentPage>('/payments?status=awaiting-bank');
    expect(bank.body.items).toEqual([expect.objectContaining({ householdId: final.householdId, installment: 3 })]);
    expect(bank.body.totals).toEqual({ count: 1, amount: final.amount });
  });

  it('is for county finance staff only', async () => {
    const clerk = await login(stack.url, 'wang.minzheng');
    expect((await api(stack.url, clerk).get('/payments?status=awaiting-approval')).status).toBe(403);
  });
});

describe('finding a household', () => {
  it("finds by the beginning of the head's name, an exact ID number or a village's name, masked", async () => {
    const county = await login(stack.url, 'li.zhujian');
    const target = demoApplication(RELEASED[0] ?? 0);
    const id = ids.get(RELEASED[0] ?? 0);
    const search = (q: string) => api(stack.url, county).get<HouseholdPage>(`/households?q=${encodeURIComponent(q)}`);

    const byName = await search(target.head.name.slice(0, 2));
    const byId = await search(demoApplication(ARCHIVED).head.idNumber);
    const village = townshipOf(target.villageCode)?.villages.find((v) => v.code === target.villageCode);
    const byVillage = await search(village?.name ?? '');

    expect(byName.status).toBe(200);
    expect(byName.body.items.map((h) => h.householdId)).toContain(id);
    expect(byName.body.items.every((h) => h.head.name.startsWith(target.head.name.slice(0, 2)))).toBe(true);
    expect(byId.body.items.map((h) => h.householdId)).toEqual([ids.get(ARCHIVED)]);
    expect(byId.body.items[0]?.phase).toBe('archived');
    expect(byVillage.body.items.map((h) => h.householdId)).toContain(id);
    expect(byName.body.items.find((h) => h.householdId === id)?.head.idNumber).toBe(maskIdNumber(target.head.idNumber));
    for (const answer of [byName, byId, byVillage]) expectNoSecret(JSON.stringify(answer.body), 'a search');
  });

  it("keeps township staff to their township, even for another township's ID number", async () => {
    const target = demoApplication(ARCHIVED);
    const elsewhere = demoUsers.find(
      (u) => u.roles.includes('civil-affairs') && u.township && u.township !== townshipOf(target.villageCode)?.code,
    );
    const token = await login(stack.url, elsewhere?.username ?? '');

    const answer = await api(stack.url, token).get<HouseholdPage>(
      `/households?q=${encodeURIComponent(target.head.idNumber)}`,
    );

    expect(answer.status).toBe(200);
    expect(answer.body.items).toEqual([]);
  });

  it('never scanned the table: every DynamoDB Scan would have failed, and none was tried', async () => {
    expect(stack.output()).toContain('faults on (ANJU_FAULTS): dynamodb:Scan=1');
    const report = await stack.twin();
    expect(report.faults.byFault.filter((f) => f.fault.startsWith('dynamodb:Scan'))).toEqual([]);
    expect(report.faults.total).toBe(0);
  });
});

describe('showing a personal number in full', () => {
  it('answers it with a reason and records who, when and why on the household chain', async () => {
    const n = RELEASED[1] ?? 0;
    const id = ids.get(n) ?? '';
    const staff = await staffFor(stack.url, demoApplication(n).villageCode);
    const before = await householdFile(stack.url, staff.civil.token, id);

    const revealed = await api(stack.url, staff.civil.token).post<{ value: string; version: number }>(
      `/households/${id}/reveal`,
      { field: 'phone', reason: '电话通知农户补交材料' },
    );

    expect(revealed.status).toBe(200);
    expect(revealed.body).toMatchObject({ value: demoApplication(n).head.phone, version: before.version + 1 });
    const after = await householdFile(stack.url, staff.civil.token, id);
    expect(after.household.head.phone).toBe(maskPhone(demoApplication(n).head.phone ?? ''));
    const event = after.timeline.at(-1);
    expect(event).toMatchObject({
      type: 'reveal',
      actor: staff.civil.username,
      role: 'civil-affairs',
      seq: before.version + 1,
      details: { field: 'phone', reason: '电话通知农户补交材料' },
    });
    expect(Date.now() - Date.parse(event?.at ?? '')).toBeLessThan(60_000);
    expect(JSON.stringify(after.timeline)).not.toContain(demoApplication(n).head.phone);
  });

  it('refuses without a reason (400) and outside the jurisdiction (404, as if it did not exist), recording nothing', async () => {
    const n = RELEASED[2] ?? 0;
    const id = ids.get(n) ?? '';
    const staff = await staffFor(stack.url, demoApplication(n).villageCode);
    const outsider = demoUsers.find(
      (u) =>
        u.roles.includes('civil-affairs') &&
        u.township &&
        u.township !== townshipOf(demoApplication(n).villageCode)?.code,
    );
    const before = await householdFile(stack.url, staff.civil.token, id);

    const noReason = await api(stack.url, staff.civil.token).post(`/households/${id}/reveal`, { field: 'idNumber' });
    const outside = await api(stack.url, await login(stack.url, outsider?.username ?? '')).post(
      `/households/${id}/reveal`,
      { field: 'idNumber', reason: '核对身份' },
    );

    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('理由');
    expect(outside.status).toBe(404);
    expect((await householdFile(stack.url, staff.civil.token, id)).version).toBe(before.version);
  });
});

describe('masking everywhere', () => {
  it('shows no full ID number or phone in files, lists, queues, notices, exports, the ledger card or actions', async () => {
    const auditor = await login(stack.url, 'liu.shenji');
    const archivedId = ids.get(ARCHIVED) ?? '';
    const reads: [string, string][] = [
      ['the household list', `/households?county=${COUNTY}&limit=100`],
      ['a household file', `/households/${ids.get(RELEASED[3] ?? 0)}`],
      ['the archived file', `/households/${archivedId}`],
      ['the ledger card', `/households/${archivedId}/ledger-card`],
      ['the notices', `/notices?county=${COUNTY}`],
      ['the household export', `/reports/households?county=${COUNTY}`],
      ['the funds disclosure', `/reports/funds?county=${COUNTY}&format=csv`],
    ];
    for (const [what, route] of reads) {
      const answer = await fetch(`${stack.url}${route}`, { headers: { authorization: `Bearer ${auditor}` } });
      expect(answer.status, what).toBe(200);
      expectNoSecret(await answer.text(), what);
    }
    const workbook = new ExcelJS.Workbook();
    const xlsx = await fetch(`${stack.url}/reports/households?county=${COUNTY}&format=xlsx`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expectNoSecret(JSON.stringify(workbook.getWorksheet('农户名单')?.getSheetValues()), 'the Excel export');

    // Each queue names the household by its head and village, and nothing more personal.
    const inspector = (await staffFor(stack.url, demoApplication(RELEASED[3] ?? 0).villageCode)).inspector.token;
    const queue = await api(stack.url, inspector).get<{ items: { householdId: string; headName?: string }[] }>(
      '/tasks',
    );
    const task = queue.body.items.find((t) => t.householdId === ids.get(RELEASED[3] ?? 0));
    expect(task?.headName).toBe(demoApplication(RELEASED[3] ?? 0).head.name);
    expectNoSecret(JSON.stringify(queue.body), 'a work queue');

    // An action answers the file, masked too.
    const finance = await login(stack.url, 'chen.caizheng');
    const id = ids.get(RELEASED[3] ?? 0) ?? '';
    const file = await householdFile(stack.url, finance, id);
    const { photoIds: _none, ...visit } = exampleActionBody('supervise', file.version);
    const construction = (await staffFor(stack.url, demoApplication(RELEASED[3] ?? 0).villageCode)).construction;
    const supervised = await api(stack.url, construction.token).post(`/households/${id}/actions/supervise`, visit);
    expect(supervised.status).toBe(200);
    expectNoSecret(JSON.stringify(supervised.body), 'an action answer');
  });
});
