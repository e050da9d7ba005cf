/**
 * The household ledger card (农村危房改造对象台帐卡) written to the bucket at archive, as JSON and as a printable page,
 * and the printable page rendered on demand with fresh photo links.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type LedgerCardPhoto, renderLedgerCard } from '../../domain/ledger-card';
import type { Photo, ProgramConfig } from '../../domain/model';
import type { HouseholdFile } from '../store';
import { ledgerCardHtmlKey, ledgerCardKey, photoObjectKey, previewObjectKey } from './keys';
import { type Bucket, presignedGet } from './photos';

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
  program?: ProgramConfig,
): Promise<string> {
  return renderLedgerCard({
    household: file.household,
    events: file.events,
    inspections: file.inspections,
    payments: file.payments,
    photos: await ledgerPhotos(file, urlOf),
    generatedAt: now.toISOString(),
    programName: program?.name,
    program,
  });
}

async function putDocument(bucket: Bucket, key: string, body: string, contentType: string): Promise<string> {
  await bucket.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body, ContentType: contentType }));
  return key;
}

/**
 * The printable ledger card as it is archived, next to the JSON one. Its images point at the objects by relative
 * key (`../../photos/...` from `archive/{id}/`), so the archived page works wherever the bucket's folders are copied
 * together, and never holds a link that expires.
 */
export async function writeLedgerCardHtml(
  bucket: Bucket,
  file: HouseholdFile,
  now: Date,
  program?: ProgramConfig,
): Promise<string> {
  const html = await ledgerCardHtml(file, now, (photo) => `../../${cardImageKey(photo)}`, program);
  return putDocument(bucket, ledgerCardHtmlKey(file.household.householdId), html, 'text/html; charset=utf-8');
}

/** The printable ledger card rendered now from the stored file, with freshly presigned photo URLs. */
export function renderLedgerCardNow(
  bucket: Bucket,
  file: HouseholdFile,
  now: Date,
  program?: ProgramConfig,
): Promise<string> {
  return ledgerCardHtml(file, now, (photo) => presignedGet(bucket, cardImageKey(photo)), program);
}

/** The ledger card as JSON: household, timeline, payments, inspections and where each photo lies. */
export async function writeLedgerCard(bucket: Bucket, file: HouseholdFile, now: Date): Promise<string> {
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
  return putDocument(
    bucket,
    ledgerCardKey(file.household.householdId),
    JSON.stringify(card, null, 2),
    'application/json; charset=utf-8',
  );
}
