/**
 * Photo evidence through direct uploads to S3.
 *
 * Requesting an upload (`POST /households/{id}/photos`):
 * 1. check the declared photo: step, kind, an image type, a size within the limit, its SHA-256;
 * 2. load the household and check the caller may gather evidence for it (inspector, construction
 *    or civil-affairs staff of its township or county);
 * 3. choose the photo id and the object key (`photos/{household}/{step}/{photo}`) on the server,
 *    record the photo as `requested`, and sign a PUT bound to that key, type and size, valid for
 *    15 minutes, that cannot replace an existing object.
 *
 * Confirming it (`POST /households/{id}/photos/{photoId}/confirm`):
 * 1. load the photo (a confirmed one is answered as it is: confirming twice changes nothing);
 * 2. check the stored object: it exists, has the declared size and type, its bytes are that type
 *    of image and hash to the declared SHA-256; otherwise refuse and leave the photo unconfirmed;
 * 3. read the capture time and GPS position from its EXIF;
 * 4. make a downscaled preview for the console (stored under `previews/`, never over the
 *    original); a photo sharp cannot decode is still evidence, only without a preview;
 * 5. flag what deserves a second look (same image elsewhere, far from the house, no or future
 *    capture time, works photographed before the agreement) and record the photo as `confirmed`
 *    with these facts, together with a `confirm-photo` event on the household's audit trail (one
 *    transaction, conditioned on the household's version). When another change of the household
 *    came first, read it again and retry; when another confirmation of this photo came first,
 *    answer the stored photo.
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import exifr from 'exifr';
import { PhotoRequestBody } from '../../contract/requests';
import type { PhotoUpload, PhotoView } from '../../contract/views';
import { ConflictError, ForbiddenError, NotFoundError, parseOrThrow } from '../../domain/errors';
import { type Actor, type Household, type Photo, type Role, TERMINAL_PHASES } from '../../domain/model';
import { canActInJurisdiction, householdNotFound, isVisibleTo } from '../../domain/rules/access';
import { sealEvent } from '../../domain/rules/audit';
import {
  DEFAULT_MAX_PHOTO_DISTANCE_M,
  evidenceFlags,
  exifCaptureTime,
  type LatLon,
  sniffImageType,
} from '../../domain/rules/evidence';
import { s3 } from '../commons/clients';
import { env } from '../commons/env';
import { photoObjectKey, previewObjectKey, putPreview } from '../commons/evidence';
import { logger } from '../commons/logger';
import { makePreview, type Preview } from '../commons/previews';
import {
  commitHouseholdChange,
  confirmedPhotoPut,
  getHouseholdRecord,
  getPhoto,
  type HouseholdRecord,
  photosWithHash,
  putRequestedPhoto,
  type StoredPhoto,
} from '../commons/repository';

export const UPLOAD_EXPIRES_SECONDS = 900;

/** Roles that take photos in the field. */
export const PHOTO_ROLES = ['inspector', 'construction', 'civil-affairs'] as const;

/**
 * The distance beyond which a photo is flagged `gps-far`; optional, read once like the other
 * configuration (functions/commons/env.ts holds the required variables).
 */
const maxDistanceM = (() => {
  const raw = process.env.PHOTO_MAX_DISTANCE_M;
  const value = raw === undefined || raw.trim() === '' ? DEFAULT_MAX_PHOTO_DISTANCE_M : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`PHOTO_MAX_DISTANCE_M must be a positive number`);
  return value;
})();

/**
 * Presigns with checksums only when required: a default client would bake the CRC32 of an empty
 * body into the URL and S3 would refuse the real photo. Same endpoint settings as the shared client.
 */
const presigner = new S3Client({ forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });

function view(photo: StoredPhoto): PhotoView {
  const { objectKey: _key, requestedBy: _by, versionId: _version, confirmedBy: _confirmer, ...shown } = photo;
  return shown;
}

/** Checks the caller may gather evidence for the household; returns the role it acts in. */
function authorize(actor: Actor, household: Household): Role {
  const held = PHOTO_ROLES.find((role) => actor.roles.includes(role));
  if (!held) {
    throw new ForbiddenError({
      zh: `上传照片需要以下角色之一：${PHOTO_ROLES.join('、')}`,
      en: `Photos are taken by one of the roles ${PHOTO_ROLES.join(', ')}`,
    });
  }
  const access = canActInJurisdiction(actor, { role: held, level: 'township' }, household);
  if (!access.ok) throw access.error;
  return held;
}

/** The household as the caller may see it: outside its reach it answers as if it did not exist. */
async function loadRecord(actor: Actor, householdId: string): Promise<HouseholdRecord> {
  const record = await getHouseholdRecord(householdId);
  if (!record || !isVisibleTo(actor, record.household)) throw householdNotFound(householdId);
  return record;
}

async function loadHousehold(actor: Actor, householdId: string): Promise<Household> {
  return (await loadRecord(actor, householdId)).household;
}

function closedFile(household: Household): ConflictError {
  return new ConflictError({
    zh: '该户档案已归档或已驳回，不能再补充照片',
    en: `The household file is ${household.phase}; no more photos are taken for it`,
  });
}

export async function requestPhotoUpload(
  actor: Actor,
  householdId: string,
  rawBody: unknown,
  now: Date = new Date(),
): Promise<PhotoUpload> {
  const body = parseOrThrow(PhotoRequestBody, rawBody);
  const household = await loadHousehold(actor, householdId);
  authorize(actor, household);
  if (TERMINAL_PHASES.includes(household.phase)) throw closedFile(household);

  const photoId = `ph-${randomUUID()}`;
  const objectKey = photoObjectKey(householdId, body.step, photoId);
  await putRequestedPhoto({
    householdId,
    photoId,
    step: body.step,
    kind: body.kind,
    contentType: body.contentType,
    size: body.size,
    sha256: body.sha256,
    status: 'requested',
    flags: [],
    objectKey,
    requestedBy: actor.username,
    requestedAt: now.toISOString(),
  });

  const url = await getSignedUrl(
    presigner,
    new PutObjectCommand({
      Bucket: env.evidenceBucket,
      Key: objectKey,
      ContentType: body.contentType,
      ContentLength: body.size,
      // Evidence is written once: S3 refuses a second PUT to the key (conditional write).
      IfNoneMatch: '*',
    }),
    {
      expiresIn: UPLOAD_EXPIRES_SECONDS,
      signableHeaders: new Set(['content-type', 'content-length', 'if-none-match']),
    },
  );
  logger.info('photo upload requested', { householdId, photoId, step: body.step, kind: body.kind });
  return {
    photoId,
    upload: {
      url,
      method: 'PUT',
      // Browsers set Content-Length from the body themselves; it is signed, so the body must have the declared size.
      headers: { 'content-type': body.contentType, 'if-none-match': '*' },
      expiresAt: new Date(now.getTime() + UPLOAD_EXPIRES_SECONDS * 1000).toISOString(),
    },
  };
}

function refused(zh: string, en: string): ConflictError {
  return new ConflictError({ zh: `照片未通过核验：${zh}`, en: `The photo was not confirmed: ${en}` });
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'NotFound' || error.name === 'NoSuchKey' || status === 404;
}

interface ExifFacts {
  capturedAt?: string | undefined;
  location?: LatLon | undefined;
}

async function readExif(bytes: Uint8Array): Promise<ExifFacts> {
  try {
    // Raw values: the capture time is interpreted with its offset here, not in the server's zone.
    const tags: unknown = await exifr.parse(bytes, {
      tiff: true,
      exif: true,
      gps: true,
      reviveValues: false,
      translateValues: false,
    });
    if (typeof tags !== 'object' || tags === null) return {};
    const t = tags as Record<string, unknown>;
    const capturedAt = exifCaptureTime(t.DateTimeOriginal ?? t.CreateDate, t.OffsetTimeOriginal ?? t.OffsetTime);
    const { latitude, longitude } = t;
    const location =
      typeof latitude === 'number' &&
      typeof longitude === 'number' &&
      Number.isFinite(latitude) &&
      Number.isFinite(longitude) &&
      Math.abs(latitude) <= 90 &&
      Math.abs(longitude) <= 180 &&
      !(latitude === 0 && longitude === 0)
        ? { lat: latitude, lon: longitude }
        : undefined;
    return { capturedAt, location };
  } catch (error) {
    // A photo without readable EXIF is still evidence; the missing facts show as flags.
    logger.info('no readable EXIF', { error: error instanceof Error ? error.message : String(error) });
    return {};
  }
}

/** Checks the uploaded object against the declaration; returns its bytes and S3 version. */
async function verifyObject(photo: StoredPhoto): Promise<{ bytes: Uint8Array; versionId?: string | undefined }> {
  let head: { ContentLength?: number | undefined; ContentType?: string | undefined; ETag?: string | undefined };
  try {
    head = await s3.send(new HeadObjectCommand({ Bucket: env.evidenceBucket, Key: photo.objectKey }));
  } catch (error) {
    if (isNotFound(error)) {
      throw new ConflictError(
        { zh: '照片尚未上传，请先上传再确认', en: 'The photo has not been uploaded yet; upload it, then confirm' },
        { cause: error },
      );
    }
    throw error;
  }
  if (head.ContentLength !== photo.size) {
    throw refused(
      `文件大小 ${head.ContentLength ?? '?'} 字节与申报的 ${photo.size} 字节不符，请重新申请上传`,
      `its size ${head.ContentLength ?? '?'} bytes differs from the declared ${photo.size}; request a new upload`,
    );
  }
  const storedType = (head.ContentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (storedType !== photo.contentType) {
    throw refused(
      `文件类型 ${storedType || '?'} 与申报的 ${photo.contentType} 不符，请重新申请上传`,
      `its type ${storedType || '?'} differs from the declared ${photo.contentType}; request a new upload`,
    );
  }
  const object = await s3.send(
    new GetObjectCommand({ Bucket: env.evidenceBucket, Key: photo.objectKey, IfMatch: head.ETag }),
  );
  const bytes = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== photo.sha256) {
    throw refused(
      '文件内容的 SHA-256 与申报值不符（文件可能被替换或损坏），请重新申请上传',
      'the SHA-256 of its content differs from the declared one (replaced or corrupted); request a new upload',
    );
  }
  if (sniffImageType(bytes) !== photo.contentType) {
    throw refused(
      `文件内容不是 ${photo.contentType} 图片`,
      `its content is not a ${photo.contentType} image; request a new upload`,
    );
  }
  return { bytes, versionId: object.VersionId };
}

/**
 * Makes and stores the preview. A photo sharp cannot decode (HEIC from an iPhone) stays evidence
 * without one (`previewUrl: null`); a failure to store it is not the photo's fault and fails the
 * confirmation before anything is recorded, so the phone's retry makes it again.
 */
async function storePreview(photo: StoredPhoto, bytes: Uint8Array): Promise<Photo['preview']> {
  let preview: Preview;
  try {
    preview = await makePreview(bytes);
  } catch (error) {
    logger.warn('no preview for the photo', {
      householdId: photo.householdId,
      photoId: photo.photoId,
      contentType: photo.contentType,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
  await putPreview(previewObjectKey(photo.householdId, photo.step, photo.photoId), preview.bytes, preview.contentType);
  return { contentType: preview.contentType, width: preview.width, height: preview.height, size: preview.bytes.length };
}

/** Attempts at appending the confirmation when other changes of the household keep coming first. */
const CONFIRM_ATTEMPTS = 5;

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, attempt * (20 + Math.random() * 40)));
}

export async function confirmPhoto(
  actor: Actor,
  householdId: string,
  photoId: string,
  now: Date = new Date(),
): Promise<PhotoView> {
  let record = await loadRecord(actor, householdId);
  const role = authorize(actor, record.household);
  const photo = await getPhoto(householdId, photoId);
  if (!photo) {
    throw new NotFoundError({ zh: `该户没有照片 ${photoId}`, en: `Household ${householdId} has no photo ${photoId}` });
  }
  if (photo.status === 'confirmed') return view(photo);
  if (TERMINAL_PHASES.includes(record.household.phase)) throw closedFile(record.household);

  const { bytes, versionId } = await verifyObject(photo);
  const exif = await readExif(bytes);
  const preview = await storePreview(photo, bytes);
  const sameHash = await photosWithHash(photo.sha256);
  const at = now.toISOString();

  for (let attempt = 1; ; attempt++) {
    const { household } = record;
    if (TERMINAL_PHASES.includes(household.phase)) throw closedFile(household);
    const flags = evidenceFlags(
      { householdId, photoId, step: photo.step, kind: photo.kind, sha256: photo.sha256, ...exif },
      {
        houseLocation: household.house.location,
        agreementSignedOn: household.agreementSignedOn,
        sameHash,
        now: at,
        maxDistanceM,
      },
    );
    const confirmed: StoredPhoto & { status: 'confirmed' } = {
      ...photo,
      status: 'confirmed',
      capturedAt: exif.capturedAt,
      location: exif.location,
      flags,
      confirmedBy: actor.username,
      confirmedAt: at,
      versionId,
      preview,
    };
    const version = household.version + 1;
    const event = sealEvent(
      { hash: record.lastHash },
      {
        householdId,
        seq: version,
        at,
        actor: actor.username,
        role,
        type: 'confirm-photo',
        fromPhase: household.phase,
        toPhase: household.phase,
        details: {
          photoId,
          step: photo.step,
          kind: photo.kind,
          sha256: photo.sha256,
          flags,
          ...(exif.capturedAt ? { capturedAt: exif.capturedAt } : {}),
        },
      },
    );
    try {
      await commitHouseholdChange({
        record: { household: { ...household, version, updatedAt: at }, lastHash: event.hash },
        expectedVersion: household.version,
        // The household as read: the progress counters need no second read (a confirmation moves none).
        previous: household,
        event,
        extra: [confirmedPhotoPut(confirmed)],
      });
      logger.info('photo confirmed', { householdId, photoId, flags, version });
      return view(confirmed);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const stored = await getPhoto(householdId, photoId);
      if (stored?.status === 'confirmed') return view(stored);
      if (attempt >= CONFIRM_ATTEMPTS) throw error;
      await pause(attempt);
      record = await loadRecord(actor, householdId);
    }
  }
}
