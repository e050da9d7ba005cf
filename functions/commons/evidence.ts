/**
 * The evidence bucket: photos, their previews and archive documents. Never log personal data from them.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type LedgerCardPhoto, renderLedgerCard } from '../../domain/ledger-card';
import type { Photo } from '../../domain/model';
import { s3 } from './clients';
import { env } from './env';
import type { HouseholdFile } from './repository';

/**
 * How long a photo link handed to a browser works. Short on purpose: a URL presigned with a
 * Lambda role's temporary credentials stops working when they expire anyway (hours, not days),
 * so links are presigned again on every read instead of being stored.
 */
export const PHOTO_URL_SECONDS = 15 * 60;

/** Presigns without checksums, as the shared client's endpoint settings otherwise. */
const presigner = new S3Client({ forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });

export function ledgerCardKey(householdId: string): string {
  return `archive/${householdId}/ledger-card.json`;
}

export function ledgerCardHtmlKey(householdId: string): string {
  return `archive/${householdId}/ledger-card.html`;
}

/** Where a photo's object lies: the key is chosen by the server when the upload is requested. */
export function photoObjectKey(householdId: string, step: string, photoId: string): string {
  return `photos/${householdId}/${step}/${photoId}`;
}

/** Where a photo's preview lies, next to the original under its own prefix (never the original's key). */
export function previewObjectKey(householdId: string, step: string, photoId: string): string {
  return `previews/${householdId}/${step}/${photoId}.webp`;
}

export async function putPreview(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: env.evidenceBucket, Key: key, Body: bytes, ContentType: contentType }));
}

/** Links to a photo for a browser: `null` until it is confirmed (nothing verified to show), or without a preview. */
export interface PhotoLinks {
  previewUrl: string | null;
  originalUrl: string | null;
}

function presignedGet(key: string): Promise<string> {
  return getSignedUrl(presigner, new GetObjectCommand({ Bucket: env.evidenceBucket, Key: key }), {
    expiresIn: PHOTO_URL_SECONDS,
  });
}

/** Fresh presigned GETs of each photo's original and preview (presigning is local: no request to S3). */
export async function photoLinks(photos: readonly Photo[]): Promise<Map<string, PhotoLinks>> {
  const entries = await Promise.all(
    photos.map(async (photo): Promise<[string, PhotoLinks]> => {
      if (photo.status !== 'confirmed') return [photo.photoId, { previewUrl: null, originalUrl: null }];
      const [originalUrl, previewUrl] = await Promise.all([
        presignedGet(photoObjectKey(photo.householdId, photo.step, photo.photoId)),
        photo.preview ? presignedGet(previewObjectKey(photo.householdId, photo.step, photo.photoId)) : null,
      ]);
      return [photo.photoId, { previewUrl, originalUrl }];
    }),
  );
  return new Map(entries);
}

/** The card's photos (confirmed ones), each with the URL `urlOf` gives it. */
async function ledgerPhotos(
  file: HouseholdFile,
  urlOf: (photo: Photo) => string | Promise<string>,
): Promise<LedgerCardPhoto[]> {
  const confirmed = file.photos.filter((photo) => photo.status === 'confirmed');
  return Promise.all(
    confirmed.map(async (photo) => ({
      photoId: photo.photoId,
      kind: photo.kind,
      step: photo.step,
      flags: photo.flags,
      capturedAt: photo.capturedAt,
      url: await urlOf(photo),
    })),
  );
}

/** The key of the image the card shows: the preview when there is one (a printed photo is 55 mm wide). */
function cardImageKey(photo: Photo): string {
  return photo.preview
    ? previewObjectKey(photo.householdId, photo.step, photo.photoId)
    : photoObjectKey(photo.householdId, photo.step, photo.photoId);
}

async function ledgerCardHtml(
  file: HouseholdFile,
  now: Date,
  urlOf: (photo: Photo) => string | Promise<string>,
  programName?: string,
): Promise<string> {
  return renderLedgerCard({
    household: file.household,
    events: file.events,
    inspections: file.inspections,
    payments: file.payments,
    photos: await ledgerPhotos(file, urlOf),
    generatedAt: now.toISOString(),
    programName,
  });
}

/**
 * The printable ledger card as it is archived, next to the JSON one. Its images point at the
 * objects by relative key (`../../photos/...` from `archive/{id}/`), so the archived page works
 * wherever the bucket's folders are copied together, and never holds a link that expires.
 */
export async function writeLedgerCardHtml(file: HouseholdFile, now: Date, programName?: string): Promise<string> {
  const key = ledgerCardHtmlKey(file.household.householdId);
  const html = await ledgerCardHtml(file, now, (photo) => `../../${cardImageKey(photo)}`, programName);
  await s3.send(
    new PutObjectCommand({
      Bucket: env.evidenceBucket,
      Key: key,
      Body: html,
      ContentType: 'text/html; charset=utf-8',
    }),
  );
  return key;
}

/** The printable ledger card rendered now from the stored file, with freshly presigned photo URLs. */
export function renderLedgerCardNow(file: HouseholdFile, now: Date, programName?: string): Promise<string> {
  return ledgerCardHtml(file, now, (photo) => presignedGet(cardImageKey(photo)), programName);
}

/** The household ledger card (农村危房改造对象台帐卡) as JSON: household, timeline and payments. */
export async function writeLedgerCard(file: HouseholdFile, now: Date): Promise<string> {
  const key = ledgerCardKey(file.household.householdId);
  const card = {
    kind: 'ledger-card',
    generatedAt: now.toISOString(),
    household: file.household,
    events: [...file.events].sort((a, b) => a.seq - b.seq),
    payments: file.payments,
    inspections: file.inspections,
    photos: file.photos.map((photo) => ({
      photoId: photo.photoId,
      step: photo.step,
      kind: photo.kind,
      sha256: photo.sha256,
      // Where the evidence lies in this bucket, so the archived record points at it without a link that expires.
      objectKey: photoObjectKey(photo.householdId, photo.step, photo.photoId),
      ...(photo.preview ? { previewKey: previewObjectKey(photo.householdId, photo.step, photo.photoId) } : {}),
    })),
    lastHash: file.lastHash,
  };
  await s3.send(
    new PutObjectCommand({
      Bucket: env.evidenceBucket,
      Key: key,
      Body: JSON.stringify(card, null, 2),
      ContentType: 'application/json; charset=utf-8',
    }),
  );
  return key;
}
