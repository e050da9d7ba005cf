import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { demoProgram, exampleActionBody } from '../../../../contract/examples';
import { handlerWith as actionsHandlerWith } from '../../../../functions/api/actions';
import { handlerWith } from '../../../../functions/api/photos';
import { jpegWithExif, sha256Hex } from '../../../../tools/demo/exif-jpeg';
import { sidewaysPhoto } from '../../../fixtures/large-photo';
import { apiEvent, context, reply } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, NOW, openTaskItem, programItem } from '../support/fixtures';
import {
  batchGetsFromGets,
  ddbMock,
  givenFile,
  namedError,
  s3Mock,
  sfnMock,
  transactionCanceled,
  withMocksAtFixedTime,
} from '../support/mocks';

const actionsHandler = actionsHandlerWith(testDependencies());
const handler = handlerWith(testDependencies());

const INSPECTOR = 'luo.zhijian';
const house = household({ phase: 'milestone-inspection', version: 8, grade: 'D', nextInstallment: 1 });
const houseLocation = house.house.location ?? { lat: 0, lon: 0 };

function requestUpload(body: unknown, user = INSPECTOR) {
  return handler(
    apiEvent({
      method: 'POST',
      path: `/households/${HOUSEHOLD_ID}/photos`,
      pathParameters: { id: HOUSEHOLD_ID },
      body,
      user,
    }),
    context,
  ).then((response) => reply(response));
}

function confirm(photoId: string, user = INSPECTOR) {
  return handler(
    apiEvent({
      method: 'POST',
      path: `/households/${HOUSEHOLD_ID}/photos/${photoId}/confirm`,
      pathParameters: { id: HOUSEHOLD_ID, photoId },
      user,
    }),
    context,
  ).then((response) => reply(response));
}

/** A photo taken at the house, yesterday in Beijing time. */
const IMAGE = jpegWithExif({
  dateTimeOriginal: '2026:03:01 10:00:00',
  offsetTimeOriginal: '+08:00',
  gps: houseLocation,
  label: 'unit',
});

const declared = {
  step: 'milestone-inspection',
  kind: 'during',
  contentType: 'image/jpeg',
  size: IMAGE.length,
  sha256: sha256Hex(IMAGE),
};

const PHOTO_ID = 'ph-0001';
const OBJECT_KEY = `photos/${HOUSEHOLD_ID}/milestone-inspection/${PHOTO_ID}`;

function requestedPhotoItem(overrides: Record<string, unknown> = {}) {
  return {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: `PHOTO#${PHOTO_ID}`,
    entity: 'photo',
    householdId: HOUSEHOLD_ID,
    photoId: PHOTO_ID,
    ...declared,
    status: 'requested',
    flags: [],
    objectKey: OBJECT_KEY,
    requestedBy: INSPECTOR,
    requestedAt: '2026-03-02T01:00:00.000Z',
    ...overrides,
  };
}

function givenHousehold(): void {
  // Nothing else is stored: the program (read for its villages) and the near-copy index answer empty.
  ddbMock.on(GetCommand).resolves({});
  ddbMock.on(QueryCommand).resolves({ Items: [] });
  ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'HH' } }).resolves({ Item: householdItem(house) });
  ddbMock.on(PutCommand).resolves({});
  // The confirmation reads the household and the photo in one BatchGetItem.
  batchGetsFromGets();
}

function givenUploaded(
  bytes: Uint8Array,
  photo = requestedPhotoItem(),
  sameHash: Record<string, unknown>[] = [],
  contentType = 'image/jpeg',
) {
  givenHousehold();
  ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: `PHOTO#${PHOTO_ID}` } }).resolves({ Item: photo });
  ddbMock.on(QueryCommand, { IndexName: 'GSI1' }).resolves({ Items: sameHash });
  ddbMock.on(TransactWriteCommand).resolves({});
  s3Mock.on(HeadObjectCommand).resolves({ ContentLength: bytes.length, ContentType: contentType, ETag: '"e1"' });
  s3Mock.on(GetObjectCommand).resolves({
    Body: { transformToByteArray: async () => bytes } as never,
    VersionId: 'v1',
  });
  s3Mock.on(PutObjectCommand).resolves({});
}

function storedPuts(): Record<string, unknown>[] {
  return ddbMock.commandCalls(PutCommand).map((call) => call.args[0].input.Item as Record<string, unknown>);
}

type TransactPut = { Put: { Item: Record<string, unknown>; ConditionExpression?: string } };

/** The items each TransactWriteItems call puts, by their sort key (a flag also moves the progress counters). */
function transactions(): Record<string, TransactPut['Put']>[] {
  return ddbMock.commandCalls(TransactWriteCommand).map((call) => {
    const items = (call.args[0].input.TransactItems ?? []) as Partial<TransactPut>[];
    return Object.fromEntries(items.flatMap((item) => (item.Put ? [[String(item.Put.Item.SK), item.Put]] : [])));
  });
}

describe('POST /households/{id}/photos', () => {
  withMocksAtFixedTime(NOW);

  it('records a requested photo under a key the server chose and presigns a PUT bound to its type and size', async () => {
    givenHousehold();

    const result = await requestUpload(declared);

    expect(result.status).toBe(201);
    const { photoId, upload } = result.body as {
      photoId: string;
      upload: { url: string; method: string; headers: Record<string, string> };
    };
    expect(photoId).toMatch(/^ph-[0-9a-f-]{36}$/);
    expect(upload.method).toBe('PUT');
    expect(upload.headers['content-type']).toBe('image/jpeg');
    const url = new URL(upload.url);
    expect(decodeURIComponent(url.pathname)).toBe(
      `/anju-evidence-test/photos/${HOUSEHOLD_ID}/milestone-inspection/${photoId}`,
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'host']),
    );
    // No checksum of an empty body is baked into the URL.
    expect(url.searchParams.has('x-amz-checksum-crc32')).toBe(false);

    const [item] = storedPuts();
    expect(item).toMatchObject({
      PK: `HH#${HOUSEHOLD_ID}`,
      SK: `PHOTO#${photoId}`,
      status: 'requested',
      sha256: declared.sha256,
      size: IMAGE.length,
      requestedBy: INSPECTOR,
    });
    // Only a confirmed photo is findable by its hash.
    expect(item?.GSI1PK).toBeUndefined();
    expect(ddbMock.commandCalls(PutCommand)[0]?.args[0].input.ConditionExpression).toBe('attribute_not_exists(PK)');
  });

  it('refuses a type that is not a photo with a zh/en field message and records nothing', async () => {
    givenHousehold();

    const result = await requestUpload({ ...declared, contentType: 'image/svg+xml' });

    expect(result.status).toBe(400);
    const fields = result.body.fields as { path: string; message: { zh: string; en: string } }[];
    expect(fields.map((f) => f.path)).toEqual(['contentType']);
    expect(fields[0]?.message.zh).toMatch(/\S/);
    expect(fields[0]?.message.en).toContain('image/jpeg');
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('refuses a photo larger than 15 MB and records nothing', async () => {
    givenHousehold();

    const result = await requestUpload({ ...declared, size: 15 * 1024 * 1024 + 1 });

    expect(result.status).toBe(400);
    const fields = result.body.fields as { path: string; message: { zh: string; en: string } }[];
    expect(fields.map((f) => f.path)).toEqual(['size']);
    expect(fields[0]?.message.en).toContain('15 MB');
    expect(fields[0]?.message.zh).toContain('15 MB');
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('lets only field staff of the household township or county ask for uploads', async () => {
    givenHousehold();

    expect((await requestUpload(declared, 'chen.caizheng')).status).toBe(403);
    // Another township's inspector: the household does not exist for them.
    expect((await requestUpload(declared, 'xu.zhijian')).status).toBe(404);
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
    expect((await requestUpload(declared, 'zhao.zhijian')).status).toBe(201);
    expect((await requestUpload(declared, 'zhang.minzheng')).status).toBe(201);
  });

  it('answers 404 for an unknown household', async () => {
    ddbMock.on(GetCommand).resolves({});
    expect((await requestUpload(declared)).status).toBe(404);
  });
});

describe('POST /households/{id}/photos/{photoId}/confirm', () => {
  withMocksAtFixedTime(NOW);

  it('verifies the object, reads its EXIF and records the photo confirmed and findable by hash', async () => {
    givenUploaded(IMAGE);

    const result = await confirm(PHOTO_ID);

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      photoId: PHOTO_ID,
      status: 'confirmed',
      capturedAt: '2026-03-01T02:00:00.000Z',
      flags: [],
    });
    const location = result.body.location as { lat: number; lon: number };
    expect(location.lat).toBeCloseTo(houseLocation.lat, 5);
    expect(location.lon).toBeCloseTo(houseLocation.lon, 5);
    expect(result.body.objectKey).toBeUndefined();

    // One transaction: the photo, its audit event and the household at the next version.
    const [written, ...more] = transactions();
    expect(more).toHaveLength(0);
    expect(Object.keys(written ?? {}).sort()).toEqual(['EV#000009', 'HH', `PHOTO#${PHOTO_ID}`]);
    expect(written?.[`PHOTO#${PHOTO_ID}`]?.Item).toMatchObject({
      status: 'confirmed',
      GSI1PK: `SHA#${declared.sha256}`,
      GSI1SK: `${HOUSEHOLD_ID}#${PHOTO_ID}`,
      versionId: 'v1',
      confirmedBy: INSPECTOR,
    });
    expect(written?.[`PHOTO#${PHOTO_ID}`]?.ConditionExpression).toBe('#status = :requested');
    expect(written?.HH?.Item).toMatchObject({ version: 9, lastHash: written?.['EV#000009']?.Item.hash });
    expect(written?.HH?.ConditionExpression).toBe('version = :expected');
    expect(written?.['EV#000009']?.Item).toMatchObject({
      seq: 9,
      type: 'confirm-photo',
      actor: INSPECTOR,
      role: 'inspector',
      fromPhase: 'milestone-inspection',
      toPhase: 'milestone-inspection',
      details: { photoId: PHOTO_ID, kind: 'during', sha256: declared.sha256, flags: [] },
    });
    expect(storedPuts()).toHaveLength(0);
    expect(s3Mock.commandCalls(HeadObjectCommand)[0]?.args[0].input.Key).toBe(OBJECT_KEY);
  });

  it('stores a smaller, upright WebP preview under previews/ and never writes the original', async () => {
    const original = await sidewaysPhoto();
    givenUploaded(original, requestedPhotoItem({ size: original.length, sha256: sha256Hex(original) }));

    const result = await confirm(PHOTO_ID);

    expect(result.status).toBe(200);
    const puts = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts.map((put) => put.Key)).toEqual([`previews/${HOUSEHOLD_ID}/milestone-inspection/${PHOTO_ID}.webp`]);
    expect(puts[0]?.ContentType).toBe('image/webp');
    const preview = puts[0]?.Body as Uint8Array;
    expect(preview.length).toBeLessThan(original.length / 10);
    // Turned by its EXIF orientation: the sideways 2000 x 1500 becomes a 480 x 640 portrait.
    expect(await sharp(preview).metadata()).toMatchObject({ format: 'webp', width: 480, height: 640 });
    const stored = transactions()[0]?.[`PHOTO#${PHOTO_ID}`]?.Item;
    expect(stored?.preview).toEqual({ contentType: 'image/webp', width: 480, height: 640, size: preview.length });
    expect(result.body.preview).toEqual(stored?.preview);
  });

  it('confirms a photo it cannot make a preview of (HEIC) as evidence without a preview', async () => {
    const heic = new Uint8Array([0, 0, 0, 24, ...Buffer.from('ftypheic'), 0, 0, 0, 0, ...Buffer.from('mif1heic')]);
    givenUploaded(
      heic,
      requestedPhotoItem({ size: heic.length, sha256: sha256Hex(heic), contentType: 'image/heic' }),
      [],
      'image/heic',
    );

    const result = await confirm(PHOTO_ID);

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ status: 'confirmed' });
    expect(result.body.preview).toBeUndefined();
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('records nothing when the preview cannot be stored, so a retry of the confirmation makes it again', async () => {
    givenUploaded(IMAGE);
    s3Mock.on(PutObjectCommand).rejects(namedError('ServiceUnavailable'));

    const result = await confirm(PHOTO_ID);

    // S3 was unavailable: a retryable 503 that names no service error.
    expect(result.status).toBe(503);
    expect(result.headers['retry-after']).toBe('1');
    expect(JSON.stringify(result.body)).not.toContain('ServiceUnavailable');
    expect(transactions()).toHaveLength(0);
  });

  it('rereads the household and appends at the next version when another change came first', async () => {
    givenUploaded(IMAGE);
    ddbMock
      .on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'HH' } })
      .resolvesOnce({ Item: householdItem(house) })
      .resolves({ Item: householdItem({ ...house, version: 9 }, 'b'.repeat(64)) });
    ddbMock.on(TransactWriteCommand).rejectsOnce(transactionCanceled(0, 3)).resolves({});

    const result = await confirm(PHOTO_ID);

    expect(result.status).toBe(200);
    const [lost, won] = transactions();
    expect(lost?.['EV#000009']).toBeDefined();
    expect(won?.['EV#000010']?.Item).toMatchObject({ seq: 10, prevHash: 'b'.repeat(64), type: 'confirm-photo' });
    expect(won?.HH?.Item).toMatchObject({ version: 10 });
  });

  it('answers the stored photo, without a second event, when a concurrent confirmation of it won', async () => {
    givenUploaded(IMAGE);
    ddbMock
      .on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: `PHOTO#${PHOTO_ID}` } })
      .resolvesOnce({ Item: requestedPhotoItem() })
      .resolves({ Item: requestedPhotoItem({ status: 'confirmed', flags: ['gps-far'], confirmedBy: 'other' }) });
    ddbMock.on(TransactWriteCommand).rejects(transactionCanceled(2, 3));

    const result = await confirm(PHOTO_ID);

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ status: 'confirmed', flags: ['gps-far'] });
    expect(transactions()).toHaveLength(1);
  });

  it('answers 409, never 500, when the household keeps changing, and refuses an archived one', async () => {
    givenUploaded(IMAGE);
    const busy = namedError('TransactionCanceledException');
    Object.assign(busy, { CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'None' }] });
    ddbMock.on(TransactWriteCommand).rejects(busy);

    const result = await confirm(PHOTO_ID);

    expect(result.status).toBe(409);
    expect((result.body.message as { en: string }).en).toContain('reload and retry');
    // 5 confirmations, each transaction tried 4 times while DynamoDB keeps cancelling it for a conflict.
    expect(transactions()).toHaveLength(20);

    ddbMock.reset();
    givenUploaded(IMAGE);
    ddbMock
      .on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'HH' } })
      .resolves({ Item: householdItem({ ...house, phase: 'archived' }) });
    const archived = await confirm(PHOTO_ID);
    expect(archived.status).toBe(409);
    expect(transactions()).toHaveLength(0);
  });

  it('refuses an object whose SHA-256 differs from the declared one and leaves the photo unconfirmed', async () => {
    // The same size and type, but not the bytes that were declared (a replaced or corrupted upload).
    const other = jpegWithExif({
      dateTimeOriginal: '2026:03:01 10:00:00',
      offsetTimeOriginal: '+08:00',
      gps: houseLocation,
      label: 'unix',
    });
    expect(other.length).toBe(IMAGE.length);
    givenUploaded(other);

    const result = await confirm(PHOTO_ID);

    expect(result.status).toBe(409);
    expect((result.body.message as { en: string }).en).toContain('SHA-256');
    expect((result.body.message as { zh: string }).zh).toContain('SHA-256');
    expect(transactions()).toHaveLength(0);
  });

  it('refuses an object of another size or type, or none at all', async () => {
    givenUploaded(IMAGE);
    s3Mock.on(HeadObjectCommand).resolves({ ContentLength: IMAGE.length + 1, ContentType: 'image/jpeg' });
    expect((await confirm(PHOTO_ID)).status).toBe(409);

    s3Mock.on(HeadObjectCommand).resolves({ ContentLength: IMAGE.length, ContentType: 'image/png' });
    expect((await confirm(PHOTO_ID)).status).toBe(409);

    s3Mock.on(HeadObjectCommand).rejects(namedError('NotFound'));
    const missing = await confirm(PHOTO_ID);
    expect(missing.status).toBe(409);
    expect((missing.body.message as { en: string }).en).toContain('not been uploaded');
    expect(transactions()).toHaveLength(0);
  });

  it('flags the same image used for another household, a far position and a missing capture time', async () => {
    const far = jpegWithExif({ gps: { lat: houseLocation.lat + 0.01, lon: houseLocation.lon } });
    givenUploaded(far, requestedPhotoItem({ size: far.length, sha256: sha256Hex(far) }), [
      { householdId: 'hh-0002', photoId: 'ph-9', step: 'milestone-inspection' },
    ]);

    const result = await confirm(PHOTO_ID);

    expect(result.status).toBe(200);
    expect(result.body.flags).toEqual(['duplicate-image', 'gps-far', 'capture-time-missing']);
    expect(ddbMock.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':pk': `SHA#${sha256Hex(far)}`,
    });
  });

  it('answers a confirmed photo as stored without reading the object again', async () => {
    givenUploaded(IMAGE, requestedPhotoItem({ status: 'confirmed', flags: ['gps-far'] }));

    const result = await confirm(PHOTO_ID);

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ status: 'confirmed', flags: ['gps-far'] });
    expect(s3Mock.commandCalls(HeadObjectCommand)).toHaveLength(0);
    expect(transactions()).toHaveLength(0);
  });

  it('refuses a caller without a field role, and an unknown photo with 404', async () => {
    givenUploaded(IMAGE);
    expect((await confirm(PHOTO_ID, 'chen.caizheng')).status).toBe(403);
    ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'PHOTO#ph-none' } }).resolves({});
    expect((await confirm('ph-none')).status).toBe(404);
    expect(s3Mock.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });
});

describe('inspection and acceptance need confirmed photos of the required kinds', () => {
  const photo = (photoId: string, kind: string, status = 'confirmed') =>
    requestedPhotoItem({ SK: `PHOTO#${photoId}`, photoId, kind, status });

  function act(action: 'inspect' | 'accept', photoIds: string[], extra: Record<string, unknown>[]) {
    const phase = action === 'inspect' ? 'milestone-inspection' : 'final-acceptance';
    const nextInstallment = action === 'inspect' ? 1 : 3;
    givenFile([
      householdItem(household({ phase, version: 8, grade: 'D', approvedSubsidy: 3_500_000, nextInstallment })),
      openTaskItem(phase),
      ...extra,
    ]);
    ddbMock
      .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
      .resolves({ Item: programItem() });
    ddbMock.on(TransactWriteCommand).resolves({});
    ddbMock.on(DeleteCommand).resolves({});
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    return actionsHandler(
      apiEvent({
        method: 'POST',
        path: `/households/${HOUSEHOLD_ID}/actions/${action}`,
        pathParameters: { id: HOUSEHOLD_ID, action },
        body: { ...exampleActionBody(action, 8), photoIds },
        user: INSPECTOR,
      }),
      context,
    ).then((response) => reply(response));
  }

  withMocksAtFixedTime(NOW);

  it('passes an inspection citing a confirmed during photo of the household', async () => {
    const result = await act('inspect', ['ph-d'], [photo('ph-d', 'during')]);
    expect(result.status).toBe(200);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('refuses an inspection citing an unconfirmed, unknown or wrong-kind photo, storing nothing', async () => {
    const unconfirmed = await act('inspect', ['ph-d'], [photo('ph-d', 'during', 'requested')]);
    expect(unconfirmed.status).toBe(400);
    const fields = unconfirmed.body.fields as { path: string; message: { zh: string; en: string } }[];
    expect(fields.map((f) => f.path)).toEqual(['photoIds.0', 'photoIds']);

    expect((await act('inspect', ['ph-elsewhere'], [photo('ph-d', 'during')])).status).toBe(400);
    expect((await act('inspect', ['ph-b'], [photo('ph-b', 'before')])).status).toBe(400);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('accepts only with an after photo and one with the head of household', async () => {
    const photos = [photo('ph-a', 'after'), photo('ph-h', 'after-with-head')];
    const onlyAfter = await act('accept', ['ph-a'], photos);
    expect(onlyAfter.status).toBe(400);
    expect(JSON.stringify(onlyAfter.body.fields)).toContain('after-with-head');
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);

    expect((await act('accept', ['ph-a', 'ph-h'], photos)).status).toBe(200);
  });
});
