/**
 * Photo objects: the presigned PUT of an upload, the check of what was uploaded against what was declared, the
 * preview beside it, and presigned GETs for a browser.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ConflictError } from '../../domain/errors';
import type { Photo } from '../../domain/model';
import { sniffImageType } from '../../domain/rules/evidence';
import type { StoredPhoto } from '../store';
import { photoObjectKey, previewObjectKey } from './keys';
import type { Preview } from './previews';

/**
 * How long a photo link handed to a browser works. Short on purpose: a URL presigned with a Lambda role's temporary
 * credentials stops working when they expire anyway (hours, not days), so links are presigned again on every read
 * instead of being stored.
 */
export const PHOTO_URL_SECONDS = 15 * 60;

/** The S3 side of evidence: the shared client for requests and a presigner that bakes no checksum into URLs. */
export interface Bucket {
  readonly s3: S3Client;
  readonly presigner: S3Client;
  readonly name: string;
}

/** Links to a photo for a browser: `null` until it is confirmed (nothing verified to show), or without a preview. */
export interface PhotoLinks {
  previewUrl: string | null;
  originalUrl: string | null;
}

export interface UploadRequest {
  objectKey: string;
  contentType: string;
  size: number;
  expiresInSeconds: number;
}

function refused(zh: string, en: string): ConflictError {
  return new ConflictError({ zh: `照片未通过核验：${zh}`, en: `The photo was not confirmed: ${en}` });
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'NotFound' || error.name === 'NoSuchKey' || status === 404;
}

export function presignedGet(bucket: Bucket, key: string): Promise<string> {
  return getSignedUrl(bucket.presigner, new GetObjectCommand({ Bucket: bucket.name, Key: key }), {
    expiresIn: PHOTO_URL_SECONDS,
  });
}

/** A PUT bound to the key, type and size, that cannot replace an existing object. */
export function presignUpload(bucket: Bucket, upload: UploadRequest): Promise<string> {
  return getSignedUrl(
    bucket.presigner,
    new PutObjectCommand({
      Bucket: bucket.name,
      Key: upload.objectKey,
      ContentType: upload.contentType,
      ContentLength: upload.size,
      // Evidence is written once: S3 refuses a second PUT to the key (conditional write).
      IfNoneMatch: '*',
    }),
    {
      expiresIn: upload.expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length', 'if-none-match']),
    },
  );
}

/**
 * Checks the uploaded object against the declaration (it exists, has the declared size and type, its bytes are that
 * type of image and hash to the declared SHA-256); returns its bytes and S3 version. A refusal is a ConflictError.
 */
export async function verifiedPhoto(
  bucket: Bucket,
  photo: StoredPhoto,
): Promise<{ bytes: Uint8Array; versionId?: string | undefined }> {
  let head: { ContentLength?: number | undefined; ContentType?: string | undefined; ETag?: string | undefined };
  try {
    head = await bucket.s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: photo.objectKey }));
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
  const object = await bucket.s3.send(
    new GetObjectCommand({ Bucket: bucket.name, Key: photo.objectKey, IfMatch: head.ETag }),
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

export async function putPreview(
  bucket: Bucket,
  photo: Pick<Photo, 'householdId' | 'step' | 'photoId'>,
  preview: Preview,
): Promise<void> {
  await bucket.s3.send(
    new PutObjectCommand({
      Bucket: bucket.name,
      Key: previewObjectKey(photo.householdId, photo.step, photo.photoId),
      Body: preview.bytes,
      ContentType: preview.contentType,
    }),
  );
}

/** Fresh presigned GETs of each photo's original and preview (presigning is local: no request to S3). */
export async function photoLinks(bucket: Bucket, photos: readonly Photo[]): Promise<Map<string, PhotoLinks>> {
  const entries = await Promise.all(
    photos.map(async (photo): Promise<[string, PhotoLinks]> => {
      if (photo.status !== 'confirmed') return [photo.photoId, { previewUrl: null, originalUrl: null }];
      const [originalUrl, previewUrl] = await Promise.all([
        presignedGet(bucket, photoObjectKey(photo.householdId, photo.step, photo.photoId)),
        photo.preview ? presignedGet(bucket, previewObjectKey(photo.householdId, photo.step, photo.photoId)) : null,
      ]);
      return [photo.photoId, { previewUrl, originalUrl }];
    }),
  );
  return new Map(entries);
}
