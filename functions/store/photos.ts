/**
 * Photo evidence records (`PHOTO#{id}` under each household): requested when the upload is signed, confirmed with
 * what the server verified as part of a household change (households.ts), and found by content hash.
 */
import type { Photo } from '../../domain/model';
import { type HashedPhoto, isPhash, type PhotoHashes, phashBands } from '../../domain/rules/near-copy';
import { keys, nearCopyIndex, photoHashPartition, photoItem, storedPhotoOf } from './items';
import type { StoredPhoto } from './records';
import type { Table } from './table';

export interface PhotoStore {
  /** Records a requested photo; the id is new, so an existing item means a bug, not a retry. */
  putRequested(photo: StoredPhoto & { status: 'requested' }): Promise<void>;
  get(householdId: string, photoId: string): Promise<StoredPhoto | undefined>;
  /** Confirmed photos with this SHA-256, any household. */
  withHash(sha256: string): Promise<Pick<Photo, 'householdId' | 'photoId' | 'step'>[]>;
  /**
   * Confirmed photos of the county sharing a band with `hashes` (the whole frame against every stored hash, the
   * central crops against stored whole frames): the candidates the near-copy rule then measures. 24 Queries.
   */
  nearCopyCandidates(county: string, hashes: PhotoHashes): Promise<HashedPhoto[]>;
}

function hashedPhotoOf(item: Record<string, unknown>): HashedPhoto | undefined {
  const phash = item.phash as { full?: unknown; crops?: unknown } | undefined;
  if (!phash || !isPhash(phash.full) || !Array.isArray(phash.crops) || !phash.crops.every(isPhash)) return undefined;
  return {
    householdId: String(item.householdId),
    photoId: String(item.photoId),
    step: String(item.step),
    hashes: { full: phash.full, crops: phash.crops },
  };
}

export function dynamoPhotoStore(table: Table): PhotoStore {
  return {
    async putRequested(photo) {
      // The photo id is new: another item under it would be a bug, never a race.
      if (!(await table.putNew(photoItem(photo)))) throw new Error(`photo ${photo.photoId} exists already`);
    },

    get: (householdId, photoId) => table.find(keys.photo(householdId, photoId), storedPhotoOf),

    async withHash(sha256) {
      const items = await table.queryAll({
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': photoHashPartition(sha256) },
      });
      return items.map((item) => ({
        householdId: String(item.householdId),
        photoId: String(item.photoId),
        step: String(item.step),
      }));
    },

    async nearCopyCandidates(county, hashes) {
      const probes = [
        ...phashBands(hashes.full).map((band) => ({ band, wholeFramesOnly: false })),
        ...hashes.crops.flatMap((crop) => phashBands(crop).map((band) => ({ band, wholeFramesOnly: true }))),
      ];
      const pages = await Promise.all(
        probes.map(({ band, wholeFramesOnly }) =>
          table.queryAll({
            KeyConditionExpression: wholeFramesOnly ? 'PK = :band AND begins_with(SK, :whole)' : 'PK = :band',
            ExpressionAttributeValues: {
              ':band': nearCopyIndex.partition(county, band),
              ...(wholeFramesOnly ? { ':whole': 'F#' } : {}),
            },
          }),
        ),
      );
      const found = new Map<string, HashedPhoto>();
      for (const item of pages.flat()) {
        const photo = hashedPhotoOf(item);
        if (photo) found.set(`${photo.householdId}#${photo.photoId}`, photo);
      }
      return [...found.values()];
    },
  };
}
