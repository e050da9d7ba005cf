/**
 * Upload attacks through the product path (the API's presigned URLs and the local S3 that checks
 * SigV4), filling what photos.test.ts and local-s3.test.ts do not already show: a type the API
 * does not sign, bytes that are not the declared type, more bytes than signed, a signed URL turned
 * to another household's key, and a second PUT over an uploaded photo. Every one is refused and
 * the household's photos stay as they were. (An expired presigned request: local-s3.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApplication } from '../../contract/examples';
import { api } from '../../tools/api-client/client';
import { householdFile, registerHousehold } from '../../tools/api-client/household-driver';
import { staffFor } from '../../tools/api-client/staff';
import { jpegWithExif, sha256Hex } from '../../tools/demo/exif-jpeg';
import { type RunningStack, startStack } from '../../twin/stack-process';

type Upload = { photoId: string; upload: { url: string; method: string; headers: Record<string, string> } };
type ErrorAnswer = { error: string; message: { zh: string; en: string }; fields?: { path: string }[] };
type PhotoView = { photoId: string; status: string; sha256: string };

const first = demoApplication(61);
const second = demoApplication(62);
let stack: RunningStack;
let inspector = '';
let firstId = '';
let secondId = '';

function declare(bytes: Uint8Array, contentType = 'image/jpeg') {
  return { step: 'milestone-inspection', kind: 'during', contentType, size: bytes.length, sha256: sha256Hex(bytes) };
}

async function requestUpload(householdId: string, body: unknown) {
  return api(stack.url, inspector).post<Upload & ErrorAnswer>(`/households/${householdId}/photos`, body);
}

async function put(url: string, upload: Upload['upload'], bytes: Uint8Array, headers = upload.headers) {
  const response = await fetch(url, { method: upload.method, headers, body: bytes });
  await response.arrayBuffer();
  return response.status;
}

async function confirm(householdId: string, photoId: string) {
  return api(stack.url, inspector).post<PhotoView & ErrorAnswer>(
    `/households/${householdId}/photos/${photoId}/confirm`,
  );
}

async function photosOf(householdId: string): Promise<PhotoView[]> {
  const file = await householdFile(stack.url, inspector, householdId);
  return (file as unknown as { photos: PhotoView[] }).photos;
}

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  const users = await staffFor(stack.url, first.villageCode);
  inspector = users.inspector.token;
  const ids: string[] = [];
  for (const application of [first, second]) {
    ids.push(await registerHousehold(stack.url, await staffFor(stack.url, application.villageCode), application));
  }
  [firstId = '', secondId = ''] = ids;
}, 240_000);

afterAll(async () => {
  await stack?.discard();
});

describe('upload attacks', () => {
  it('refuses to sign a type that is not a photo', async () => {
    const bytes = new TextEncoder().encode('<html><script>alert(1)</script></html>');
    for (const type of ['text/html', 'image/svg+xml', 'application/pdf', 'application/octet-stream']) {
      const requested = await requestUpload(firstId, declare(bytes, type));
      expect(requested.status, type).toBe(400);
      expect(requested.body.fields?.map((field) => field.path)).toContain('contentType');
    }
    expect(await photosOf(firstId)).toEqual([]);
  });

  it('refuses to confirm bytes that are not the declared JPEG, even with a matching SHA-256', async () => {
    const html = new TextEncoder().encode('<html><body>not a photo</body></html>');
    const requested = await requestUpload(firstId, declare(html));
    expect(requested.status).toBe(201);
    expect(await put(requested.body.upload.url, requested.body.upload, html)).toBe(200);
    const confirmed = await confirm(firstId, requested.body.photoId);
    expect(confirmed.status).toBeGreaterThanOrEqual(400);
    expect(confirmed.status).toBeLessThan(500);
    const shown = (await photosOf(firstId)).find((photo) => photo.photoId === requested.body.photoId);
    expect(shown?.status).not.toBe('confirmed');
  });

  it('has S3 refuse more bytes than were signed', async () => {
    const declared = jpegWithExif({ label: 'small' });
    const requested = await requestUpload(firstId, declare(declared));
    const larger = new Uint8Array(declared.length + 4096);
    larger.set(declared);
    const status = await put(requested.body.upload.url, requested.body.upload, larger, {
      ...requested.body.upload.headers,
      'content-length': String(larger.length),
    });
    expect(status).toBeGreaterThanOrEqual(400);
    expect((await confirm(firstId, requested.body.photoId)).status).toBe(409);
  });

  it("has S3 refuse a signed URL turned to another household's key", async () => {
    const bytes = jpegWithExif({ label: 'moved' });
    const requested = await requestUpload(firstId, declare(bytes));
    const url = new URL(requested.body.upload.url);
    expect(url.pathname).toContain(firstId);
    url.pathname = url.pathname.replace(firstId, secondId);
    expect(await put(url.toString(), requested.body.upload, bytes)).toBe(403);
    // Nor can the photo be confirmed under the other household.
    expect((await confirm(secondId, requested.body.photoId)).status).toBe(404);
    expect(await photosOf(secondId)).toEqual([]);
  });

  it('refuses a second PUT over an uploaded photo and keeps the confirmed bytes', async () => {
    const original = jpegWithExif({ label: 'original' });
    const requested = await requestUpload(firstId, declare(original));
    const { upload, photoId } = requested.body;
    expect(await put(upload.url, upload, original)).toBe(200);
    // The same signed request replayed with other bytes of the same size: the object must not change.
    const replacement = jpegWithExif({ label: 'replaced' });
    expect(replacement.length).toBe(original.length);
    expect(await put(upload.url, upload, replacement)).toBe(412);
    const confirmed = await confirm(firstId, photoId);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.sha256).toBe(sha256Hex(original));
    expect(await put(upload.url, upload, replacement)).toBe(412);
  });
});
