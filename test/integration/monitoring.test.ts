/**
 * The housing-safety ledger through the HTTP API on the local stack: the month's roster imported from an Excel file
 * (row errors at their lines; a second import changes nothing), the checks of a township with their photos, a case
 * closed by renovation (the household registered into a program and driven to archive: the case closes and the
 * visit is scheduled), a case closed by rental with its signed closing, a visit finding an empty house, a report of
 * an A/B house and a disaster case, the monthly report in JSON and Excel, and the household looking itself up with
 * the code of its agreement, with guessing and other people's ID numbers refused and every lookup logged.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIdNumber, demoProgram } from '../../contract/examples';
import { chinaToday } from '../../domain/china-time';
import { monthBounds } from '../../domain/monitoring/rules';
import { api, login } from '../../tools/api-client/client';
import { householdDriver } from '../../tools/api-client/household-driver';
import { staffFor } from '../../tools/api-client/staff';
import { jpegWithExif, recentExifTime, sha256Hex } from '../../tools/demo/exif-jpeg';
import { type RunningStack, startStack } from '../../twin/stack-process';

const COUNTY = demoProgram.county.code;
const TOWNSHIP = '522327100';
const OTHER_TOWNSHIP = '522327101';
const MONTH = chinaToday().slice(0, 7);
const PROGRAM = {
  ...demoProgram,
  programId: 'ceheng-2026-jc',
  name: '册亨县2026年农村危房改造（动态监测）',
  year: 2026,
  // A month after acceptance: the visit can be recorded at once (a month before it falls due).
  followUpMonths: [1],
};
/** An ID number with another check character than its own. */
function wrongCheckDigit(id: string): string {
  return `${id.slice(0, 17)}${id.endsWith('1') ? '2' : '1'}`;
}

const OPERATOR = { accessKeyId: 'anjulocal', secretAccessKey: 'anjulocalsecret' };

const people = {
  renovated: { name: '韦明光', id: demoIdNumber(7001), index: 7001 },
  rented: { name: '王秀英', id: demoIdNumber(7002) },
  safe: { name: '罗德才', id: demoIdNumber(7003) },
  withRelatives: { name: '黄桂芬', id: demoIdNumber(7004) },
  elsewhere: { name: '陆正学', id: demoIdNumber(7005) },
  flooded: { name: '岑玉兰', id: demoIdNumber(7006) },
};

let stack: RunningStack;
const tokens: Record<string, string> = {};
const as = (username: string) => api(stack.url, tokens[username]);
const ledgerIds: Record<string, string> = {};

type LedgerFile = {
  household: { ledgerId: string; version: number; grades: { grade?: string }[]; openCaseId?: string };
  checks: { checkId: string; status: string; result?: { unsafe: boolean; onTime: boolean } }[];
  cases: {
    caseId: string;
    stage: string;
    measure?: { kind: string; renovation?: { householdId: string } };
    closing?: { measure: string };
  }[];
  visits: { householdId: string; months: number; status: string; result?: { livedIn: boolean } }[];
  timeline: { type: string; seq: number; hash: string; prevHash: string }[];
  renovation?: { householdId: string; phase?: string };
};

async function rosterWorkbook(rows: (string | number)[][]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('监测名单');
  sheet.addRow(['户主姓名', '身份证号', '家庭人口', '类别', '乡镇', '村', '联系电话']);
  for (const row of rows) sheet.addRow(row);
  // ID numbers as text, as the template asks: a number cell would lose digits.
  sheet.getColumn(2).numFmt = '@';
  return Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
}

async function file(ledgerId: string, username = 'he.zhujian'): Promise<LedgerFile> {
  const answer = await as(username).get<LedgerFile>(`/monitoring/cases/${ledgerId}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

/** Uploads a photo of the ledger household and confirms it; answers its id. */
async function photo(username: string, ledgerId: string, step: string): Promise<string> {
  const bytes = jpegWithExif({ dateTimeOriginal: recentExifTime(), label: `${ledgerId} ${step} ${Math.random()}` });
  const requested = await as(username).post<{
    photoId: string;
    upload: { url: string; headers: Record<string, string> };
  }>(`/monitoring/cases/${ledgerId}/photos`, {
    step,
    contentType: 'image/jpeg',
    size: bytes.length,
    sha256: sha256Hex(bytes),
  });
  expect(requested.status, JSON.stringify(requested.body)).toBe(201);
  const put = await fetch(requested.body.upload.url, {
    method: 'PUT',
    headers: requested.body.upload.headers,
    body: bytes,
  });
  expect(put.status).toBe(200);
  const confirmed = await as(username).post(`/monitoring/cases/${ledgerId}/photos/${requested.body.photoId}/confirm`);
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return requested.body.photoId;
}

async function check(ledgerId: string, body: Record<string, unknown>) {
  const photoId = await photo('he.zhujian', ledgerId, 'check');
  const current = await file(ledgerId);
  return as('he.zhujian').post<LedgerFile>(`/monitoring/cases/${ledgerId}/actions/check`, {
    version: current.household.version,
    checkId: MONTH,
    technician: '罗建国',
    appraisedOn: chinaToday(),
    findings: '入户核查',
    photoIds: [photoId],
    ...body,
  });
}

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  for (const username of [
    'wang.minzheng',
    'he.zhujian',
    'zhang.minzheng',
    'luo.zhijian',
    'wu.zhujian',
    'liu.shenji',
    'sun.guanli',
  ]) {
    tokens[username] = await login(stack.url, username);
  }
  expect((await as('sun.guanli').put(`/programs/${PROGRAM.programId}`, PROGRAM)).status).toBe(200);
});

afterAll(async () => {
  await stack?.discard();
});

describe("the month's roster", () => {
  const rows = [
    [people.renovated.name, people.renovated.id, 3, '低保户', '', '者楼村', '13885900001'],
    [people.rented.name, people.rented.id, 1, '特困人员', '', '纳福村', ''],
    [people.safe.name, people.safe.id, 4, '防止返贫监测对象', '', '板其村', ''],
    [people.withRelatives.name, people.withRelatives.id, 2, '低保', '', '者楼村', ''],
    [people.elsewhere.name, people.elsewhere.id, 5, '低保户', '丫他镇', '丫他村', ''],
    ['班文忠', wrongCheckDigit(demoIdNumber(7007)), 2, '低保户', '', '者楼村', ''],
    ['梁春梅', demoIdNumber(7008), 2, '困难户', '', '火星村', ''],
  ];

  it('imports the Excel roster: five households on it, every bad row at its line and column', async () => {
    const content = await rosterWorkbook(rows);
    const answer = await as('wang.minzheng').post<{
      size: number;
      counts: { new: number };
      newHouseholds: { ledgerId: string; headName: string; idMasked: string }[];
      rowErrors: { line: number; field: string; message: { zh: string } }[];
      import: { added: number };
    }>('/monitoring/rosters', {
      county: COUNTY,
      month: MONTH,
      checksDueOn: monthBounds(MONTH).last,
      file: { name: `监测名单-${MONTH}.xlsx`, contentBase64: content },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.size).toBe(5);
    expect(answer.body.counts.new).toBe(5);
    expect(answer.body.rowErrors.map((e) => [e.line, e.field])).toEqual([
      [7, '身份证号'],
      [8, '类别'],
      [8, '村'],
    ]);
    for (const entry of answer.body.newHouseholds) {
      expect(entry.idMasked).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
      const person = Object.values(people).find((p) => p.name === entry.headName);
      if (person) ledgerIds[person.name] = entry.ledgerId;
    }
    expect(Object.keys(ledgerIds)).toHaveLength(5);
  });

  it('adds nothing when the same file is imported again', async () => {
    const answer = await as('wang.minzheng').post<{ size: number; import: { added: number; alreadyOnRoster: number } }>(
      '/monitoring/rosters',
      { county: COUNTY, month: MONTH, file: { name: 'again.xlsx', contentBase64: await rosterWorkbook(rows) } },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ size: 5, import: { added: 0, alreadyOnRoster: 5 } });
  });

  it('is imported by county civil affairs only', async () => {
    const body = { county: COUNTY, month: MONTH, rows: [] };
    expect((await as('zhang.minzheng').post('/monitoring/rosters', body)).status).toBe(403);
    expect((await as('he.zhujian').post('/monitoring/rosters', body)).status).toBe(403);
  });

  it("gives each household a check in its own township's queue", async () => {
    const queue = await as('he.zhujian').get<{ items: { kind: string; ledgerId: string; dueOn: string }[] }>(
      '/monitoring/tasks?kind=check',
    );
    expect(queue.status).toBe(200);
    const names = Object.entries(ledgerIds);
    const ownTownship = names.filter(([name]) => name !== people.elsewhere.name).map(([, id]) => id);
    expect(queue.body.items.map((t) => t.ledgerId).sort()).toEqual(ownTownship.sort());
    expect(queue.body.items.every((t) => t.dueOn === monthBounds(MONTH).last)).toBe(true);
    const other = await as('wu.zhujian').get<{ items: { ledgerId: string }[] }>('/monitoring/tasks?kind=check');
    expect(other.body.items.map((t) => t.ledgerId)).toEqual([ledgerIds[people.elsewhere.name]]);
  });
});

describe('the checks and the cases', () => {
  it('refuses a check by another township’s staff', async () => {
    const id = ledgerIds[people.safe.name] ?? '';
    const current = await file(id);
    const answer = await as('wu.zhujian').post(`/monitoring/cases/${id}/actions/check`, {
      version: current.household.version,
      checkId: MONTH,
      housingType: 'own-house',
      grade: 'B',
      technician: '罗建国',
      appraisedOn: chinaToday(),
      findings: '—',
      photoIds: [],
    });
    expect(answer.status).toBe(403);
  });

  it('opens a case for each own house graded C or D, none for a safe one or other safe housing', async () => {
    const unsafe = await check(ledgerIds[people.renovated.name] ?? '', { housingType: 'own-house', grade: 'D' });
    expect(unsafe.status, JSON.stringify(unsafe.body)).toBe(200);
    expect(unsafe.body.cases).toEqual([expect.objectContaining({ stage: 'measure', cause: 'monthly-check' })]);
    expect(unsafe.body.checks[0]?.result).toMatchObject({ unsafe: true, onTime: true });

    expect((await check(ledgerIds[people.rented.name] ?? '', { housingType: 'own-house', grade: 'C' })).status).toBe(
      200,
    );
    const safe = await check(ledgerIds[people.safe.name] ?? '', { housingType: 'own-house', grade: 'B' });
    expect(safe.body.cases).toEqual([]);
    const relatives = await check(ledgerIds[people.withRelatives.name] ?? '', {
      housingType: 'other-safe-housing',
      otherHousing: { kind: 'relatives', note: '住在女儿家（砖混房）' },
    });
    expect(relatives.status, JSON.stringify(relatives.body)).toBe(200);
    expect(relatives.body.cases).toEqual([]);
  });

  it('keeps the audit chain of each household hash-linked, one event per change', async () => {
    const renovated = await file(ledgerIds[people.renovated.name] ?? '');
    expect(renovated.timeline.map((e) => e.type)).toEqual(['roster-new', 'confirm-photo', 'check']);
    renovated.timeline.forEach((event, index) => {
      expect(event.seq).toBe(index + 1);
      if (index > 0) expect(event.prevHash).toBe(renovated.timeline[index - 1]?.hash);
    });
  });

  it('closes a case by renovation: the household enters the program, the case follows it to archive, a visit is due', async () => {
    const id = ledgerIds[people.renovated.name] ?? '';
    const current = await file(id);
    const chosen = await as('he.zhujian').post<LedgerFile>(`/monitoring/cases/${id}/actions/choose-measure`, {
      version: current.household.version,
      measure: 'renovation',
      renovation: {
        programId: PROGRAM.programId,
        category: 'minimum-living-guarantee',
        house: { structure: 'earth', areaM2: 58 },
      },
    });
    expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
    expect(chosen.body.cases[0]).toMatchObject({ stage: 'renovation', measure: { kind: 'renovation' } });
    const householdId = chosen.body.cases[0]?.measure?.renovation?.householdId ?? '';
    expect(chosen.body.renovation).toMatchObject({ householdId, phase: 'safety-appraisal' });

    const staff = await staffFor(stack.url, '522327100201');
    const driver = householdDriver({ url: () => stack.url, taskWaitMs: 120_000 });
    await driver.driveRegistered(staff, householdId, people.renovated.index);

    const after = await file(id);
    expect(after.cases[0]).toMatchObject({ stage: 'closed', closing: { measure: 'renovation' } });
    expect(after.household.openCaseId).toBeUndefined();
    expect(after.visits).toEqual([expect.objectContaining({ householdId, months: 1, status: 'open' })]);
    expect(after.timeline.at(-1)?.type).toBe('renovation-accepted');
  }, 600_000);

  it('records a visit that finds the renovated house empty, flagged on the audit trail', async () => {
    const id = ledgerIds[people.renovated.name] ?? '';
    const queue = await as('luo.zhijian').get<{
      items: { kind: string; ledgerId: string; householdId?: string; months?: number }[];
    }>('/monitoring/tasks?kind=visit');
    const due = queue.body.items.find((t) => t.ledgerId === id);
    expect(due).toMatchObject({ kind: 'visit', months: 1 });
    const photoId = await photo('luo.zhijian', id, 'visit');
    const current = await file(id, 'luo.zhijian');
    const visited = await as('luo.zhijian').post<LedgerFile>(`/monitoring/cases/${id}/actions/visit`, {
      version: current.household.version,
      householdId: due?.householdId,
      months: 1,
      visitedOn: chinaToday(),
      livedIn: false,
      note: '新房门锁着，户主仍住在老房',
      photoIds: [photoId],
    });
    expect(visited.status, JSON.stringify(visited.body)).toBe(200);
    expect(visited.body.visits[0]).toMatchObject({ status: 'done', result: { livedIn: false } });
  });

  it('closes a case by rental with its evidence and a signature', async () => {
    const id = ledgerIds[people.rented.name] ?? '';
    let current = await file(id);
    const chosen = await as('he.zhujian').post<LedgerFile>(`/monitoring/cases/${id}/actions/choose-measure`, {
      version: current.household.version,
      measure: 'rental',
    });
    expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
    expect(chosen.body.cases[0]?.stage).toBe('closing');
    const photoId = await photo('he.zhujian', id, 'closing');
    current = await file(id);
    const withoutEvidence = await as('he.zhujian').post(`/monitoring/cases/${id}/actions/close`, {
      version: current.household.version,
      arrangement: '租住本村',
      signedBy: '何勇',
      signedOn: chinaToday(),
      photoIds: [],
    });
    expect(withoutEvidence.status).toBe(400);
    const closed = await as('he.zhujian').post<LedgerFile>(`/monitoring/cases/${id}/actions/close`, {
      version: current.household.version,
      arrangement: '租住本村韦正学家砖混房两间，租期三年',
      signedBy: '何勇',
      signedOn: chinaToday(),
      photoIds: [photoId],
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.cases[0]).toMatchObject({ stage: 'closed', closing: { measure: 'rental' } });
  });

  it('asks for a re-appraisal of a house graded B when someone reports it, keeping the grade history', async () => {
    const id = ledgerIds[people.safe.name] ?? '';
    const current = await file(id, 'zhang.minzheng');
    const reported = await as('zhang.minzheng').post<LedgerFile>(
      `/monitoring/cases/${id}/actions/request-reappraisal`,
      {
        version: current.household.version,
        reason: '雨季后墙体出现裂缝',
        reportedBy: '者楼村村委会',
      },
    );
    expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    expect(reported.body.checks.map((c) => [c.checkId, c.status])).toEqual([
      [`${MONTH}-r1`, 'open'],
      [MONTH, 'done'],
    ]);
    const again = await check(id, { checkId: `${MONTH}-r1`, housingType: 'own-house', grade: 'C' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.household.grades.map((g) => g.grade)).toEqual(['B', 'C']);
    expect(again.body.cases[0]).toMatchObject({ cause: 'reappraisal', stage: 'measure' });
  });

  it('opens a case directly for disaster damage, adding the household to the ledger', async () => {
    const reported = await as('he.zhujian').post<{ ledgerId: string; caseId: string; added: boolean }>(
      '/monitoring/cases',
      {
        villageCode: '522327100202',
        head: { name: people.flooded.name, idNumber: people.flooded.id },
        persons: 2,
        category: '低保户',
        disaster: 'flood',
        occurredOn: chinaToday(),
        description: '洪水冲毁院墙，房屋地基被掏空',
        grade: 'D',
      },
    );
    expect(reported.status, JSON.stringify(reported.body)).toBe(201);
    expect(reported.body.added).toBe(true);
    const opened = await file(reported.body.ledgerId);
    expect(opened.cases[0]).toMatchObject({ cause: 'disaster', stage: 'measure' });
  });
});

describe('the monthly report', () => {
  it('counts the month by township: roster, checks on time, unsafe found, cases by measure, visits', async () => {
    const answer = await as('liu.shenji').get<{
      total: {
        roster: { size: number };
        checks: { onTime: number; unsafe: number; open: number; reappraisals: number };
        cases: {
          opened: number;
          closed: number;
          openAtEnd: number;
          closedByMeasure: Record<string, number>;
          openedByCause: Record<string, number>;
        };
        visits: { done: number; notLivedIn: number };
      };
      townships: { township: string; name: string; roster: { size: number } }[];
    }>(`/reports/monitoring?county=${COUNTY}&month=${MONTH}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const { total } = answer.body;
    expect(total.roster.size).toBe(5);
    expect(total.checks).toMatchObject({ onTime: 4, unsafe: 3, open: 1, reappraisals: 1 });
    expect(total.cases).toMatchObject({
      opened: 4,
      closed: 2,
      openAtEnd: 2,
      closedByMeasure: { renovation: 1, rental: 1 },
      openedByCause: { 'monthly-check': 2, reappraisal: 1, disaster: 1 },
    });
    expect(total.visits).toMatchObject({ done: 1, notLivedIn: 1 });
    expect(answer.body.townships.find((t) => t.township === TOWNSHIP)).toMatchObject({
      name: '者楼镇',
      roster: { size: 4 },
    });
    expect(answer.body.townships.find((t) => t.township === OTHER_TOWNSHIP)?.roster.size).toBe(1);
  });

  it('gives the same report as Excel, and only to those who read the county', async () => {
    const response = await fetch(`${stack.url}/reports/monitoring?county=${COUNTY}&month=${MONTH}&format=xlsx`, {
      headers: { authorization: `Bearer ${tokens['wang.minzheng']}` },
    });
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.worksheets[0];
    const total = sheet?.getRow(sheet.rowCount);
    expect(total?.getCell(1).text).toBe('合计');
    expect(Number(total?.getCell(2).text)).toBe(5);
    expect((await as('he.zhujian').get(`/reports/monitoring?county=${COUNTY}&month=${MONTH}`)).status).toBe(403);
  });
});

describe("the household's own view", () => {
  let householdId = '';
  let code = '';

  it('prints a code with the agreement', async () => {
    const ledger = await file(ledgerIds[people.renovated.name] ?? '');
    householdId = ledger.visits[0]?.householdId ?? '';
    const answer = await as('he.zhujian').get<{ code: string; printed: string; headName: string }>(
      `/households/${householdId}/status-code`,
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.code).toMatch(/^\d{8}$/);
    expect(answer.body.printed).toBe(`${answer.body.code.slice(0, 4)} ${answer.body.code.slice(4)}`);
    code = answer.body.code;
  });

  it('shows the household its phase and its installments, without a login', async () => {
    const answer = await api(stack.url).post<{
      head: { name: string; idNumber: string };
      phase: { code: string };
      installments: { number: number; amount: number; status: string }[];
    }>('/public/status', {
      idNumber: people.renovated.id,
      name: people.renovated.name,
      code: `${code.slice(0, 4)} ${code.slice(4)}`,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.phase.code).toBe('archived');
    expect(answer.body.head).toEqual({ name: '韦*光', idNumber: expect.stringMatching(/^\d{6}\*{8}[\dX]{4}$/) });
    expect(answer.body.installments.map((i) => i.number)).toEqual([1, 2, 3, 4]);
    expect(answer.body.installments.every((i) => i.status === 'released' && i.amount > 0)).toBe(true);
    expect(JSON.stringify(answer.body)).not.toContain(people.renovated.id);
  });

  it('refuses a wrong code, a wrong name and another person’s ID number with the same answer', async () => {
    const tries = [
      {
        idNumber: people.renovated.id,
        name: people.renovated.name,
        code: code === '00000000' ? '00000001' : '00000000',
      },
      { idNumber: people.renovated.id, name: '韦明', code },
      { idNumber: people.rented.id, name: people.rented.name, code },
    ];
    const answers = await Promise.all(
      tries.map((body) => api(stack.url).post<{ message: { zh: string } }>('/public/status', body)),
    );
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404]);
    expect(new Set(answers.map((a) => a.body.message.zh)).size).toBe(1);
  });

  it('stops guessing after ten lookups of one ID number a day, the right code included', async () => {
    // Three lookups of this number so far; seven more wrong guesses reach the limit.
    for (let guess = 0; guess < 7; guess++) {
      const answer = await api(stack.url).post('/public/status', {
        idNumber: people.renovated.id,
        name: people.renovated.name,
        code: String(10_000_000 + guess),
      });
      expect(answer.status).toBe(404);
    }
    const right = await api(stack.url).post<{ message: { zh: string } }>('/public/status', {
      idNumber: people.renovated.id,
      name: people.renovated.name,
      code,
    });
    expect(right.status).toBe(429);
    expect(right.body.message.zh).toContain('查询次数已达上限');
  });

  it('logs every lookup with the ID number masked', async () => {
    const ddb = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: 'us-east-1', credentials: OPERATOR }),
    );
    const day = chinaToday();
    const logged = await ddb.send(
      new QueryCommand({
        TableName: 'Table',
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `LOOKUP-LOG#${day}` },
      }),
    );
    const outcomes = (logged.Items ?? []).map((item) => String(item.outcome));
    expect(outcomes.filter((o) => o === 'found')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'no-match')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'limited-id-number')).toHaveLength(1);
    const text = JSON.stringify(logged.Items);
    expect(text).not.toContain(people.renovated.id);
    expect(text).not.toContain(people.rented.id);
  });

  it('stops an address after sixty lookups an hour, whatever the ID numbers', async () => {
    let refused: { status: number; body: { message: { zh: string } } } | undefined;
    // Twelve lookups came from this address already; a new hour would start the count again, hence the margin.
    for (let n = 0; n < 80 && !refused; n++) {
      const answer = await api(stack.url).post<{ message: { zh: string } }>('/public/status', {
        idNumber: demoIdNumber(8000 + n),
        name: '无此人',
        code: '12345678',
      });
      if (answer.status === 429) refused = answer;
      else expect(answer.status).toBe(404);
    }
    expect(refused?.body.message.zh).toContain('查询过于频繁');
  });
});
