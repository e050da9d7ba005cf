/**
 * The demo county (`ANJU_DEMO=1`, here its first 40 households to keep the test short) on the local
 * stack: its households are real files a newcomer can act on, the progress counters it wrote
 * equal a recount, and a second start finds it in place and loads nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleActionBody } from '../../contract/examples';
import type { ProgressReport } from '../../domain/rules/progress';
import { api, login } from '../../tools/api-client/client';
import { type HouseholdView, householdFile, waitForTask } from '../../tools/api-client/household-driver';
import { demoCountyProgram } from '../../tools/demo/county';
import { makeDataDir, type RunningStack, startStack } from '../../twin/stack-process';

const COUNT = 40;
const DEMO = { ANJU_DEMO: '1', ANJU_DEMO_HOUSEHOLDS: String(COUNT) };
/**
 * Real waits, as `npm start -- --demo` runs: the county then stands still while it is read. With fast waits every
 * open public notice of the county closes one second after its execution starts, so a household loaded last went
 * from the notice to the agreement between the report and the recount (inNotice 1 -> 0, notStarted 0 -> 1).
 */
const start = () => startStack({ dataDir, env: DEMO, fastWaits: false });
const COUNTY = demoCountyProgram.county.code;
const dataDir = makeDataDir();
let stack: RunningStack;

beforeAll(async () => {
  stack = await start();
});

afterAll(async () => {
  await stack?.discard();
});

const progress = async (token: string) => {
  const answer = await api(stack.url, token).get<ProgressReport>(`/reports/progress?county=${COUNTY}`);
  expect(answer.status).toBe(200);
  return answer.body;
};

describe('the demo county', () => {
  it('is the county report by default, and its counters equal a recount of its households', async () => {
    expect(stack.output()).toMatch(new RegExp(`demo county ceheng-2026: ${COUNT} households loaded, 0 already there`));
    const clerk = await login(stack.url, 'wang.minzheng');
    const counted = await progress(clerk);
    expect(counted.programId).toBe(demoCountyProgram.programId);
    expect(counted.townships).toHaveLength(16);
    expect(counted.total.registered).toBe(COUNT);
    expect(counted.total.status.underConstruction).toBeGreaterThan(0);
    const admin = await login(stack.url, 'sun.guanli');
    const rebuilt = await api(stack.url, admin).post(
      `/programs/${demoCountyProgram.programId}/progress-counters/rebuild`,
      {},
    );
    expect(rebuilt.status).toBe(200);
    const recounted = await progress(clerk);
    expect(recounted.townships).toEqual(counted.townships);
  });

  it('has households waiting for county approval that the county can approve', async () => {
    const construction = await login(stack.url, 'li.zhujian');
    const waiting = await api(stack.url, construction).get<{ items: HouseholdView['household'][] }>(
      `/households?county=${COUNTY}&phase=county-approval&limit=100`,
    );
    const household = waiting.body.items.find((h) => h.programId === demoCountyProgram.programId);
    if (!household) throw new Error('no demo county household waits for county approval');
    await waitForTask(stack.url, construction, household.householdId, 'county-approval', 60_000);
    const before = await householdFile(stack.url, construction, household.householdId);
    expect(before.timeline.map((e) => e.seq)).toEqual(Array.from({ length: before.version }, (_, i) => i + 1));
    const answer = await api(stack.url, construction).post<HouseholdView>(
      `/households/${household.householdId}/actions/county-approve`,
      exampleActionBody('county-approve', before.version),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.phase).toBe('public-notice');
  });

  it('loads nothing the second time the stack starts on the same data', async () => {
    await stack.stop();
    stack = await start();
    expect(stack.output()).toMatch(new RegExp(`demo county ceheng-2026: 0 households loaded, ${COUNT} already there`));
    const counted = await progress(await login(stack.url, 'wang.minzheng'));
    expect(counted.total.registered).toBe(COUNT);
    expect(counted.total.byPhase['public-notice']).toBeGreaterThan(0);
  });
});
