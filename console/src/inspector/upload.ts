/**
 * A photo from the phone straight to S3 (docs/design.md, evidence): hash it in the browser, ask the
 * API for a presigned PUT bound to that hash, size and type, send the bytes with progress, retry a
 * dropped connection with backoff (villages have weak networks), then ask the API to verify it.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { ApiError, postJson } from '../api/client';
import type { PhotoKind, PhotoUpload, RecordedPhoto } from '../api/types';

export type UploadState =
  | { stage: 'hashing' }
  | { stage: 'uploading'; percent: number }
  | { stage: 'retrying'; attempt: number; seconds: number }
  | { stage: 'confirming' }
  | { stage: 'done'; photo: RecordedPhoto }
  | { stage: 'failed'; error: unknown };

export const MAX_ATTEMPTS = 5;
const BACKOFF_MS = [1000, 2000, 4000, 8000];

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** SHA-256 with WebCrypto; the pure-JS hash where WebCrypto is absent (a page not served over HTTPS). */
export async function sha256Hex(file: Blob): Promise<string> {
  const data = new Uint8Array(await file.arrayBuffer());
  if (globalThis.crypto?.subtle) return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', data)));
  const hash = new Sha256();
  hash.update(data);
  return hex(await hash.digest());
}

function contentTypeOf(file: File): string {
  if (file.type) return file.type;
  return /\.png$/i.test(file.name) ? 'image/png' : 'image/jpeg';
}

class DroppedConnection extends Error {
  override readonly name = 'DroppedConnection';
}

function putOnce(upload: PhotoUpload['upload'], file: Blob, onPercent: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers)) {
      // The browser sets these itself and refuses scripts that try.
      if (!['host', 'content-length'].includes(name.toLowerCase())) xhr.setRequestHeader(name, value);
    }
    xhr.timeout = 120_000;
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onPercent(Math.round((event.loaded / event.total) * 100));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else if (xhr.status >= 500) reject(new DroppedConnection(`storage answered ${xhr.status}`));
      else reject(new ApiError('api', xhr.status));
    };
    xhr.onerror = () => reject(new DroppedConnection('connection dropped'));
    xhr.ontimeout = () => reject(new DroppedConnection('upload timed out'));
    xhr.send(file);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** PUTs the bytes, retrying dropped connections and server errors; a refusal (4xx) is final. */
export async function putWithRetry(
  upload: PhotoUpload['upload'],
  file: Blob,
  report: (state: UploadState) => void,
  backoffMs: readonly number[] = BACKOFF_MS,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      report({ stage: 'uploading', percent: 0 });
      await putOnce(upload, file, (percent) => report({ stage: 'uploading', percent }));
      return;
    } catch (error) {
      if (!(error instanceof DroppedConnection)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw new ApiError('network', 0, undefined, { cause: error });
      const wait = backoffMs[Math.min(attempt - 1, backoffMs.length - 1)] ?? 1000;
      report({ stage: 'retrying', attempt: attempt + 1, seconds: Math.round(wait / 1000) });
      await sleep(wait);
    }
  }
}

export async function uploadPhoto(
  householdId: string,
  step: string,
  kind: PhotoKind,
  file: File,
  report: (state: UploadState) => void,
): Promise<RecordedPhoto> {
  try {
    report({ stage: 'hashing' });
    const sha256 = await sha256Hex(file);
    const base = `/households/${encodeURIComponent(householdId)}/photos`;
    const requested = await postJson<PhotoUpload>(base, {
      step,
      kind,
      contentType: contentTypeOf(file),
      size: file.size,
      sha256,
    });
    await putWithRetry(requested.upload, file, report);
    report({ stage: 'confirming' });
    const photo = await postJson<RecordedPhoto>(`${base}/${encodeURIComponent(requested.photoId)}/confirm`);
    report({ stage: 'done', photo });
    return photo;
  } catch (error) {
    report({ stage: 'failed', error });
    throw error;
  }
}
