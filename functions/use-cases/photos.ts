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
import { randomUUID } from 'node:crypto';
import exifr from 'exifr';
import { PhotoRequestBody } from '../../contract/requests';
import type { PhotoUpload, PhotoView } from '../../contract/views';
import { ConflictError, ForbiddenError, NotFoundError, parseOrThrow } from '../../domain/errors';
import { ROLE_TITLES } from '../../domain/labels';
import {
  type Actor,
  type Household,
  type Photo,
  type ProgramConfig,
  type RaisedFlag,
  type Role,
  TERMINAL_PHASES,
} from '../../domain/model';
import { canActInJurisdiction } from '../../domain/rules/access';
import { auditedChange } from '../../domain/rules/audit';
import { type EvidenceFlag, evidenceFlags, exifCaptureTime, type LatLon } from '../../domain/rules/evidence';
import { mergeFlags } from '../../domain/rules/flags';
import { findNearCopies, type NearCopyFindings, type PhotoHashes } from '../../domain/rules/near-copy';
import { logger } from '../config/logger';
import { type Evidence, makePreview, type Preview, photoObjectKey } from '../evidence';
import type { RecordWrite, Store, StoredPhoto } from '../store';
import type { Dependencies } from './dependencies';
import { readableRecord, visibleRecord } from './read-households';
import { pauseBeforeRetry } from './retry';

export const UPLOAD_EXPIRES_SECONDS = 900;

/** Roles that take photos in the field. */
export const PHOTO_ROLES = ['inspector', 'construction', 'civil-affairs'] as const;

function view(photo: StoredPhoto): PhotoView {
  const { objectKey: _key, requestedBy: _by, versionId: _version, confirmedBy: _confirmer, ...shown } = photo;
  return shown;
}

/** Checks the caller may gather evidence for the household; returns the role it acts in. */
function authorize(actor: Actor, household: Household): Role {
  const held = PHOTO_ROLES.find((role) => actor.roles.includes(role));
  if (!held) {
    throw new ForbiddenError({
      zh: `上传照片需要以下岗位之一：${PHOTO_ROLES.map((role) => ROLE_TITLES[role].zh).join('、')}`,
      en: `Photos are taken by ${PHOTO_ROLES.map((role) => ROLE_TITLES[role].en).join(', ')} staff`,
    });
  }
  const access = canActInJurisdiction(actor, { role: held, level: 'township' }, household);
  if (!access.ok) throw access.error;
  return held;
}

function closedFile(household: Household): ConflictError {
  return new ConflictError({
    zh: '该户档案已归档或已驳回，不能再补充照片',
    en: `The household file is ${household.phase}; no more photos are taken for it`,
  });
}

export async function requestPhotoUpload(
  { store, evidence }: Pick<Dependencies, 'store' | 'evidence'>,
  actor: Actor,
  householdId: string,
  rawBody: unknown,
  now: Date = new Date(),
): Promise<PhotoUpload> {
  const body = parseOrThrow(PhotoRequestBody, rawBody);
  const { household } = await readableRecord(store, actor, householdId);
  authorize(actor, household);
  if (TERMINAL_PHASES.includes(household.phase)) throw closedFile(household);

  const photoId = `ph-${randomUUID()}`;
  const objectKey = photoObjectKey(householdId, body.step, photoId);
  await store.photos.putRequested({
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

  logger.info('photo upload requested', { householdId, photoId, step: body.step, kind: body.kind });
  return uploadOf(evidence, { photoId, objectKey, contentType: body.contentType, size: body.size }, now);
}

/**
 * The upload of a requested photo signed again (a replay of its request under the same Idempotency-Key): the same
 * photo id and object, a URL valid from now. Only whoever may add photos to the household gets one.
 */
export async function resignPhotoUpload(
  { store, evidence }: Pick<Dependencies, 'store' | 'evidence'>,
  actor: Actor,
  householdId: string,
  photoId: string,
  now: Date = new Date(),
): Promise<PhotoUpload> {
  const { household } = await readableRecord(store, actor, householdId);
  authorize(actor, household);
  const photo = await store.photos.get(householdId, photoId);
  if (!photo) throw new NotFoundError({ zh: `照片 ${photoId} 不存在`, en: `There is no photo ${photoId}` });
  return uploadOf(evidence, photo, now);
}

/** A presigned PUT of the photo's object (an upload asked for, or the same asked again under its key). */
export async function uploadOf(
  evidence: Evidence,
  photo: Pick<StoredPhoto, 'photoId' | 'objectKey' | 'contentType' | 'size'>,
  now: Date,
): Promise<PhotoUpload> {
  const url = await evidence.presignUpload({
    objectKey: photo.objectKey,
    contentType: photo.contentType,
    size: photo.size,
    expiresInSeconds: UPLOAD_EXPIRES_SECONDS,
  });
  return {
    photoId: photo.photoId,
    upload: {
      url,
      method: 'PUT',
      // Browsers set Content-Length from the body themselves; it is signed, so the body must have the declared size.
      headers: { 'content-type': photo.contentType, 'if-none-match': '*' },
      expiresAt: new Date(now.getTime() + UPLOAD_EXPIRES_SECONDS * 1000).toISOString(),
    },
  };
}

interface ExifFacts {
  capturedAt?: string | undefined;
  location?: LatLon | undefined;
}

export async function readExif(bytes: Uint8Array): Promise<ExifFacts> {
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

/**
 * Makes and stores the preview. A photo sharp cannot decode (HEIC from an iPhone) stays evidence
 * without one (`previewUrl: null`); a failure to store it is not the photo's fault and fails the
 * confirmation before anything is recorded, so the phone's retry makes it again.
 */
export async function storePreview(
  evidence: Evidence,
  photo: StoredPhoto,
  bytes: Uint8Array,
): Promise<Photo['preview']> {
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
  await evidence.putPreview(photo, preview);
  return { contentType: preview.contentType, width: preview.width, height: preview.height, size: preview.bytes.length };
}

/**
 * The photo's perceptual hashes for the near-copy search; none for a picture sharp cannot decode (HEVC-coded HEIC)
 * or one without structure: it stays evidence, only unsearchable by likeness.
 */
async function perceptualHashes(
  photoHashes: PhotoHasher,
  photo: StoredPhoto,
  bytes: Uint8Array,
): Promise<PhotoHashes | undefined> {
  try {
    return await photoHashes(bytes);
  } catch (error) {
    logger.info('no perceptual hash for the photo', {
      householdId: photo.householdId,
      photoId: photo.photoId,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

/** The recorded centre of the household's village, judged against when the house has no position. */
function villageLocationOf(program: ProgramConfig | undefined, villageCode: string): LatLon | undefined {
  for (const township of program?.townships ?? []) {
    const village = township.villages.find((v) => v.code === villageCode);
    if (village) return village.location;
  }
  return undefined;
}

/** A photo flag as the file keeps it, with the households a reuse points to. */
function raisedPhotoFlag(
  kind: EvidenceFlag,
  photo: StoredPhoto,
  by: string,
  at: string,
  sameHash: readonly Pick<Photo, 'householdId' | 'photoId' | 'step'>[],
  nearCopies: NearCopyFindings | undefined,
): RaisedFlag {
  const base: RaisedFlag = { kind, subject: 'photo', ref: photo.photoId, raisedBy: by, raisedAt: at };
  const matches =
    kind === 'duplicate-image'
      ? sameHash.filter((other) => other.photoId !== photo.photoId).map((o) => ({ ...o, distance: 0 }))
      : kind === 'near-duplicate-image'
        ? (nearCopies?.otherHouseholds ?? [])
        : kind === 'near-duplicate-stage'
          ? (nearCopies?.otherSteps ?? [])
          : [];
  if (matches.length === 0) return base;
  const listed = matches.slice(0, 5);
  return {
    ...base,
    related: [...new Set(matches.map((m) => m.householdId))],
    note: {
      zh: `相似照片：${listed.map((m) => `农户 ${m.householdId} 的 ${m.photoId}（${m.step}，相差 ${m.distance} 位）`).join('；')}`,
      en: `Similar: ${listed.map((m) => `${m.photoId} of ${m.householdId} (${m.step}, ${m.distance} bits apart)`).join('; ')}`,
    },
  };
}

/** What the uploaded object proves: its verified bytes and version, its EXIF facts, its stored preview, and the photos of the same bytes. */
export async function uploadedFacts(
  { store, evidence }: Pick<Dependencies, 'store' | 'evidence'>,
  photo: StoredPhoto,
): Promise<UploadedFacts> {
  const { bytes, versionId } = await evidence.verifiedPhoto(photo);
  const exif = await readExif(bytes);
  const preview = await storePreview(evidence, photo, bytes);
  const sameHash = await store.photos.withHash(photo.sha256);
  return { bytes, versionId, exif, preview, sameHash };
}

export interface UploadedFacts {
  readonly bytes: Uint8Array;
  readonly versionId: string | undefined;
  readonly exif: ExifFacts;
  readonly preview: Awaited<ReturnType<typeof storePreview>>;
  readonly sameHash: Awaited<ReturnType<Store['photos']['withHash']>>;
}

/** The photo as its confirmation stores it: the facts its upload proved, its flags, who confirmed it and when. */
export function confirmedRecord(
  photo: StoredPhoto,
  { exif, versionId, preview }: UploadedFacts,
  flags: StoredPhoto['flags'],
  confirmedBy: string,
  at: string,
  phash?: PhotoHashes,
): StoredPhoto & { status: 'confirmed' } {
  return {
    ...photo,
    status: 'confirmed',
    capturedAt: exif.capturedAt,
    location: exif.location,
    flags,
    confirmedBy,
    confirmedAt: at,
    versionId,
    preview,
    ...(phash ? { phash: { full: phash.full, crops: [...phash.crops] } } : {}),
  };
}

/** Attempts at appending the confirmation when other changes of the household keep coming first. */
const CONFIRM_ATTEMPTS = 5;

/**
 * The perceptual hashing (functions/evidence/perceptual-hash.ts), passed in by the photo function: it needs sharp,
 * which only the functions with the sharp layer bundle, and this module is also read by every function that
 * replays a photo upload.
 */
export type PhotoHasher = (bytes: Uint8Array) => Promise<PhotoHashes | undefined>;

export async function confirmPhoto(
  {
    store,
    evidence,
    photoMaxDistanceM,
    photoHashes,
  }: Pick<Dependencies, 'store' | 'evidence' | 'photoMaxDistanceM'> & { photoHashes: PhotoHasher },
  actor: Actor,
  householdId: string,
  photoId: string,
  now: Date = new Date(),
): Promise<PhotoView> {
  // One request for both: they share the household's partition.
  const found = await store.households.recordAndPhoto(householdId, photoId);
  let record = visibleRecord(actor, householdId, found.record);
  const role = authorize(actor, record.household);
  const { photo } = found;
  if (!photo) {
    throw new NotFoundError({ zh: `该户没有照片 ${photoId}`, en: `Household ${householdId} has no photo ${photoId}` });
  }
  if (photo.status === 'confirmed') return view(photo);
  if (TERMINAL_PHASES.includes(record.household.phase)) throw closedFile(record.household);

  const facts = await uploadedFacts({ store, evidence }, photo);
  const { bytes, exif, sameHash } = facts;
  const phash = await perceptualHashes(photoHashes, photo, bytes);
  const { county } = record.household;
  const nearCopies = phash
    ? findNearCopies(
        { householdId, photoId, step: photo.step, hashes: phash },
        await store.photos.nearCopyCandidates(county, phash),
      )
    : undefined;
  const program = await store.programs.get(record.household.programId);
  const at = now.toISOString();

  for (let attempt = 1; ; attempt++) {
    const { household } = record;
    if (TERMINAL_PHASES.includes(household.phase)) throw closedFile(household);
    const flags = evidenceFlags(
      { householdId, photoId, step: photo.step, kind: photo.kind, sha256: photo.sha256, ...exif },
      {
        houseLocation: household.house.location,
        villageLocation: villageLocationOf(program, household.villageCode),
        agreementSignedOn: household.agreementSignedOn,
        sameHash,
        nearCopies,
        now: at,
        maxDistanceM: photoMaxDistanceM,
      },
    );
    const confirmed = confirmedRecord(photo, facts, flags, actor.username, at, phash);
    const raised = flags.map((flag) => raisedPhotoFlag(flag, confirmed, actor.username, at, sameHash, nearCopies));
    const { after, event } = auditedChange(record, {
      at,
      actor: actor.username,
      role,
      type: 'confirm-photo',
      // The photo's flags go on the file too, so lists, queues and reports show them and a step citing it is held.
      ...(raised.length > 0 ? { changes: { flags: mergeFlags(household.flags ?? [], raised) } } : {}),
      details: {
        photoId,
        step: photo.step,
        kind: photo.kind,
        sha256: photo.sha256,
        flags,
        ...(exif.capturedAt ? { capturedAt: exif.capturedAt } : {}),
      },
    });
    try {
      await store.households.commit({
        before: household,
        after,
        event,
        records: [
          { kind: 'photo-confirmed', photo: confirmed },
          ...(confirmed.phash
            ? [
                {
                  kind: 'near-copy-indexed' as const,
                  county,
                  photo: { householdId, photoId, step: photo.step, phash: confirmed.phash },
                },
              ]
            : []),
        ] satisfies RecordWrite[],
      });
      logger.info('photo confirmed', { householdId, photoId, flags, version: after.version });
      return view(confirmed);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const stored = await store.photos.get(householdId, photoId);
      if (stored?.status === 'confirmed') return view(stored);
      if (attempt >= CONFIRM_ATTEMPTS) throw error;
      await pauseBeforeRetry(attempt);
      record = await readableRecord(store, actor, householdId);
    }
  }
}
