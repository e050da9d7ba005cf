import './support/env';
import { GetCommand, QueryCommand, type QueryCommandInput, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import ExcelJS from 'exceljs';
import { beforeEach, describe, expect, it } from 'vitest';
import { demoProgram } from '../../../domain/demo';
import { PHASES } from '../../../domain/model';
import { handler } from '../../../functions/api/reports';
import type { ProgressReport } from '../../../functions/use-cases/progress-report';
import { apiEvent, context, reply } from './support/api';
import { programItem } from './support/fixtures';
import { ddbMock, resetMocks } from './support/mocks';

const COUNTY = demoProgram.county.code;
const ZHELOU = '522327100';
const QIAOMA = '522327102';

/** Households per `T#{township}#P#{phase}` partition; every other partition is empty. */
const STORED: Record<string, number> = {
  [`T#${ZHELOU}#P#safety-appraisal`]: 5,
  [`T#${ZHELOU}#P#county-approval`]: 2,
  [`T#${ZHELOU}#P#public-notice`]: 1,
  [`T#${ZHELOU}#P#milestone-inspection`]: 7,
  [`T#${ZHELOU}#P#archived`]: 3,
  [`T#${ZHELOU}#P#rejected`]: 4,
  [`T#${QIAOMA}#P#agreement`]: 160,
};

function partitionOf(input: QueryCommandInput): string {
  return String(input.ExpressionAttributeValues?.[':pk']);
}

function givenCounts(pageSize = Number.POSITIVE_INFINITY) {
  ddbMock.on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } }).resolves({
    Item: programItem(),
  });
  ddbMock.on(QueryCommand).callsFake((input: QueryCommandInput) => {
    const total = STORED[partitionOf(input)] ?? 0;
    const from = Number(input.ExclusiveStartKey?.offset ?? 0);
    const count = Math.min(pageSize, total - from);
    const more = from + count < total;
    return { Count: count, ...(more ? { LastEvaluatedKey: { offset: from + count } } : {}) };
  });
}

const progress = (
  query: Record<string, string>,
  user: string | null = 'wang.minzheng',
  claims?: Record<string, string>,
) =>
  handler(
    apiEvent({ path: '/reports/progress', query, ...(claims ? { claims } : { user }) }),
    context,
  ) as Promise<APIGatewayProxyStructuredResultV2>;

const QUERY = { county: COUNTY, program: demoProgram.programId };

beforeEach(() => {
  resetMocks();
});

describe('GET /reports/progress', () => {
  it('counts each township and phase with one COUNT query on GSI4, never a scan', async () => {
    // Prepare
    givenCounts();

    // Act
    const answer = reply<ProgressReport>(await progress(QUERY));

    // Assess
    expect(answer.status).toBe(200);
    const queries = ddbMock.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toHaveLength(demoProgram.townships.length * PHASES.length);
    expect(queries.every((q) => q.IndexName === 'GSI4' && q.Select === 'COUNT')).toBe(true);
    expect(new Set(queries.map(partitionOf)).size).toBe(queries.length);
    expect(ddbMock.commandCalls(ScanCommand)).toHaveLength(0);

    const zhelou = answer.body.townships.find((t) => t.township === ZHELOU);
    expect(zhelou).toMatchObject({
      name: '者楼镇',
      quota: 180,
      registered: 22,
      // public notice, milestone inspection and archived: approved; rejected is not.
      approved: 11,
      quotaLeft: 169,
      underConstruction: 7,
      archived: 3,
      rejected: 4,
    });
    expect(zhelou?.byPhase['safety-appraisal']).toBe(5);
    expect(answer.body.townships.map((t) => t.township)).toEqual(demoProgram.townships.map((t) => t.code));
    expect(answer.body.total).toMatchObject({ quota: 600, registered: 182, approved: 171, quotaLeft: 429 });
    expect(answer.body.townships.find((t) => t.township === QIAOMA)?.quotaLeft).toBe(-10);
  });

  it('follows a count across pages', async () => {
    givenCounts(2);
    const answer = reply<ProgressReport>(await progress(QUERY));
    expect(answer.body.townships.find((t) => t.township === QIAOMA)?.byPhase.agreement).toBe(160);
    expect(answer.body.total.registered).toBe(182);
  });

  it('answers the same table as an Excel workbook', async () => {
    givenCounts();
    const response = await progress({ ...QUERY, format: 'xlsx' });
    expect(response.statusCode).toBe(200);
    expect(response.isBase64Encoded).toBe(true);
    expect(response.headers?.['content-type']).toMatch(/spreadsheetml/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(String(response.body), 'base64') as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('进度');
    const header = sheet?.getRow(2).values;
    const rowOf = (name: string) => {
      for (let r = 3; r <= (sheet?.rowCount ?? 0); r++) {
        if (sheet?.getRow(r).getCell(1).value === name) return sheet.getRow(r);
      }
      return undefined;
    };
    expect(Array.isArray(header) && header.includes('剩余任务数')).toBe(true);
    const zhelou = rowOf('者楼镇');
    expect([3, 4, 5, 6].map((c) => zhelou?.getCell(c).value)).toEqual([180, 22, 11, 169]);
    expect(rowOf('合计')?.getCell(4).value).toBe(182);
  });

  it('is refused to township staff and to other counties, and names a foreign program not found', async () => {
    givenCounts();
    expect((await progress(QUERY, 'zhang.minzheng')).statusCode).toBe(403);
    const otherCounty = {
      sub: 'sub-x',
      'cognito:username': 'x.minzheng',
      'cognito:groups': '[civil-affairs]',
      'custom:county': '522328',
    };
    expect((await progress(QUERY, null, otherCounty)).statusCode).toBe(403);
    expect((await progress({ ...QUERY, county: '522328' }, null, otherCounty)).statusCode).toBe(404);
    expect((await progress({ county: COUNTY })).statusCode).toBe(400);
    expect((await progress(QUERY, null)).statusCode).toBe(401);
    expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
