/**
 * Conflicting actions on one household at once, on the local stack: several sessions deciding the
 * same step differently with the same version, a stale version, and two roles acting on the same
 * household in the same instant. Exactly one wins; the others get 409; the household, its audit
 * chain and its task show the winner's decision only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApplication, exampleActionBody } from '../../contract/examples';
import { verifyChain } from '../../domain/rules/audit';
import { api, eventually, login } from '../../tools/api-client/client';
import {
  driveTo,
  type HouseholdView,
  householdFile,
  registerHousehold,
  waitForTask,
} from '../../tools/api-client/household-driver';
import { type Staff, staffFor } from '../../tools/api-client/staff';
import { type RunningStack, startStack } from '../../twin/stack-process';

const application = demoApplication(41);

let stack: RunningStack;
let users: Staff;
let householdId = '';

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  users = await staffFor(stack.url, application.villageCode);
  householdId = await registerHousehold(stack.url, users, application);
  await driveTo(stack.url, users, householdId, 'township-review');
  await waitForTask(stack.url, users.construction.token, householdId, 'township-review');
}, 240_000);

afterAll(async () => {
  await stack?.discard();
});

const decisions = {
  approve: (version: number) => exampleActionBody('township-review', version),
  reject: (version: number) => ({ version, decision: 'reject', reason: '住房不属于危房' }),
  'send-back': (version: number) => ({ version, decision: 'send-back', reason: '鉴定报告缺少照片，退回补正' }),
} as const;
const NEXT = { approve: 'county-approval', reject: 'rejected', 'send-back': 'village-appraisal' } as const;

describe('conflicting actions on one household', () => {
  it('refuses a stale version with 409 and stores nothing', async () => {
    const before = await householdFile(stack.url, users.construction.token, householdId);
    const stale = await api(stack.url, users.construction.token).post(
      `/households/${householdId}/actions/township-review`,
      decisions.approve(before.version - 1),
    );
    expect(stale.status).toBe(409);
    const after = await householdFile(stack.url, users.construction.token, householdId);
    expect(after.version).toBe(before.version);
    expect(after.timeline).toEqual(before.timeline);
    expect(after.task?.step).toBe('township-review');
  });

  it('lets exactly one of 9 simultaneous, different decisions from separate sessions win', async () => {
    const before = await householdFile(stack.url, users.construction.token, householdId);
    // Separate logins: distinct sessions of the same reviewer, as on two phones and a desk computer.
    const sessions = await Promise.all(Array.from({ length: 3 }, () => login(stack.url, users.construction.username)));
    const attempts = (['approve', 'reject', 'send-back'] as const).flatMap((decision) =>
      sessions.map((token) => ({ decision, token })),
    );
    const answers = await Promise.all(
      attempts.map(({ decision, token }) =>
        api(stack.url, token).post<HouseholdView>(
          `/households/${householdId}/actions/township-review`,
          decisions[decision](before.version),
        ),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(attempts.length - 1);

    const winner = attempts[statuses.indexOf(200)]?.decision ?? 'approve';
    const after = await householdFile(stack.url, users.construction.token, householdId);
    expect(after.phase).toBe(NEXT[winner]);
    expect(after.version).toBe(before.version + 1);
    expect(after.timeline.slice(0, before.timeline.length)).toEqual(before.timeline);
    const added = after.timeline.slice(before.timeline.length);
    expect(added.map((event) => event.type)).toEqual(['township-review']);
    expect(verifyChain(after.timeline, after.version)).toEqual({ ok: true });
    // The workflow follows the winner only: its next task (if any) is for the winner's phase.
    if (winner !== 'reject') {
      const task = await eventually(async () => {
        const file = await householdFile(stack.url, users.construction.token, householdId);
        return file.task ?? undefined;
      });
      expect(task.step).toBe(NEXT[winner]);
    }
  });

  it('pays an installment once when two finance officers release it at the same instant', async () => {
    // A second household, so this race does not depend on which decision won above.
    const second = demoApplication(42);
    const id = await registerHousehold(stack.url, users, second);
    const secondUsers = await staffFor(stack.url, second.villageCode);
    await driveTo(stack.url, secondUsers, id, 'agreement-signed');
    const officers = await Promise.all(['chen.caizheng', 'qian.caizheng'].map((name) => login(stack.url, name)));
    await waitForTask(stack.url, officers[0] ?? '', id, 'installment-release', 60_000);
    const before = await householdFile(stack.url, officers[0] ?? '', id);

    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api(stack.url, officers[i % 2]).post(`/households/${id}/actions/release-installment`, {
          version: before.version,
          installment: 0,
          note: i % 2 === 0 ? '开工预拨' : '开工预拨（复核）',
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(9);
    const after = await api(stack.url, officers[0]).get<HouseholdView & { payments: { installment: number }[] }>(
      `/households/${id}`,
    );
    expect(after.body.payments.map((payment) => payment.installment)).toEqual([0]);
    expect(after.body.version).toBe(before.version + 1);
    const added = after.body.timeline.slice(before.timeline.length);
    expect(added.map((event) => event.type)).toEqual(['release-installment']);
    expect(verifyChain(after.body.timeline, after.body.version)).toEqual({ ok: true });
  });
});
