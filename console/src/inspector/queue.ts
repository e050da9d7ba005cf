/**
 * The inspector's photo queue: every photo taken is kept on the phone (IndexedDB) until the API
 * has confirmed it, and each step (the upload URL, the PUT to storage, the confirmation) is
 * retried with backoff until it succeeds. A reload resumes the queue; a network gone for minutes
 * only delays it. A refusal by the API (a 4xx that a retry cannot change) stops that photo with
 * the API's sentence and a manual retry.
 *
 * The logic is independent of the browser: the store, the API and the clock are passed in, so the
 * unit tests drive it with failures of their own.
 */
import { ApiError } from '../api/client';
import type { PhotoKind, PhotoUpload, RecordedPhoto } from '../api/types';

export type QueueStage =
  /** Taken, not yet made small (a reload here compresses again). */
  | 'compressing'
  /** Ready; the upload URL is the next step. */
  | 'queued'
  /** The API gave a URL; the bytes go next. */
  | 'requested'
  /** The bytes are in storage; the confirmation goes next. */
  | 'uploaded'
  | 'confirmed'
  | 'failed';

export interface QueuedPhoto {
  id: string;
  householdId: string;
  step: string;
  kind: PhotoKind;
  name: string;
  blob: Blob;
  contentType: string;
  sha256?: string;
  stage: QueueStage;
  /** One Idempotency-Key per upload request: a retry after a lost answer gets the same photo and URL. */
  requestKey: string;
  photoId?: string;
  upload?: PhotoUpload['upload'];
  /** Failed attempts of the current step (the backoff grows with them). */
  attempts: number;
  /** Re-requests after storage or the API refused the object: bounded, so a broken file stops. */
  restarts: number;
  nextAttemptAt: number;
  createdAt: number;
  /** Set while the step waits for a retry or after a refusal. */
  error?: { kind: 'network' | 'refused'; status?: number; message?: { zh: string; en: string } };
  photo?: RecordedPhoto;
  percent?: number;
}

export interface QueueStore {
  all(): Promise<QueuedPhoto[]>;
  put(item: QueuedPhoto): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface UploadApi {
  compress(blob: Blob, contentType: string): Promise<{ blob: Blob; contentType: string }>;
  hash(blob: Blob): Promise<string>;
  request(item: QueuedPhoto & { sha256: string }): Promise<PhotoUpload>;
  put(upload: PhotoUpload['upload'], blob: Blob, onPercent: (percent: number) => void): Promise<void>;
  confirm(item: QueuedPhoto & { photoId: string }): Promise<RecordedPhoto>;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or earlier when `wake` is called. */
  sleep(ms: number, wake: AbortSignal): Promise<void>;
}

/** 1, 2, 4, 8, 16 then every 30 seconds: quick after a short drop, gentle on a phone's battery after. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** A failure a retry may cure: no answer, a timeout, a server error, throttling. */
export function isTransient(error: unknown): boolean {
  if (error instanceof ApiError) return error.kind !== 'api' || error.status >= 500 || error.status === 429;
  // Anything else (a TypeError from fetch, an aborted XHR) is the connection.
  return true;
}

/** Storage refused the PUT (an expired URL, a bad signature) or the API does not know the photo. */
function needsNewUpload(error: unknown): boolean {
  return error instanceof ApiError && [400, 403, 404].includes(error.status);
}

const MAX_RESTARTS = 3;

export const newKey = (): string =>
  globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

type Listener = (items: readonly QueuedPhoto[], confirmed?: QueuedPhoto) => void;

export class UploadQueue {
  private items: QueuedPhoto[] = [];
  private readonly listeners = new Set<Listener>();
  private wake = new AbortController();
  private running: Promise<void> | undefined;
  private loaded: Promise<void> | undefined;

  constructor(
    private readonly store: QueueStore,
    private readonly api: UploadApi,
    private readonly clock: Clock,
    /** Work as soon as something is added (the page); off where a test drives the steps. */
    private readonly autoRun = true,
  ) {}

  private kick(): void {
    if (this.autoRun) void this.run();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.items);
    return () => this.listeners.delete(listener);
  }

  snapshot(): readonly QueuedPhoto[] {
    return this.items;
  }

  private emit(confirmed?: QueuedPhoto): void {
    const items = [...this.items];
    for (const listener of this.listeners) listener(items, confirmed);
  }

  /** Reads what a previous page left in the store and starts working on it. */
  start(): Promise<void> {
    this.loaded ??= this.store.all().then((stored) => {
      const known = new Set(this.items.map((item) => item.id));
      this.items = [...this.items, ...stored.filter((item) => !known.has(item.id))].sort(
        (a, b) => a.createdAt - b.createdAt,
      );
      this.emit();
      this.kick();
    });
    return this.loaded;
  }

  /** Keeps the photos on the phone first, then works on them. */
  async add(
    photos: readonly { blob: Blob; name: string; contentType: string }[],
    target: { householdId: string; step: string; kind: PhotoKind },
  ): Promise<void> {
    const now = this.clock.now();
    const added = photos.map(
      (photo, index): QueuedPhoto => ({
        id: newKey(),
        ...target,
        name: photo.name,
        blob: photo.blob,
        contentType: photo.contentType,
        stage: 'compressing',
        requestKey: newKey(),
        attempts: 0,
        restarts: 0,
        nextAttemptAt: now,
        createdAt: now + index,
      }),
    );
    for (const item of added) await this.store.put(item);
    this.items = [...this.items, ...added];
    this.emit();
    this.poke();
    this.kick();
  }

  /** The person asked: try the waiting or refused photo now. */
  async retryNow(id: string): Promise<void> {
    await this.update(id, (item) => ({
      ...item,
      stage: item.stage === 'failed' ? (item.photoId ? 'requested' : 'queued') : item.stage,
      ...(item.stage === 'failed' && !item.photoId ? { requestKey: newKey() } : {}),
      attempts: 0,
      nextAttemptAt: this.clock.now(),
    }));
    this.poke();
    this.kick();
  }

  /** The network came back: every waiting photo goes now. */
  online(): void {
    const now = this.clock.now();
    this.items = this.items.map((item) =>
      item.stage === 'confirmed' || item.stage === 'failed' ? item : { ...item, nextAttemptAt: now },
    );
    this.poke();
    this.kick();
  }

  async remove(id: string): Promise<void> {
    this.items = this.items.filter((item) => item.id !== id);
    await this.store.remove(id);
    this.emit();
  }

  private poke(): void {
    this.wake.abort();
    this.wake = new AbortController();
  }

  private async update(id: string, change: (item: QueuedPhoto) => QueuedPhoto, persist = true): Promise<void> {
    const item = this.items.find((candidate) => candidate.id === id);
    if (!item) return;
    const next = change(item);
    this.items = this.items.map((candidate) => (candidate.id === id ? next : candidate));
    if (persist) {
      if (next.stage === 'confirmed') await this.store.remove(id);
      else await this.store.put(next);
    }
    this.emit(next.stage === 'confirmed' && item.stage !== 'confirmed' ? next : undefined);
  }

  private pending(): QueuedPhoto[] {
    return this.items.filter((item) => item.stage !== 'confirmed' && item.stage !== 'failed');
  }

  /** Works until nothing is pending; one photo at a time (a weak network does better with one). */
  run(): Promise<void> {
    this.running ??= this.work().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async work(): Promise<void> {
    for (;;) {
      const pending = this.pending();
      if (pending.length === 0) return;
      const now = this.clock.now();
      const due = pending.find((item) => item.nextAttemptAt <= now);
      if (!due) {
        const next = Math.min(...pending.map((item) => item.nextAttemptAt));
        await this.clock.sleep(next - now, this.wake.signal);
        continue;
      }
      await this.step(due);
    }
  }

  /** One step of one photo; its failure schedules the retry or stops the photo. */
  async step(item: QueuedPhoto): Promise<void> {
    try {
      switch (item.stage) {
        case 'compressing': {
          const small = await this.api.compress(item.blob, item.contentType);
          const sha256 = await this.api.hash(small.blob);
          await this.update(item.id, (current) => ({
            ...current,
            blob: small.blob,
            contentType: small.contentType,
            sha256,
            stage: 'queued',
          }));
          return;
        }
        case 'queued': {
          const sha256 = item.sha256 ?? (await this.api.hash(item.blob));
          const requested = await this.api.request({ ...item, sha256 });
          await this.update(item.id, (current) => ({
            ...current,
            sha256,
            photoId: requested.photoId,
            upload: requested.upload,
            stage: 'requested',
            attempts: 0,
            error: undefined,
          }));
          return;
        }
        case 'requested': {
          if (!item.upload) {
            await this.update(item.id, (current) => ({ ...current, stage: 'queued' }));
            return;
          }
          await this.api.put(item.upload, item.blob, (percent) => {
            void this.update(item.id, (current) => ({ ...current, percent }), false);
          });
          await this.update(item.id, (current) => ({ ...current, stage: 'uploaded', attempts: 0, error: undefined }));
          return;
        }
        case 'uploaded': {
          if (!item.photoId) {
            await this.update(item.id, (current) => ({ ...current, stage: 'queued' }));
            return;
          }
          const photo = await this.api.confirm({ ...item, photoId: item.photoId });
          await this.update(item.id, (current) => ({ ...current, stage: 'confirmed', photo, error: undefined }));
          return;
        }
        default:
          return;
      }
    } catch (error) {
      await this.failed(item, error);
    }
  }

  private async failed(item: QueuedPhoto, error: unknown): Promise<void> {
    const now = this.clock.now();
    if (isTransient(error)) {
      const attempts = item.attempts + 1;
      await this.update(item.id, (current) => ({
        ...current,
        attempts,
        nextAttemptAt: now + backoffMs(attempts),
        error: { kind: 'network' },
      }));
      return;
    }
    const status = error instanceof ApiError ? error.status : undefined;
    const message = error instanceof ApiError ? error.messages : undefined;
    // The bytes were refused (an expired URL) or the confirmation found them missing or different:
    // the photo starts again with a new upload, a bounded number of times.
    const restart =
      item.restarts < MAX_RESTARTS &&
      ((item.stage === 'requested' && needsNewUpload(error)) || (item.stage === 'uploaded' && status === 409));
    if (restart) {
      await this.update(item.id, (current) => ({
        ...current,
        // A 409 on confirmation may only mean the bytes never arrived: upload them again first;
        // a second 409 asks for a new upload altogether.
        stage: item.stage === 'uploaded' && current.restarts === 0 ? 'requested' : 'queued',
        requestKey: item.stage === 'uploaded' && current.restarts === 0 ? current.requestKey : newKey(),
        restarts: current.restarts + 1,
        attempts: 0,
        nextAttemptAt: now,
      }));
      return;
    }
    await this.update(item.id, (current) => ({
      ...current,
      stage: 'failed',
      error: { kind: 'refused', ...(status ? { status } : {}), ...(message ? { message } : {}) },
    }));
  }
}
