/**
 * The demo county (`ANJU_DEMO=1`, here its first 40 households to keep the test short; the unit test
 * of tools/demo/county.ts shows that all 600 reproduce seed 004's first paragraph) on the local
 * stack: the progress report answers, through the counters the loader wrote, exactly the figures
 * and paragraph the domain rules give for those households; the counters equal a recount; a
 * completed household can be recorded as moved in; a second start finds it in place and loads nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Household } from '../../domain/model';
import { addCells, type ProgressCells, type ProgressReport, progressCells } from '../../domain/rules/progress';
import { reportParagraph, yearEndFigures } from '../../domain/rules/report';
import { api, login } from '../../tools/api-client/client';
import { type HouseholdView, householdFile } from '../../tools/api-client/household-driver';
import { demoCountyHousehold, demoCountyHouseholdId, demoCountyProgram, demoTargetOf } from '../../tools/demo/county';
import { makeDataDir, type RunningStack, startStack } from '../../twin/stack-process';

const COUNT = 40;
const DEMO = { ANJU_DEMO: '1', ANJU_DEMO_HOUSEHOLDS: String(COUNT) };
/**
 * Real waits, as `npm start -- --demo` runs: the county then stands still while it is read (with fast waits the
 * executions started for its households would move them on between the report and the recount).
 */
const start = () => startStack({ dataDir, env: DEMO, fastWaits: false });
const COUNTY = demoCountyProgram.county.code;
const PROGRAM = demoCountyProgram.programId;
const dataDir = makeDataDir();
let stack: RunningStack;

beforeAll(async () => {
  stack = await start();
});

afterAll(async () => {
  await stack?.discard();
});

const progress = async (token: string, query = `county=${COUNTY}&program=${PROGRAM}`) => {
  const answer = await api(stack.url, token).get<ProgressReport>(`/reports/progress?${query}`);
  expect(answer.status).toBe(200);
  return answer.body;
};

/** The first `count` households of the demo as the generator makes them (their figures do not depend on the day). */
function generated(count: number): Household[] {
  const now = new Date();
  return Array.from({ length: count }, (_, n) => demoCountyHousehold(n, now).household);
}

describe("the demo county (seed 004's)", () => {
  it('reports exactly what the domain rules give for its households, as the seed words them', async () => {
    expect(stack.output()).toMatch(new RegExp(`demo county ${PROGRAM}: ${COUNT} households loaded, 0 already there`));
    const report = await progress(await login(stack.url, 'wang.minzheng'));
    expect(report.townships).toHaveLength(16);
    expect(report.total.registered).toBe(COUNT);

    const cells: ProgressCells = {};
    for (const h of generated(COUNT)) addCells(cells, progressCells(h));
    const expected = yearEndFigures(demoCountyProgram, cells, report.asOf);
    expect(report.yearEnd).toEqual(expected);
    expect(report.text).toBe(reportParagraph(demoCountyProgram, expected));
    // Every kind of household is among them: both kinds of site, both modes, every status of the seed.
    expect(report.yearEnd.centralized.households).toBeGreaterThan(0);
    expect(report.yearEnd.dispersedRepair.completed).toBe(report.yearEnd.dispersedRepair.households);
    expect(report.text).toContain('竣工入住');
    expect(report.text).toContain('正在装修');
  });

  it('asks which program the report is about: the county has the example program too', async () => {
    const answer = await api(stack.url, await login(stack.url, 'wang.minzheng')).get<{ fields: { path: string }[] }>(
      `/reports/progress?county=${COUNTY}`,
    );
    expect(answer.status).toBe(400);
    expect(answer.body.fields[0]?.path).toBe('program');
  });

  it('records a completed household as moved in, and its counters equal a recount', async () => {
    const clerk = await login(stack.url, 'wang.minzheng');
    const before = await progress(clerk);
    const n = Array.from({ length: COUNT }, (_, i) => i).find((i) => demoTargetOf(i).status === 'completed');
    if (n === undefined) throw new Error('no completed household among the first forty');
    const construction = await login(stack.url, 'li.zhujian');
    const householdId = demoCountyHouseholdId(n);
    const file = await householdFile(stack.url, construction, householdId);
    const moved = await api(stack.url, construction).post<HouseholdView>(`/households/${householdId}/actions/move-in`, {
      version: file.version,
      movedInOn: new Date().toISOString().slice(0, 10),
    });
    expect(moved.status).toBe(200);
    expect(moved.body.household.works?.movedInOn).toBeDefined();

    const after = await progress(clerk);
    expect(after.total.works.byStatus['moved-in']).toBe(before.total.works.byStatus['moved-in'] + 1);
    expect(after.total.works.byStatus.completed).toBe(before.total.works.byStatus.completed - 1);

    const admin = await login(stack.url, 'sun.guanli');
    const rebuilt = await api(stack.url, admin).post(`/programs/${PROGRAM}/progress-counters/rebuild`, {});
    expect(rebuilt.status).toBe(200);
    const recounted = await progress(clerk);
    expect(recounted.townships).toEqual(after.townships);
  });

  it('loads nothing the second time the stack starts on the same data', async () => {
    await stack.stop();
    stack = await start();
    expect(stack.output()).toMatch(new RegExp(`demo county ${PROGRAM}: 0 households loaded, ${COUNT} already there`));
    const counted = await progress(await login(stack.url, 'wang.minzheng'));
    expect(counted.total.registered).toBe(COUNT);
  });
});
