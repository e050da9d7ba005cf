/**
 * Evidence and money that stand up to an auditor, on the local stack through the HTTP API: a record
 * dated ahead is refused; a resized copy of another household's photo is flagged and holds the step
 * citing it until a second, county-level officer overrides it; a member of one file applying as the
 * head of another is flagged and holds the county approval until overridden; a person on an
 * imported relocation roster is flagged at application; the auditor's report lists all of it, with
 * links, as JSON and as Excel.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApplication, demoIdNumber, demoProgram, exampleActionBody } from '../../contract/examples';
import { addCalendarDays, chinaToday } from '../../domain/china-time';
import type { HouseholdApplication } from '../../domain/model';
import { verifyChain } from '../../domain/rules/audit';
import { api, login } from '../../tools/api-client/client';
import { driveTo, householdFile, registerHousehold, waitForTask } from '../../tools/api-client/household-driver';
import { type Staff, staffFor } from '../../tools/api-client/staff';
import { sha256Hex } from '../../tools/demo/exif-jpeg';
import { importRoster } from '../../tools/import/rosters';
import { type RunningStack, startStack } from '../../twin/stack-process';
import { sceneJpeg } from '../fixtures/scenes';

type Flag = { kind: string; subject: string; ref: string; related?: string[]; raisedBy?: string };
type FileAnswer = {
  householdId: string;
  phase: string;
  version: number;
  household: { flags?: Flag[]; overrides?: { flag: string; by: string; refs: string[] }[] };
  timeline: { seq: number; type: string; actor: string; details: Record<string, unknown> }[];
  photos: { photoId: string; flags: string[] }[];
};
type ErrorAnswer = { error: string; message: { zh: string; en: string }; fields?: { path: string }[] };
type Finding = { kind: string; what: string; householdId: string; link: string; by?: string; overriddenBy?: string };

const COUNTY = demoProgram.county.code;
const villages = demoProgram.townships.flatMap((t) => t.villages);
/** Applications of one village, so one township's staff act on all of them. */
const ofVillage = (k: number) => demoApplication(51 + k * villages.length);

let stack: RunningStack;
let staff: Staff;
/** County staff: construction (li.zhujian) approves and overrides evidence; civil affairs (wang.minzheng) persons. */
let countyCivil = '';
let auditor = '';

async function file(token: string, id: string): Promise<FileAnswer> {
  return (await householdFile(stack.url, token, id)) as unknown as FileAnswer;
}

async function register(application: HouseholdApplication): Promise<string> {
  return registerHousehold(stack.url, staff, application);
}

/** Uploads `bytes` as a photo of the household through its presigned URL and confirms it. */
async function photo(householdId: string, bytes: Uint8Array, step: string, kind: string) {
  const token = staff.construction.token;
  const requested = await api(stack.url, token).post<{
    photoId: string;
    upload: { url: string; headers: Record<string, string> };
  }>(`/households/${householdId}/photos`, {
    step,
    kind,
    contentType: 'image/jpeg',
    size: bytes.length,
    sha256: sha256Hex(bytes),
  });
  expect(requested.status).toBe(201);
  const put = await fetch(requested.body.upload.url, {
    method: 'PUT',
    headers: requested.body.upload.headers,
    body: bytes,
  });
  expect(put.status).toBe(200);
  const confirmed = await api(stack.url, token).post<{ photoId: string; flags: string[] }>(
    `/households/${householdId}/photos/${requested.body.photoId}/confirm`,
  );
  expect(confirmed.status).toBe(200);
  return confirmed.body;
}

async function act(token: string, householdId: string, action: string, body: (version: number) => object) {
  const current = await file(token, householdId);
  return api(stack.url, token).post<FileAnswer & ErrorAnswer>(
    `/households/${householdId}/actions/${action}`,
    body(current.version),
  );
}

async function override(token: string, householdId: string, flag: string, reason: string) {
  const current = await file(token, householdId);
  return api(stack.url, token).post<FileAnswer & ErrorAnswer>(`/households/${householdId}/overrides`, {
    version: current.version,
    flag,
    reason,
  });
}

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  staff = await staffFor(stack.url, ofVillage(0).villageCode);
  countyCivil = await login(stack.url, 'wang.minzheng');
  auditor = await login(stack.url, 'liu.shenji');
}, 240_000);

afterAll(async () => {
  await stack?.discard();
});

describe('a near-copy of another household’s photo', () => {
  let original = '';
  let copier = '';
  let copyId = '';

  it('is flagged on confirmation, pointing at the household whose photo it copies', async () => {
    original = await register(ofVillage(0));
    copier = await register(ofVillage(1));
    const scene = await sceneJpeg(4242);
    const first = await photo(original, scene, 'safety-appraisal', 'before');
    expect(first.flags).not.toContain('near-duplicate-image');
    // The same picture re-saved at half size: a different file, the same photo.
    const copy = await photo(
      copier,
      await sharp(scene).resize(320).jpeg({ quality: 70 }).toBuffer(),
      'safety-appraisal',
      'before',
    );
    copyId = copy.photoId;
    expect(copy.flags).toContain('near-duplicate-image');
    expect(copy.flags).not.toContain('duplicate-image');
    const flagged = (await file(staff.construction.token, copier)).household.flags ?? [];
    expect(flagged).toContainEqual(
      expect.objectContaining({ kind: 'near-duplicate-image', subject: 'photo', ref: copyId, related: [original] }),
    );
  });

  it('holds the appraisal citing it until a county officer overrides, then lets its owner go on', async () => {
    const appraisal = (version: number) => ({ ...exampleActionBody('appraise-safety', version), photoIds: [copyId] });
    await waitForTask(stack.url, staff.construction.token, copier, 'safety-appraisal');
    const held = await act(staff.construction.token, copier, 'appraise-safety', appraisal);
    expect(held.status).toBe(409);
    expect(held.body.message.zh).toContain('相似');

    // Township staff cannot override: a second person of a higher level must.
    const townshipOverride = await override(
      staff.construction.token,
      copier,
      'near-duplicate-image',
      '本人现场核实无误',
    );
    expect(townshipOverride.status).toBe(403);
    const granted = await override(
      staff.county.token,
      copier,
      'near-duplicate-image',
      '县住建局到户核实：两户为相邻房屋，照片系同角度拍摄',
    );
    expect(granted.status).toBe(200);
    expect(granted.body.household.overrides).toEqual([
      expect.objectContaining({ flag: 'near-duplicate-image', by: staff.county.username, refs: [copyId] }),
    ]);

    const done = await act(staff.construction.token, copier, 'appraise-safety', appraisal);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const after = await file(staff.construction.token, copier);
    const types = after.timeline.map((event) => event.type);
    expect(types.slice(-2)).toEqual(['override', 'appraise-safety']);
    expect(after.timeline.find((event) => event.type === 'override')?.actor).toBe(staff.county.username);
    expect(verifyChain(after.timeline as never, after.version).ok).toBe(true);
  });
});

describe('a member of one file applying as the head of another', () => {
  const son = demoIdNumber(90_051);
  let parents = '';
  let sonsFile = '';

  it('is flagged at application, naming the file the person is on', async () => {
    const withSon = ofVillage(2);
    parents = await register({ ...withSon, members: [{ name: '王小明', relation: '子', idNumber: son }] });
    const asHead = ofVillage(3);
    sonsFile = await register({ ...asHead, head: { ...asHead.head, name: '王小明', idNumber: son } });
    const flags = (await file(staff.civil.token, sonsFile)).household.flags ?? [];
    expect(flags).toContainEqual(
      expect.objectContaining({ kind: 'person-already-claimed', subject: 'household', related: [parents] }),
    );
  });

  it('holds the county approval until civil affairs of the county overrides it', async () => {
    await driveTo(stack.url, staff, sonsFile, 'county-approval');
    await waitForTask(stack.url, staff.county.token, sonsFile, 'county-approval');
    const held = await act(staff.county.token, sonsFile, 'county-approve', (v) =>
      exampleActionBody('county-approve', v),
    );
    expect(held.status).toBe(409);
    expect(held.body.message.en).toContain('another household');
    // A refusal is never a rejection: the county may still send it back or reject it without an override.
    const granted = await override(
      countyCivil,
      sonsFile,
      'person-already-claimed',
      '经核实已于去年分户另立，户籍证明已入档',
    );
    expect(granted.status).toBe(200);
    const approved = await act(staff.county.token, sonsFile, 'county-approve', (v) =>
      exampleActionBody('county-approve', v),
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  });
});

describe('a person on an imported relocation roster', () => {
  it('is flagged at application once the roster is imported', async () => {
    const relocated = demoIdNumber(90_077);
    const imported = await api(stack.url, countyCivil).post<{ rosterId: string; entries: number; errors: unknown[] }>(
      '/rosters',
      {
        county: COUNTY,
        kind: 'relocation',
        year: 2019,
        title: '县发改局易地扶贫搬迁名单',
        rows: [
          { 姓名: '李四', 身份证号: relocated, 年度: '2019' },
          { 姓名: '错号', 身份证号: '123' },
        ],
      },
    );
    expect(imported.status).toBe(201);
    expect(imported.body.entries).toBe(1);
    expect(imported.body.errors).toHaveLength(1);
    expect(JSON.stringify(imported.body)).not.toContain(relocated);

    const application = ofVillage(4);
    const id = await register({ ...application, members: [{ name: '李四', relation: '配偶', idNumber: relocated }] });
    const flags = (await file(staff.civil.token, id)).household.flags ?? [];
    expect(flags.map((flag) => flag.kind)).toContain('roster-relocation');
  });
});

describe('the roster import tool', () => {
  it('imports a sheet through the API and reports each bad row at its line of the file', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'anju-roster-'));
    const file = join(folder, '低保名单.csv');
    await writeFile(
      file,
      `姓名,身份证号,村\n张三,${demoIdNumber(90_101)},者楼村\n错号,12345,者楼村\n李四,${demoIdNumber(90_102)},\n`,
    );
    const summary = await importRoster({
      file,
      url: stack.url,
      username: 'wang.minzheng',
      county: COUNTY,
      kind: 'minimum-living-guarantee',
      year: 2026,
      title: '县民政局低保名单',
    });
    expect(summary.entries).toBe(2);
    expect(summary.errors.map((error) => [error.line, error.field])).toEqual([[3, '身份证号']]);
    const listed = await api(stack.url, auditor).get<{ items: { title: string; entries: number }[] }>(
      `/rosters?county=${COUNTY}`,
    );
    expect(listed.body.items).toContainEqual(expect.objectContaining({ title: '县民政局低保名单', entries: 2 }));
  });
});

describe('a record dated ahead', () => {
  it('refuses an inspection dated 30 days from today, at its field', async () => {
    const id = await register(ofVillage(5));
    await driveTo(stack.url, staff, id, 'installment-release');
    await waitForTask(stack.url, staff.finance.token, id, 'installment-release', 60_000);
    const released = await act(staff.finance.token, id, 'release-installment', (version) => ({
      version,
      installment: 0,
    }));
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    // The release waits for its second signature, and the file says so.
    expect((released.body.household as { money?: { awaitingApproval: number[] } }).money?.awaitingApproval).toEqual([
      0,
    ]);
    await waitForTask(stack.url, staff.inspector.token, id, 'milestone-inspection', 60_000);
    const future = await act(staff.inspector.token, id, 'inspect', (version) => ({
      ...exampleActionBody('inspect', version),
      date: addCalendarDays(chinaToday(), 30),
    }));
    expect(future.status).toBe(400);
    expect(future.body.fields?.map((f) => f.path)).toEqual(['date']);
  });
});

describe("the auditor's view", () => {
  const query = `county=${COUNTY}&from=${addCalendarDays(chinaToday(), -1)}&to=${chinaToday()}`;

  it('lists the flags, the duplicate matches and the overrides of the period, each with its household', async () => {
    const report = await api(stack.url, auditor).get<{ findings: Finding[]; counts: Record<string, number> }>(
      `/reports/audit?${query}`,
    );
    expect(report.status).toBe(200);
    const found = (kind: string, what: string) =>
      report.body.findings.filter((f) => f.kind === kind && f.what === what);
    expect(found('flag', 'near-duplicate-image')).toHaveLength(1);
    expect(found('duplicate', 'near-duplicate-image')).toHaveLength(1);
    expect(found('flag', 'person-already-claimed')[0]?.overriddenBy).toBe('wang.minzheng');
    expect(found('flag', 'roster-relocation')).toHaveLength(1);
    const overrides = report.body.findings.filter((f) => f.kind === 'override');
    expect(overrides.map((f) => [f.what, f.by]).sort()).toEqual([
      ['near-duplicate-image', staff.county.username],
      ['person-already-claimed', 'wang.minzheng'],
    ]);
    for (const finding of report.body.findings) expect(finding.link).toBe(`/households/${finding.householdId}`);
    expect(report.body.counts.override).toBe(2);
  });

  it('exports the same findings as an Excel workbook, and refuses township staff', async () => {
    const response = await fetch(`${stack.url}/reports/audit?${query}&format=xlsx`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet('审计发现');
    const kinds = (sheet?.getColumn(1).values ?? []).slice(3).map(String);
    expect(kinds).toContain('核实放行');
    expect(kinds).toContain('重复匹配');
    expect((await api(stack.url, staff.civil.token).get(`/reports/audit?${query}`)).status).toBe(403);
  });
});
