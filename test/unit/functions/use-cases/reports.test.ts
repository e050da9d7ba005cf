import { GetCommand, QueryCommand, type QueryCommandInput, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import ExcelJS from 'exceljs';
import { beforeEach, describe, expect, it } from 'vitest';
import { demoApplication, demoProgram } from '../../../../contract/examples';
import type { HouseholdExportPage } from '../../../../contract/views';
import type { Household } from '../../../../domain/model';
import { newHousehold } from '../../../../domain/rules/household';
import { addCells, type ProgressCells, type ProgressReport, progressCells } from '../../../../domain/rules/progress';
import { handlerWith } from '../../../../functions/api/reports';
import { apiEvent, context, reply } from '../support/api';
import { signedIn } from '../support/callers';
import { testDependencies } from '../support/dependencies';
import { programItem } from '../support/fixtures';
import { ddbMock, resetMocks } from '../support/mocks';

const handler = handlerWith(testDependencies());

const COUNTY = demoProgram.county.code;
const ZHELOU = '522327100';
const QIAOMA = '522327102';

function household(n: number, township: string, overrides: Partial<Household>): Household {
  const application = { ...demoApplication(n), villageCode: `${township}201` };
  return {
    ...newHousehold(application, demoProgram, { householdId: `hh-${n}`, now: '2026-01-01T00:00:00.000Z' }),
    ...overrides,
  };
}

/** Households of 者楼镇 (two counter shards) and 巧马镇; the report sees only their counters. */
const ZHELOU_HOUSEHOLDS = [
  household(1, ZHELOU, { phase: 'safety-appraisal' }),
  household(2, ZHELOU, { phase: 'agreement', mode: 'repair', spotCheck: { visited: true } }),
  household(3, ZHELOU, { phase: 'milestone-inspection', nextInstallment: 2, mode: 'rebuild', plannedAreaM2: 60 }),
  household(4, ZHELOU, { phase: 'rejected', spotCheck: { visited: false } }),
];
const QIAOMA_HOUSEHOLDS = [
  household(5, QIAOMA, { phase: 'archived', nextInstallment: 4, mode: 'rebuild', plannedAreaM2: 50 }),
  household(10, QIAOMA, { phase: 'county-approval', spotCheck: { visited: false } }),
];

function cellsOf(households: readonly Household[]): ProgressCells {
  const cells: ProgressCells = {};
  for (const h of households) addCells(cells, progressCells(h));
  return cells;
}

function statsItem(township: string, shard: number, cells: ProgressCells) {
  return { PK: `STATS#${demoProgram.programId}`, SK: `T#${township}#${shard}`, township, ...cells };
}

/** Overdue open tasks per county queue `QC#{county}#{step}`: their townships. */
const OVERDUE: Record<string, string[]> = {
  [`QC#${COUNTY}#township-review`]: [ZHELOU, ZHELOU],
  [`QC#${COUNTY}#milestone-inspection`]: [ZHELOU],
  [`QC#${COUNTY}#installment-release`]: [QIAOMA],
};

function givenStore() {
  ddbMock.on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } }).resolves({
    Item: programItem(),
  });
  ddbMock.on(QueryCommand).callsFake((input: QueryCommandInput) => {
    const pk = String(input.ExpressionAttributeValues?.[':pk']);
    if (pk === `STATS#${demoProgram.programId}`) {
      return {
        Items: [
          statsItem(ZHELOU, 0, cellsOf(ZHELOU_HOUSEHOLDS.slice(0, 2))),
          statsItem(ZHELOU, 3, cellsOf(ZHELOU_HOUSEHOLDS.slice(2))),
          statsItem(QIAOMA, 1, cellsOf(QIAOMA_HOUSEHOLDS)),
        ],
      };
    }
    if (pk === `PROGRAMS#${COUNTY}`) return { Items: [programItem()] };
    if (pk.startsWith('QC#')) return { Items: (OVERDUE[pk] ?? []).map((township) => ({ township })) };
    if (pk === `T#${ZHELOU}`)
      return { Items: ZHELOU_HOUSEHOLDS.map((h) => ({ PK: `HH#${h.householdId}`, SK: 'HH', ...h })) };
    return { Items: [] };
  });
}

const get = (
  path: string,
  query: Record<string, string>,
  user: string | null = 'wang.minzheng',
  claims?: Record<string, string>,
) =>
  handler(
    apiEvent({ path, query, ...(claims ? { claims } : { user }) }),
    context,
  ) as Promise<APIGatewayProxyStructuredResultV2>;
const progress = (query: Record<string, string>, user?: string | null, claims?: Record<string, string>) =>
  get('/reports/progress', query, user, claims);

const QUERY = { county: COUNTY, program: demoProgram.programId };

beforeEach(() => {
  resetMocks();
  givenStore();
});

describe('GET /reports/progress', () => {
  it('reads the running counters in one query and only overdue tasks, never counting or scanning households', async () => {
    const answer = reply<ProgressReport>(await progress(QUERY));

    expect(answer.status).toBe(200);
    const queries = ddbMock.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries.filter((q) => q.IndexName === undefined)).toHaveLength(1);
    expect(queries.every((q) => q.Select !== 'COUNT' && q.IndexName !== 'GSI4')).toBe(true);
    const overdueQueries = queries.filter((q) => q.IndexName === 'GSI3');
    expect(overdueQueries.every((q) => q.KeyConditionExpression === 'GSI3PK = :pk AND GSI3SK < :now')).toBe(true);
    expect(ddbMock.commandCalls(ScanCommand)).toHaveLength(0);

    const zhelou = answer.body.townships.find((t) => t.township === ZHELOU);
    expect(zhelou).toMatchObject({
      name: '者楼镇',
      quota: 180,
      registered: 4,
      approved: 2,
      quotaLeft: 178,
      byMode: { rebuild: 1, repair: 1 },
      bySite: { centralized: 0, centralizedPoints: 0, dispersed: 2 },
      floorAreaM2: demoApplication(2).house.areaM2 + 60,
      status: {
        inReview: 1,
        notStarted: 1,
        underConstruction: 1,
        underConstructionByMilestone: { foundation: 0, 'main-structure': 1, acceptance: 0 },
        rejected: 1,
      },
      overdue: { total: 3, byRole: { construction: 2, inspector: 1 } },
      spotCheck: { decidedByCounty: 2, visited: 1 },
    });
    expect(answer.body.townships.find((t) => t.township === QIAOMA)).toMatchObject({
      registered: 2,
      // demoApplication(5) is centralized: one point in its village.
      bySite: { centralized: 1, centralizedPoints: 1 },
      status: { archived: 1, inReview: 1 },
      overdue: { total: 1, byRole: { finance: 1 } },
    });
    expect(answer.body.total).toMatchObject({ quota: 600, registered: 6, approved: 3, overdue: { total: 4 } });
    // Three files decided by the county, one visited: below the seed's 50%, one visit short.
    expect(answer.body.spotCheck).toMatchObject({
      decided: 3,
      visited: 1,
      requiredVisits: 2,
      shortfall: 1,
      met: false,
    });
  });

  it("takes the county's only program when none is named, and never picks one of several", async () => {
    const answer = reply<ProgressReport>(await progress({ county: COUNTY }));
    expect(answer.status).toBe(200);
    expect(answer.body.programId).toBe(demoProgram.programId);

    const next = { ...demoProgram, programId: 'ceheng-2026', name: '册亨县2026年农村危房改造', year: 2026 };
    const programs = [programItem(next), programItem()];
    ddbMock
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `PROGRAMS#${COUNTY}` } })
      .resolves({ Items: programs });
    const ambiguous = reply<{ fields: { path: string; message: { zh: string } }[] }>(
      await progress({ county: COUNTY }),
    );
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.fields[0]?.path).toBe('program');
    expect(ambiguous.body.fields[0]?.message.zh).toContain('ceheng-2026');
    expect(ambiguous.body.fields[0]?.message.zh).toContain(demoProgram.programId);
  });

  it('answers the same table as an Excel workbook with the spot-check shortfall', async () => {
    const response = await progress({ ...QUERY, format: 'xlsx' });
    expect(response.statusCode).toBe(200);
    expect(response.isBase64Encoded).toBe(true);
    expect(response.headers?.['content-type']).toMatch(/spreadsheetml/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(String(response.body), 'base64') as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('进度');
    const header = (sheet?.getRow(2).values ?? []) as unknown[];
    const rowOf = (name: string) => {
      for (let r = 3; r <= (sheet?.rowCount ?? 0); r++) {
        if (sheet?.getRow(r).getCell(1).value === name) return sheet.getRow(r);
      }
      return undefined;
    };
    const column = (title: string) => header.indexOf(title);
    const zhelou = rowOf('者楼镇');
    expect([3, 4, 5, 6].map((c) => zhelou?.getCell(c).value)).toEqual([180, 4, 2, 178]);
    expect(zhelou?.getCell(column('拆除重建')).value).toBe(1);
    expect(zhelou?.getCell(column('在建·待主体验收')).value).toBe(1);
    expect(zhelou?.getCell(column('逾期·住建')).value).toBe(2);
    expect(rowOf('册亨县合计')?.getCell(4).value).toBe(6);
    expect(rowOf('县级入户抽查')?.getCell(5).value).toBe('不达标，尚需抽查 1 户');
    // The works in the seed's words: the archived household of 巧马镇 is completed, not yet moved in.
    const qiaoma = rowOf('巧马镇');
    expect(qiaoma?.getCell(column('竣工准备入住')).value).toBe(1);
    expect(qiaoma?.getCell(column('竣工入住')).value).toBe(0);
    expect(qiaoma?.getCell(column('主体完工（累计）')).value).toBe(1);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['进度', '建房点', '资金', '情况说明']);
    expect(String(workbook.getWorksheet('情况说明')?.getRow(2).getCell(1).value)).toContain('任务为600户');
    // Titled with the county's name, generated at a China time (never a UTC ISO instant).
    expect(String(sheet?.getRow(1).getCell(1).value)).toMatch(
      new RegExp(`^册亨县 ${demoProgram.name}.* 进度报表（截至`),
    );
    expect(String(sheet?.getRow(1).getCell(2).value)).toMatch(/^生成时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）$/);
  });

  it('answers as of an earlier day from the households as they stood, and refuses a day after today', async () => {
    // The counters say 者楼镇 has two approved households; as of the day before they were registered, none.
    const before = reply<ProgressReport>(await progress({ ...QUERY, township: ZHELOU, asOf: '2025-12-31' }));
    expect(before.status).toBe(200);
    expect(before.body.asOf).toBe('2025-12-31');
    expect(before.body.total).toMatchObject({ registered: 0, approved: 0 });
    // What only the present knows stays as it is now.
    expect(before.body.total.byPhase['safety-appraisal']).toBe(1);
    const households = ddbMock
      .commandCalls(QueryCommand)
      .filter((c) => c.args[0].input.ExpressionAttributeValues?.[':pk'] === `T#${ZHELOU}`);
    expect(households).toHaveLength(1);
    const after = reply<ProgressReport>(await progress({ ...QUERY, township: ZHELOU, asOf: '2026-01-02' }));
    expect(after.body.total).toMatchObject({ registered: 4, approved: 2 });
    expect((await progress({ ...QUERY, asOf: '2099-01-01' })).statusCode).toBe(400);
    expect((await progress({ ...QUERY, asOf: '30 December' })).statusCode).toBe(400);
  });

  it('answers the paragraph as printable text', async () => {
    const response = await progress({ ...QUERY, format: 'text' });
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toMatch(/^text\/plain/);
    const text = String(response.body);
    expect(text.split('\n')[0]).toMatch(/^册亨县2025年农村危房改造进展情况（截至\d{4}年\d{1,2}月\d{1,2}日）$/);
    expect(text).toContain('册亨县2025年农村危房改造任务为600户，分解落实到4个乡镇实施，共计新建和维修房屋3户');
    expect(text).toMatch(/截至(\d{4}年)?\d{1,2}月\d{1,2}日，/);
  });

  it('gives township staff their own township, and refuses them another', async () => {
    const own = reply<ProgressReport>(await progress(QUERY, 'zhang.minzheng'));
    expect(own.status).toBe(200);
    expect(own.body.townships.map((t) => t.township)).toEqual([ZHELOU]);
    expect(own.body.total).toMatchObject({ quota: 180, registered: 4, approved: 2 });
    expect(own.body.yearEnd.township).toEqual({ code: ZHELOU, name: '者楼镇' });
    expect(own.body.text).toContain('者楼镇任务为180户');
    expect((await progress({ ...QUERY, township: ZHELOU }, 'zhang.minzheng')).statusCode).toBe(200);
    expect((await progress({ ...QUERY, township: QIAOMA }, 'zhang.minzheng')).statusCode).toBe(403);
    // County staff may ask for one township.
    const one = reply<ProgressReport>(await progress({ ...QUERY, township: QIAOMA }));
    expect(one.body.townships.map((t) => t.township)).toEqual([QIAOMA]);
  });

  it('is read by county staff and auditors, refused to other counties', async () => {
    expect((await progress(QUERY, 'liu.shenji')).statusCode).toBe(200);
    const otherCounty = signedIn({ username: 'x.minzheng', roles: ['civil-affairs'], county: '522328' });
    expect((await progress(QUERY, null, otherCounty)).statusCode).toBe(403);
    expect((await progress({ ...QUERY, county: '522328' }, null, otherCounty)).statusCode).toBe(404);
    expect((await progress({ program: demoProgram.programId })).statusCode).toBe(400);
    expect((await progress(QUERY, null)).statusCode).toBe(401);
  });
});

describe('GET /reports/households', () => {
  it('lists a township with ID numbers and bank accounts masked', async () => {
    const answer = reply<HouseholdExportPage>(await get('/reports/households', { county: COUNTY, township: ZHELOU }));
    expect(answer.status).toBe(200);
    expect(answer.body.items).toHaveLength(4);
    const first = answer.body.items.find((row) => row.householdId === 'hh-1');
    const id = demoApplication(1).head.idNumber;
    expect(first?.idNumber).toBe(`${id.slice(0, 6)}********${id.slice(-4)}`);
    expect(first?.bankAccount).toBe(`****${demoApplication(1).bankAccount?.slice(-4)}`);
    expect(JSON.stringify(answer.body)).not.toContain(id);
    expect(JSON.stringify(answer.body)).not.toContain(demoApplication(1).head.phone);
    expect(answer.body.items.find((row) => row.householdId === 'hh-3')?.status).toBe('under-construction');
  });

  it('exports every row to Excel, masked', async () => {
    const response = await get('/reports/households', { county: COUNTY, township: ZHELOU, format: 'xlsx' });
    expect(response.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(String(response.body), 'base64') as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('农户名单');
    // A title naming the county and township, the header, four households.
    expect(sheet?.rowCount).toBe(6);
    expect(sheet?.getRow(1).getCell(1).value).toBe('册亨县者楼镇 农村危房改造农户名单');
    const header = (sheet?.getRow(2).values ?? []) as unknown[];
    const row = sheet?.getRow(3);
    expect(row?.getCell(header.indexOf('乡镇')).value).toBe('者楼镇');
    expect(String(row?.getCell(header.indexOf('登记时间（北京时间）')).value)).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
    );
    const text = JSON.stringify(sheet?.getSheetValues());
    expect(text).toContain('身份证号');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    for (const h of ZHELOU_HOUSEHOLDS) {
      expect(text).not.toContain(h.head.idNumber);
      if (h.bankAccount) expect(text).not.toContain(h.bankAccount);
    }
  });

  it('lets township staff export their own township only', async () => {
    expect((await get('/reports/households', { county: COUNTY, township: ZHELOU }, 'zhang.minzheng')).statusCode).toBe(
      200,
    );
    expect((await get('/reports/households', { county: COUNTY, township: QIAOMA }, 'zhang.minzheng')).statusCode).toBe(
      403,
    );
    expect((await get('/reports/households', { county: COUNTY }, 'zhang.minzheng')).statusCode).toBe(403);
    expect((await get('/reports/households', { county: COUNTY, township: '522328100' })).statusCode).toBe(403);
    expect((await get('/reports/households', { county: COUNTY, format: 'pdf' })).statusCode).toBe(400);
  });
});
