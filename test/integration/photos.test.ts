/**
 * Photo evidence on the local stack, through the HTTP API and the real presigned URLs: the local
 * S3 checks the signature (content type and length included) as AWS does, the confirm step reads
 * the stored object back, hashes it and reads its EXIF.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApplication } from '../../contract/examples';
import type { HouseholdApplication } from '../../domain/model';
import { verifyChain } from '../../domain/rules/audit';
import { api } from '../../tools/api-client/client';
import { driveTo, householdFile, registerHousehold } from '../../tools/api-client/household-driver';
import { type Staff, staffFor } from '../../tools/api-client/staff';
import { jpegWithExif, recentExifTime, sha256Hex } from '../../tools/demo/exif-jpeg';
import { type RunningStack, startStack } from '../../twin/stack-process';
import { sidewaysPhoto } from '../fixtures/large-photo';

type Upload = { photoId: string; upload: { url: string; method: string; headers: Record<string, string> } };
type PhotoAnswer = {
  photoId: string;
  status: string;
  flags: string[];
  capturedAt?: string;
  location?: { lat: number; lon: number };
  previewUrl?: string | null;
  originalUrl?: string | null;
};
type ErrorAnswer = { error: string; message: { zh: string; en: string }; fields?: { path: string }[] };

let stack: RunningStack;
let users: Staff;
let inspector: string;
const first = demoApplication(21);
const second = demoApplication(22);
let firstId = '';
let secondId = '';

function houseOf(application: HouseholdApplication) {
  const location = application.house.location;
  if (!location) throw new Error('the demo application has no house location');
  return location;
}

function declare(bytes: Uint8Array, kind = 'during', contentType = 'image/jpeg') {
  return {
    step: 'milestone-inspection',
    kind,
    contentType,
    size: bytes.length,
    sha256: sha256Hex(bytes),
  };
}

async function requestUpload(householdId: string, body: unknown) {
  return api(stack.url, inspector).post<Upload & ErrorAnswer>(`/households/${householdId}/photos`, body);
}

async function put(upload: Upload['upload'], bytes: Uint8Array, headers = upload.headers) {
  return fetch(upload.url, { method: upload.method, headers, body: bytes });
}

async function confirm(householdId: string, photoId: string) {
  return api(stack.url, inspector).post<PhotoAnswer & ErrorAnswer>(
    `/households/${householdId}/photos/${photoId}/confirm`,
  );
}

async function photosOf(householdId: string) {
  const file = await householdFile(stack.url, inspector, householdId);
  return (file as unknown as { photos: PhotoAnswer[] }).photos;
}

/** Requests an upload, PUTs the bytes through the presigned URL; returns the photo id. */
async function uploaded(householdId: string, bytes: Uint8Array): Promise<string> {
  const requested = await requestUpload(householdId, declare(bytes));
  expect(requested.status).toBe(201);
  const response = await put(requested.body.upload, bytes);
  expect(response.status).toBe(200);
  return requested.body.photoId;
}

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  users = await staffFor(stack.url, first.villageCode);
  inspector = users.inspector.token;
  for (const [application, assign] of [
    [first, (id: string) => (firstId = id)],
    [second, (id: string) => (secondId = id)],
  ] as const) {
    assign(await registerHousehold(stack.url, users, application));
  }
  await driveTo(stack.url, users, firstId, 'agreement');
}, 240_000);

afterAll(async () => {
  await stack?.discard();
});

describe('photo evidence through presigned uploads', () => {
  const atTheHouse = jpegWithExif({
    dateTimeOriginal: recentExifTime(),
    gps: houseOf(first),
    label: 'first household, during construction',
  });
  let confirmedId = '';

  it('uploads a JPEG straight to S3 and confirms it with its EXIF time and position, without flags', async () => {
    const requested = await requestUpload(firstId, declare(atTheHouse));
    expect(requested.status).toBe(201);
    expect(requested.body.upload.method).toBe('PUT');

    const uploaded = await put(requested.body.upload, atTheHouse);
    expect(uploaded.status).toBe(200);

    const confirmed = await confirm(firstId, requested.body.photoId);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ photoId: requested.body.photoId, status: 'confirmed', flags: [] });
    expect(Date.parse(confirmed.body.capturedAt ?? '')).toBeLessThan(Date.now());
    expect(confirmed.body.location?.lat).toBeCloseTo(houseOf(first).lat, 4);
    confirmedId = requested.body.photoId;

    // Confirming again changes nothing.
    const again = await confirm(firstId, confirmedId);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(confirmed.body);

    const shown = (await photosOf(firstId)).find((photo) => photo.photoId === confirmedId);
    expect(shown).toMatchObject({ status: 'confirmed', flags: [] });
  });

  it('has S3 refuse an upload with another content type than the signed one', async () => {
    const image = jpegWithExif({ label: 'wrong type' });
    const requested = await requestUpload(firstId, declare(image));
    expect(requested.status).toBe(201);

    const uploaded = await put(requested.body.upload, image, {
      ...requested.body.upload.headers,
      'content-type': 'image/png',
    });
    expect(uploaded.status).toBe(403);
    await uploaded.arrayBuffer();

    const confirmed = await confirm(firstId, requested.body.photoId);
    expect(confirmed.status).toBe(409);
    expect(confirmed.body.message.en).toContain('not been uploaded');
  });

  it('refuses to sign an upload of a type that is not a photo, with a field message, and records nothing', async () => {
    const before = await photosOf(firstId);
    const requested = await requestUpload(firstId, declare(atTheHouse, 'during', 'application/pdf'));
    expect(requested.status).toBe(400);
    expect(requested.body.fields?.map((field) => field.path)).toEqual(['contentType']);
    expect(requested.body.message.en).toMatch(/\S/);
    expect(await photosOf(firstId)).toHaveLength(before.length);
  });

  it('refuses to confirm bytes that are not the declared type of image, and leaves the photo unconfirmed', async () => {
    const png = new Uint8Array(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#777' } })
        .png()
        .toBuffer(),
    );
    const photoId = await uploaded(firstId, png);

    const confirmed = await confirm(firstId, photoId);

    expect(confirmed.status).toBe(409);
    expect(confirmed.body.message.en).toContain('not a image/jpeg image');
    expect((await photosOf(firstId)).find((photo) => photo.photoId === photoId)?.status).toBe('requested');
  });

  it('refuses to sign an upload larger than 15 MB and records nothing', async () => {
    const before = await photosOf(firstId);
    const requested = await requestUpload(firstId, { ...declare(atTheHouse), size: 16 * 1024 * 1024 });
    expect(requested.status).toBe(400);
    expect(requested.body.fields?.map((field) => field.path)).toEqual(['size']);
    expect(requested.body.message.zh).toMatch(/\S/);
    expect(await photosOf(firstId)).toHaveLength(before.length);
  });

  it('has S3 refuse a file larger than the size signed into the URL', async () => {
    const requested = await requestUpload(firstId, declare(atTheHouse));
    const bigger = new Uint8Array(atTheHouse.length + 4096);
    bigger.set(atTheHouse);

    const uploaded = await put(requested.body.upload, bigger);

    expect(uploaded.status).toBe(403);
    await uploaded.arrayBuffer();
    expect((await confirm(firstId, requested.body.photoId)).status).toBe(409);
  });

  it('refuses to confirm an object whose SHA-256 is not the declared one, and leaves it unconfirmed', async () => {
    const declared = jpegWithExif({ label: 'declared A' });
    const sent = jpegWithExif({ label: 'declared B' });
    expect(sent.length).toBe(declared.length);
    const requested = await requestUpload(firstId, declare(declared));
    const uploaded = await put(requested.body.upload, sent);
    expect(uploaded.status).toBe(200);
    const before = await householdFile(stack.url, inspector, firstId);

    const confirmed = await confirm(firstId, requested.body.photoId);
    expect(confirmed.status).toBe(409);
    expect(confirmed.body.message.en).toContain('SHA-256');
    const after = await householdFile(stack.url, inspector, firstId);
    const shown = (after as unknown as { photos: PhotoAnswer[] }).photos.find(
      (photo) => photo.photoId === requested.body.photoId,
    );
    expect(shown?.status).toBe('requested');
    // Nothing recorded: no event, the same version.
    expect(after.version).toBe(before.version);
  });

  it('flags the same image confirmed for a second household as a duplicate, taken far from that house', async () => {
    const requested = await requestUpload(secondId, declare(atTheHouse));
    expect(requested.status).toBe(201);
    expect((await put(requested.body.upload, atTheHouse)).status).toBe(200);

    const confirmed = await confirm(secondId, requested.body.photoId);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
    expect(confirmed.body.flags).toContain('duplicate-image');
    expect(confirmed.body.flags).toContain('gps-far');
    const shown = (await photosOf(secondId)).find((photo) => photo.photoId === requested.body.photoId);
    expect(shown?.flags).toContain('duplicate-image');
  });

  it('serves a smaller, upright preview and the original through fresh presigned links on the household file', async () => {
    const original = await sidewaysPhoto(1);
    const photoId = await uploaded(firstId, original);
    expect((await confirm(firstId, photoId)).status).toBe(200);

    const shown = (await photosOf(firstId)).find((photo) => photo.photoId === photoId);
    expect(shown?.previewUrl).toMatch(/^http/);
    expect(shown?.originalUrl).toMatch(/^http/);
    const preview = await fetch(shown?.previewUrl ?? '');
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/webp');
    const previewBytes = new Uint8Array(await preview.arrayBuffer());
    expect(previewBytes.length).toBeLessThan(original.length / 10);
    expect(await sharp(previewBytes).metadata()).toMatchObject({ format: 'webp', width: 480, height: 640 });
    const kept = await fetch(shown?.originalUrl ?? '');
    expect(kept.status).toBe(200);
    expect(sha256Hex(new Uint8Array(await kept.arrayBuffer()))).toBe(sha256Hex(original));
    // A requested photo has nothing verified to show yet.
    const pending = (await photosOf(firstId)).find((photo) => photo.status === 'requested');
    expect(pending).toMatchObject({ previewUrl: null, originalUrl: null });
  });

  it('records every confirmation and its flags on the hash-chained timeline', async () => {
    const file = await householdFile(stack.url, inspector, secondId);
    const confirmations = file.timeline.filter((event) => event.type === 'confirm-photo');
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]?.details.flags).toEqual(expect.arrayContaining(['duplicate-image', 'gps-far']));
    expect(confirmations[0]?.seq).toBe(file.version);
    expect(verifyChain(file.timeline, file.version)).toEqual({ ok: true });
  });

  it('confirms photos concurrently, each once, with one event each and an intact chain', async () => {
    const images = [0, 1, 2, 3].map((n) => jpegWithExif({ label: `concurrent ${n}` }));
    const photoIds = await Promise.all(images.map((bytes) => uploaded(secondId, bytes)));
    const before = await householdFile(stack.url, inspector, secondId);

    // Each photo confirmed twice at once, all eight requests together.
    const answers = await Promise.all([...photoIds, ...photoIds].map((photoId) => confirm(secondId, photoId)));

    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    const after = await householdFile(stack.url, inspector, secondId);
    expect(after.version).toBe(before.version + 4);
    const confirmed = after.timeline
      .filter((event) => event.type === 'confirm-photo' && photoIds.includes(String(event.details.photoId)))
      .map((event) => event.details.photoId);
    expect(confirmed.sort()).toEqual([...photoIds].sort());
    expect(verifyChain(after.timeline, after.version)).toEqual({ ok: true });
  });
});
