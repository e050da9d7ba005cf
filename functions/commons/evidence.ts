/**
 * The evidence bucket: archive documents and (later) photos. Never log personal data from them.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from './clients';
import { env } from './env';
import type { HouseholdFile } from './repository';

export function ledgerCardKey(householdId: string): string {
  return `archive/${householdId}/ledger-card.json`;
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
