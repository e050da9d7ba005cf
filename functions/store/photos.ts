/**
 * Photo evidence records (`PHOTO#{id}` under each household): requested when the upload is signed, confirmed with
 * what the server verified as part of a household change (households.ts), and found by content hash.
 */
import type { Photo } from '../../domain/model';
import { keys, photoHashPartition, photoItem, storedPhotoOf } from './items';
import type { StoredPhoto } from './records';
import { ABSENT, type Table } from './table';

export interface PhotoStore {
  /** Records a requested photo; the id is new, so an existing item means a bug, not a retry. */
  putRequested(photo: StoredPhoto & { status: 'requested' }): Promise<void>;
  get(householdId: string, photoId: string): Promise<StoredPhoto | undefined>;
  /** Confirmed photos with this SHA-256, any household. */
  withHash(sha256: string): Promise<Pick<Photo, 'householdId' | 'photoId' | 'step'>[]>;
}

export function dynamoPhotoStore(table: Table): PhotoStore {
  return {
    async putRequested(photo) {
      await table.put({ Item: photoItem(photo), ...ABSENT });
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
  };
}
