/**
 * One household from agreement to archive on the local stack, through the HTTP API only: every
 * installment released by finance, one failed milestone inspection with its rectification and
 * re-inspection, photos uploaded through real presigned URLs, acceptance refused until its
 * photos are confirmed, and a funds report that adds up to the approved subsidy to the cent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApplication, demoProgram, exampleActionBody } from '../../contract/examples';
import { chinaToday } from '../../domain/china-time';
import type { Phase } from '../../domain/model';
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
import { jpegWithExif, recentExifTime, sha256Hex } from '../../tools/demo/exif-jpeg';
import { demoUsers } from '../../tools/demo/users';
import { type RunningStack, startStack } from '../../twin/stack-process';

type Upload = { photoId: string; upload: { url: string; method: string; headers: Record<string, string> } };
type LedgerView = { installment: number; amount: number; status: string };

const application = demoApplication(31);
const COUNTY = demoProgram.county.code;

let stack: RunningStack;
let users: Staff;
let inspector = '';
let finance = '';
let auditor = '';
let householdId = '';
let photoCounter = 0;

/** Uploads a distinct photo of `kind` for `step` through its presigned URL and confirms it. */
async function photo(step: Phase, kind: string): Promise<string> {
  const photoId = await uploadPhoto(step, kind);
  await confirmPhoto(photoId);
  return photoId;
}

async function confirmPhoto(photoId: string): Promise<void> {
  const confirmed = await api(stack.url, inspector).post<{ status: string }>(
    `/households/${householdId}/photos/${photoId}/confirm`,
  );
  expect(confirmed.status).toBe(200);
  expect(confirmed.body.status).toBe('confirmed');
}

/** Uploads a distinct photo of `kind` for `step` through its presigned URL, without confirming it. */
async function uploadPhoto(step: Phase, kind: string): Promise<string> {
  photoCounter += 1;
  const bytes = jpegWithExif({
    // Now: even seconds back may be the day before an agreement signed just after midnight in China, a blocking flag.
    dateTimeOriginal: recentExifTime(0),
    ...(application.house.location ? { gps: application.house.location } : {}),
    label: `${householdId} ${step} ${kind} ${photoCounter}`,
  });
  const requested = await api(stack.url, inspector).post<Upload>(`/households/${householdId}/photos`, {
    step,
    kind,
    contentType: 'image/jpeg',
    size: bytes.length,
    sha256: sha256Hex(bytes),
  });
  expect(requested.status).toBe(201);
  const { upload, photoId } = requested.body;
  const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: bytes });
  expect(put.status).toBe(200);
  return photoId;
}

async function act(token: string, action: string, body: (version: number) => object) {
  const file = await householdFile(stack.url, token, householdId);
  return api(stack.url, token).post<HouseholdView & { message?: { en: string } }>(
    `/households/${householdId}/actions/${action}`,
    body(file.version),
  );
}

async function release(installment: number) {
  await waitForTask(stack.url, finance, householdId, 'installment-release', 60_000);
  const answer = await act(finance, 'release-installment', (version) => ({ version, installment }));
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

async function inspect(milestone: string, result: 'pass' | 'fail') {
  await waitForTask(stack.url, inspector, householdId, 'milestone-inspection', 60_000);
  const photoId = await photo('milestone-inspection', 'during');
  const checklist = { 基础尺寸: result === 'pass', 钢筋规格: true };
  const answer = await act(inspector, 'inspect', (version) => ({
    version,
    milestone,
    date: chinaToday(),
    checklist,
    result,
    photoIds: [photoId],
    ...(result === 'fail' ? { rectification: { what: '圈梁钢筋不足，返工', by: '2026-12-20' } } : {}),
  }));
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  users = await staffFor(stack.url, application.villageCode);
  const township = demoUsers.find((u) => u.username === users.construction.username)?.township;
  const fieldInspector = demoUsers.find((u) => u.roles.includes('inspector') && u.township === township);
  if (!fieldInspector) throw new Error(`no demo inspector in ${township}`);
  [inspector = '', finance = '', auditor = ''] = await Promise.all(
    [fieldInspector.username, 'chen.caizheng', 'liu.shenji'].map((username) => login(stack.url, username)),
  );
  householdId = await registerHousehold(stack.url, users, application);
  await driveTo(stack.url, users, householdId, 'agreement-signed');
}, 240_000);

afterAll(async () => {
  await stack?.discard();
});

describe('a household from agreement to archive', () => {
  it('releases the advance, then refuses the next installment before its milestone passed', async () => {
    await release(0);
    await waitForTask(stack.url, inspector, householdId, 'milestone-inspection', 60_000);
    const early = await act(finance, 'release-installment', (version) => ({ version, installment: 1 }));
    expect(early.status).toBe(409);
    expect(early.body.message?.en).toMatch(/milestone-inspection/);
  });

  it('records a failed foundation inspection and its re-inspection, keeping both rounds', async () => {
    await inspect('foundation', 'fail');
    const afterFail = await householdFile(stack.url, inspector, householdId);
    expect(afterFail.phase).toBe('milestone-inspection');
    await inspect('foundation', 'pass');
    const file = await householdFile(stack.url, inspector, householdId);
    const inspections = file.timeline.filter((event) => event.type === 'inspect');
    expect(inspections.map((event) => event.details.outcome)).toEqual(['fail', 'pass']);
  });

  it('records a supervision visit without deciding the step, and flags a milestone inspected too soon', async () => {
    const before = await householdFile(stack.url, inspector, householdId);
    const photoId = await photo('installment-release', 'during');
    const visit = await act(users.construction.token, 'supervise', (version) => ({
      ...exampleActionBody('supervise', version),
      photoIds: [photoId],
    }));
    expect(visit.status, JSON.stringify(visit.body)).toBe(200);
    expect(visit.body.phase).toBe('installment-release');
    // The photo's confirmation and the visit: one audit event each.
    expect(visit.body.version).toBe(before.version + 2);
    expect(visit.body.timeline.slice(-2).map((event) => event.type)).toEqual(['confirm-photo', 'supervise']);
    expect(verifyChain(visit.body.timeline, visit.body.version)).toEqual({ ok: true });
    // The ledger card is written at archive: none yet.
    expect((await api(stack.url, auditor).get(`/households/${householdId}/ledger-card`)).status).toBe(404);
  });

  it('pays the foundation and main-structure installments after their inspections', async () => {
    await release(1);
    await inspect('main-structure', 'pass');
    await release(2);
    const file = await householdFile(stack.url, inspector, householdId);
    expect(file.phase).toBe('final-acceptance');
  });

  it('refuses acceptance until its after photos are confirmed, then accepts', async () => {
    await waitForTask(stack.url, inspector, householdId, 'final-acceptance', 60_000);
    const duringOnly = await photo('final-acceptance', 'during');
    const refused = await act(inspector, 'accept', (version) => ({
      ...exampleActionBody('accept', version),
      photoIds: [duringOnly],
    }));
    expect(refused.status).toBe(400);
    expect((await householdFile(stack.url, inspector, householdId)).phase).toBe('final-acceptance');

    // Uploaded but not yet confirmed: still refused.
    const after = await uploadPhoto('final-acceptance', 'after');
    const withHead = await uploadPhoto('final-acceptance', 'after-with-head');
    const unconfirmed = await act(inspector, 'accept', (version) => ({
      ...exampleActionBody('accept', version),
      photoIds: [after, withHead],
    }));
    expect(unconfirmed.status).toBe(400);
    expect(JSON.stringify(unconfirmed.body)).toContain('photoIds');

    await confirmPhoto(after);
    await confirmPhoto(withHead);
    const accepted = await act(inspector, 'accept', (version) => ({
      ...exampleActionBody('accept', version),
      photoIds: [after, withHead],
    }));
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  });

  it('pays the final installment and archives the household with an intact audit chain', async () => {
    await release(3);
    const archived = await eventually(
      async () => {
        const file = await householdFile(stack.url, auditor, householdId);
        return file.phase === 'archived' ? file : undefined;
      },
      60_000,
      `the archive of ${householdId}`,
    );
    expect(verifyChain(archived.timeline, archived.version)).toEqual({ ok: true });
    const payments = (archived as unknown as { payments: LedgerView[] }).payments;
    expect(payments.map((p) => p.installment)).toEqual([0, 1, 2, 3]);
    expect(payments.reduce((sum, p) => sum + p.amount, 0)).toBe(archived.household.approvedSubsidy);
  });

  it('serves the printable ledger card with masked ID, every signed step and every photo', async () => {
    const file = await householdFile(stack.url, auditor, householdId);
    const card = await api(stack.url, auditor).get<string>(`/households/${householdId}/ledger-card`);
    expect(card.status).toBe(200);
    expect(card.headers.get('content-type')).toMatch(/^text\/html/);
    expect(card.body).toContain('农村危房改造对象台帐卡');
    expect(card.body).not.toContain(application.head.idNumber);
    // The card is written just before the archive event that records it.
    const signed = file.timeline.filter((event) => event.type !== 'archive');
    expect(signed.length).toBe(file.timeline.length - 1);
    for (const event of signed) expect(card.body).toContain(`data-seq="${event.seq}"`);
    const photos = (file as unknown as { photos: { photoId: string }[] }).photos;
    for (const p of photos) expect(card.body).toContain(`data-photo-id="${p.photoId}"`);
    // Both milestones were inspected the same day: visible on the file, not refused.
    const flags = (file as unknown as { flags: { source: string; flag: string }[] }).flags;
    expect(flags).toContainEqual(expect.objectContaining({ source: 'inspection', flag: 'stage-too-soon' }));
    // Every photo URL on the card, presigned for this answer, loads its preview.
    const sources = [...card.body.matchAll(/<img src="([^"]+)"/g)].map((match) => match[1]?.replaceAll('&amp;', '&'));
    expect(sources).toHaveLength(photos.filter((p) => (p as { status?: string }).status === 'confirmed').length);
    for (const src of sources) {
      const image = await fetch(src ?? '');
      expect(image.status, src).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/webp');
      await image.arrayBuffer();
    }
  });

  it('reports the released money by source and township to the cent', async () => {
    const file = await householdFile(stack.url, auditor, householdId);
    const report = await api(stack.url, auditor).get<{
      total: { planned: number; released: number };
      bySource: { released: number }[];
    }>(`/reports/funds?county=${COUNTY}`);
    expect(report.status).toBe(200);
    expect(report.body.total.planned).toBe(file.household.approvedSubsidy);
    expect(report.body.total.released).toBe(file.household.approvedSubsidy);
    expect(report.body.bySource.reduce((sum, line) => sum + line.released, 0)).toBe(report.body.total.released);
  });
});
