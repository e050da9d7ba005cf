/**
 * The browser side of the photo queue: IndexedDB (`idb`) for the photos kept on the phone, the
 * API and storage for the three upload steps, timers for the backoff, and the `online` event.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { type IDBPDatabase, openDB } from 'idb';
import { ApiError, postJson } from '../api/client';
import type { PhotoUpload, RecordedPhoto } from '../api/types';
import { compressPhoto } from './compress';
import { type Clock, type QueuedPhoto, type QueueStore, type UploadApi, UploadQueue } from './queue';

const DB_NAME = 'anju-photos';
const STORE = 'uploads';

let database: Promise<IDBPDatabase> | undefined;
function db(): Promise<IDBPDatabase> {
  database ??= openDB(DB_NAME, 1, {
    upgrade(upgrading) {
      if (!upgrading.objectStoreNames.contains(STORE)) upgrading.createObjectStore(STORE, { keyPath: 'id' });
    },
  });
  return database;
}

export const indexedDbStore: QueueStore = {
  async all() {
    return (await (await db()).getAll(STORE)) as QueuedPhoto[];
  },
  async put(item) {
    // The transient upload percentage is not worth a write per progress event.
    const { percent: _percent, ...kept } = item;
    await (await db()).put(STORE, kept);
  },
  async remove(id) {
    await (await db()).delete(STORE, id);
  },
};

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
      else reject(new ApiError('api', xhr.status));
    };
    xhr.onerror = () => reject(new ApiError('network', 0));
    xhr.ontimeout = () => reject(new ApiError('timeout', 0));
    xhr.send(file);
  });
}

export const browserUploadApi: UploadApi = {
  compress: compressPhoto,
  hash: sha256Hex,
  request: (item) =>
    postJson<PhotoUpload>(
      `/households/${encodeURIComponent(item.householdId)}/photos`,
      { step: item.step, kind: item.kind, contentType: item.contentType, size: item.blob.size, sha256: item.sha256 },
      { 'idempotency-key': item.requestKey },
    ),
  put: putOnce,
  confirm: (item) =>
    postJson<RecordedPhoto>(
      `/households/${encodeURIComponent(item.householdId)}/photos/${encodeURIComponent(item.photoId)}/confirm`,
    ),
};

export const browserClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, wake) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      wake.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    }),
};

let queue: UploadQueue | undefined;

/** The page's one queue, resumed from the phone's storage on first use. */
export function photoQueue(): UploadQueue {
  if (!queue) {
    const created = new UploadQueue(indexedDbStore, browserUploadApi, browserClock);
    window.addEventListener('online', () => created.online());
    void created.start();
    queue = created;
  }
  return queue;
}
