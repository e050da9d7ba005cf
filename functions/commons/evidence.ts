/**
 * The evidence bucket: archive documents and (later) photos. Never log personal data from them.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type LedgerCardPhoto, renderLedgerCard } from '../../domain/ledger-card';
import { s3 } from './clients';
import { env } from './env';
import type { HouseholdFile } from './repository';

/** The longest a SigV4 presigned URL may live: the printed card's photos load for a week. */
export const LEDGER_PHOTO_URL_SECONDS = 7 * 24 * 3600;

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

async function ledgerPhotos(file: HouseholdFile): Promise<LedgerCardPhoto[]> {
  const confirmed = file.photos.filter((photo) => photo.status === 'confirmed');
  return Promise.all(
    confirmed.map(async (photo) => ({
      photoId: photo.photoId,
      kind: photo.kind,
      step: photo.step,
      flags: photo.flags,
      capturedAt: photo.capturedAt,
      url: await getSignedUrl(
        presigner,
        new GetObjectCommand({
          Bucket: env.evidenceBucket,
          Key: photoObjectKey(file.household.householdId, photo.step, photo.photoId),
        }),
        { expiresIn: LEDGER_PHOTO_URL_SECONDS },
      ),
    })),
  );
}

/** The printable ledger card (A4 HTML with the photos), next to the JSON one. */
export async function writeLedgerCardHtml(file: HouseholdFile, now: Date, programName?: string): Promise<string> {
  const key = ledgerCardHtmlKey(file.household.householdId);
  const html = renderLedgerCard({
    household: file.household,
    events: file.events,
    inspections: file.inspections,
    payments: file.payments,
    photos: await ledgerPhotos(file),
    generatedAt: now.toISOString(),
    programName,
  });
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

/** The stored printable card, or undefined before the household is archived. */
export async function readLedgerCardHtml(householdId: string): Promise<string | undefined> {
  try {
    const object = await s3.send(
      new GetObjectCommand({ Bucket: env.evidenceBucket, Key: ledgerCardHtmlKey(householdId) }),
    );
    return object.Body ? await object.Body.transformToString('utf-8') : undefined;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound' || status === 404)) {
      return undefined;
    }
    throw error;
  }
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
