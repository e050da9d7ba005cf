/**
 * One household through the approval half of the process, through the HTTP API only, on the
 * local stack started as `npm start` would: register, safety appraisal, village appraisal,
 * township review, county approval with spot check, public notice (fast waits), agreement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApplication, demoProgram } from '../../contract/examples';
import { chinaToday } from '../../domain/china-time';
import type { AuditEvent, Phase } from '../../domain/model';
import { api, eventually, login } from '../../tools/api-client/client';
import { driveTo, type HouseholdView, householdFile, waitForTask } from '../../tools/api-client/household-driver';
import { type Staff, staffFor } from '../../tools/api-client/staff';
import { demoUsers } from '../../tools/demo/users';
import { type RunningStack, startStack } from '../../twin/stack-process';

let stack: RunningStack;
let users: Staff;
const application = demoApplication(11);

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  users = await staffFor(stack.url, application.villageCode);
});

afterAll(async () => {
  await stack?.discard();
});

describe('the local stack', () => {
  it('answers /health and /openapi.json without a token', async () => {
    const health = await api(stack.url).get<{ status: string }>('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    const openapi = await api(stack.url).get<{ paths: Record<string, unknown> }>('/openapi.json');
    expect(openapi.status).toBe(200);
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/households', '/tasks']));
  });

  it('logs in every demo user with its roles and jurisdiction', async () => {
    for (const user of demoUsers) {
      const me = await api(stack.url, await login(stack.url, user.username)).get<Record<string, unknown>>('/me');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ username: user.username, roles: user.roles, county: user.county });
    }
    expect((await api(stack.url, 'not-a-token').get('/me')).status).toBe(401);
    expect((await api(stack.url).get('/tasks')).status).toBe(401);
  });

  it('has seeded the demo program', async () => {
    const admin = demoUsers.find((user) => user.roles.includes('admin'));
    const program = await api(stack.url, await login(stack.url, admin?.username ?? '')).get<{ programId: string }>(
      `/programs/${demoProgram.programId}`,
    );
    expect(program.status).toBe(200);
    expect(program.body).toMatchObject({ programId: demoProgram.programId });
  });
});

describe('a household from application to agreement', () => {
  let householdId = '';

  it('is registered by the civil-affairs staff of its township', async () => {
    const created = await api(stack.url, users.civil.token).post<{
      householdId: string;
      phase: Phase;
      version: number;
    }>('/households', application);
    expect(created.status).toBe(201);
    expect(created.body.phase).toBe('safety-appraisal');
    householdId = created.body.householdId;
  });

  it('refuses a bad body with zh/en field messages, a wrong role with 403 and a stale version with 409', async () => {
    await waitForTask(stack.url, users.construction.token, householdId, 'safety-appraisal');
    const file = await householdFile(stack.url, users.construction.token, householdId);

    const bad = await api(stack.url, users.construction.token).post<{
      fields: { path: string; message: { zh: string; en: string } }[];
    }>(`/households/${householdId}/actions/appraise-safety`, { version: file.version, grade: 'E' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.length).toBeGreaterThan(0);
    for (const field of bad.body.fields) {
      expect(field.message.zh).toMatch(/\S/);
      expect(field.message.en).toMatch(/\S/);
    }

    const body = {
      version: file.version,
      grade: 'D',
      technician: '罗建国',
      appraisedOn: chinaToday(),
      findings: '承重土墙多处开裂，整体危险',
    };
    const wrongRole = await api(stack.url, users.civil.token).post(
      `/households/${householdId}/actions/appraise-safety`,
      body,
    );
    expect(wrongRole.status).toBe(403);

    const stale = await api(stack.url, users.construction.token).post(
      `/households/${householdId}/actions/appraise-safety`,
      { ...body, version: file.version + 5 },
    );
    expect(stale.status).toBe(409);

    const unknown = await api(stack.url, users.construction.token).get('/households/no-such-household');
    expect(unknown.status).toBe(404);
  });

  it('goes through appraisal, review, approval, public notice and agreement, each task in the right queue', async () => {
    const actors = await driveTo(stack.url, users, householdId, 'agreement-signed');
    const file = await householdFile(stack.url, users.construction.token, householdId);
    expect(['installment-release', 'milestone-inspection', 'final-acceptance']).toContain(file.phase);
    expect(file.household).toMatchObject({ grade: 'D', mode: 'rebuild' });
    expect(file.household.approvedSubsidy).toBeGreaterThan(0);

    // The timeline is the audit trail: every event in order, each with its actor, chained by hash.
    const timeline = file.timeline;
    expect(timeline.map((event) => event.seq)).toEqual(timeline.map((_, index) => index + 1));
    for (const event of timeline) expect(event.actor).toMatch(/\S/);
    for (let i = 1; i < timeline.length; i += 1) {
      expect(timeline[i]?.prevHash).toBe(timeline[i - 1]?.hash);
    }
    // Each step's audit event names the person who acted on it, in the order they acted.
    const driven = new Set(actors.map((step) => step.phase));
    const acted = timeline
      .filter((event: AuditEvent) => event.role !== 'system' && event.fromPhase && driven.has(event.fromPhase))
      .map((event) => ({ username: event.actor, phase: event.fromPhase }));
    expect(acted).toEqual(actors);
    expect(actors.map((step) => step.phase)).toEqual([
      'safety-appraisal',
      'village-appraisal',
      'township-review',
      'county-approval',
      'agreement',
    ]);
  });

  it('lists the household with its phase for county staff', async () => {
    const list = await eventually(async () => {
      const answer = await api(stack.url, users.county.token).get<{ items: HouseholdView['household'][] }>(
        `/households?county=${demoProgram.county.code}`,
      );
      return answer.body.items.some((item) => item.householdId === householdId) ? answer.body.items : undefined;
    });
    expect(list.length).toBeGreaterThan(0);
  });
});
