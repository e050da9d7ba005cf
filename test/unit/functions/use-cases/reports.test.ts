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

  it("takes the county's latest program when none is named", async () => {
    const answer = reply<ProgressReport>(await progress({ county: COUNTY }));
    expect(answer.status).toBe(200);
    expect(answer.body.programId).toBe(demoProgram.programId);
    const lookup = ddbMock.commandCalls(QueryCommand).find((c) => c.args[0].input.IndexName === 'GSI1');
    expect(lookup?.args[0].input).toMatchObject({ ScanIndexForward: false, Limit: 1 });
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
    expect(rowOf('合计')?.getCell(4).value).toBe(6);
    expect(rowOf('县级入户抽查')?.getCell(5).value).toBe('不达标，尚需抽查 1 户');
  });

  it('is read by county staff and auditors, refused to township staff and other counties', async () => {
    expect((await progress(QUERY, 'liu.shenji')).statusCode).toBe(200);
    expect((await progress(QUERY, 'zhang.minzheng')).statusCode).toBe(403);
    const otherCounty = {
      sub: 'sub-x',
      'cognito:username': 'x.minzheng',
      'cognito:groups': '[civil-affairs]',
      'custom:county': '522328',
    };
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
    expect(sheet?.rowCount).toBe(5);
    const text = JSON.stringify(sheet?.getSheetValues());
    expect(text).toContain('身份证号');
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
