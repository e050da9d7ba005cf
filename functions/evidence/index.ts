/**
 * The evidence bucket: photos, their previews and archive documents, every S3 request of the functions. Built from
 * an injected client, presigner and bucket name by each handler's composition root. Never log personal data from it.
 */
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Photo, ProgramConfig } from '../../domain/model';
import type { HouseholdFile, StoredPhoto } from '../store';
import { renderLedgerCardNow, writeLedgerCard, writeLedgerCardHtml } from './archive';
import {
  type Bucket,
  type PhotoLinks,
  photoLinks,
  presignUpload,
  putPreview,
  type UploadRequest,
  verifiedPhoto,
} from './photos';
import type { Preview } from './previews';

export interface Evidence {
  /** A presigned PUT for a requested photo, bound to its key, type and size; it cannot replace an existing object. */
  presignUpload(upload: UploadRequest): Promise<string>;
  /** The uploaded object checked against the declaration: its bytes and version, or a ConflictError saying why not. */
  verifiedPhoto(photo: StoredPhoto): Promise<{ bytes: Uint8Array; versionId?: string | undefined }>;
  putPreview(photo: Pick<Photo, 'householdId' | 'step' | 'photoId'>, preview: Preview): Promise<void>;
  /** Fresh presigned GETs of each confirmed photo's original and preview, by photo id. */
  photoLinks(photos: readonly Photo[]): Promise<Map<string, PhotoLinks>>;
  /** Writes the ledger card (JSON) of the file; answers its key. */
  writeLedgerCard(file: HouseholdFile, now: Date): Promise<string>;
  /** Writes the printable ledger card of the file, its photos linked by key; answers its key. */
  writeLedgerCardHtml(file: HouseholdFile, now: Date, program?: ProgramConfig): Promise<string>;
  /** The printable ledger card with freshly presigned photo links. */
  renderLedgerCard(file: HouseholdFile, now: Date, program?: ProgramConfig): Promise<string>;
  /** The bucket answers (the health check). */
  reachable(): Promise<void>;
}

/**
 * `presigner`: a client that adds checksums only when an operation requires them; a default client would bake the
 * CRC32 of an empty body into an upload URL and S3 would refuse the real photo.
 */
export function createEvidence(s3: S3Client, presigner: S3Client, bucketName: string): Evidence {
  const bucket: Bucket = { s3, presigner, name: bucketName };
  return {
    presignUpload: (upload) => presignUpload(bucket, upload),
    verifiedPhoto: (photo) => verifiedPhoto(bucket, photo),
    putPreview: (photo, preview) => putPreview(bucket, photo, preview),
    photoLinks: (photos) => photoLinks(bucket, photos),
    writeLedgerCard: (file, now) => writeLedgerCard(bucket, file, now),
    writeLedgerCardHtml: (file, now, program) => writeLedgerCardHtml(bucket, file, now, program),
    renderLedgerCard: (file, now, program) => renderLedgerCardNow(bucket, file, now, program),
    reachable: async () => {
      await s3.send(new HeadBucketCommand({ Bucket: bucketName }));
    },
  };
}

export { photoObjectKey, previewObjectKey } from './keys';
export type { PhotoLinks, UploadRequest } from './photos';
export { makePreview, type Preview } from './previews';
