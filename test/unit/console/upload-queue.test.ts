import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../console/src/api/client';
import type { PhotoUpload, RecordedPhoto } from '../../../console/src/api/types';
import {
  backoffMs,
  type Clock,
  isTransient,
  type QueuedPhoto,
  type QueueStore,
  type UploadApi,
  UploadQueue,
} from '../../../console/src/inspector/queue';

/** The phone's storage, kept across "page reloads" (new queues on the same store). */
class MemoryStore implements QueueStore {
  readonly items = new Map<string, QueuedPhoto>();
  async all() {
    return [...this.items.values()];
  }
  async put(item: QueuedPhoto) {
    this.items.set(item.id, structuredClone({ ...item, blob: item.blob }));
  }
  async remove(id: string) {
    this.items.delete(id);
  }
}

/** Time that moves only when the queue sleeps: backoffs cost no real time. */
class FakeClock implements Clock {
  at = 0;
  readonly sleeps: number[] = [];
  now() {
    return this.at;
  }
  async sleep(ms: number) {
    this.sleeps.push(ms);
    this.at += Math.max(ms, 1);
  }
}

const network = () => new ApiError('network', 0);

type Step = 'request' | 'put' | 'confirm';

/** The API and storage, failing the calls a test scripts, answering the rest. */
class ScriptedApi implements UploadApi {
  readonly calls: { step: Step; key?: string; photoId?: string }[] = [];
  readonly failures: Record<Step, unknown[]> = { request: [], put: [], confirm: [] };
  private photos = 0;
  readonly uploaded = new Set<string>();

  async compress(blob: Blob, contentType: string) {
    return { blob, contentType };
  }
  async hash() {
    return 'a'.repeat(64);
  }
  private fail(step: Step): void {
    const failure = this.failures[step].shift();
    if (failure) throw failure;
  }
  async request(item: QueuedPhoto): Promise<PhotoUpload> {
    this.calls.push({ step: 'request', key: item.requestKey });
    this.fail('request');
    this.photos += 1;
    return {
      photoId: `photo-${this.photos}`,
      upload: {
        url: `https://s3/photo-${this.photos}`,
        method: 'PUT',
        headers: {},
        expiresAt: '2026-12-04T10:00:00.000Z',
      },
    };
  }
  async put(upload: PhotoUpload['upload']) {
    this.calls.push({ step: 'put' });
    this.fail('put');
    this.uploaded.add(upload.url);
  }
  async confirm(item: QueuedPhoto & { photoId: string }): Promise<RecordedPhoto> {
    this.calls.push({ step: 'confirm', photoId: item.photoId });
    this.fail('confirm');
    return {
      householdId: item.householdId,
      photoId: item.photoId,
      step: item.step,
      kind: item.kind,
      contentType: 'image/jpeg',
      size: 3,
      sha256: 'a'.repeat(64),
      status: 'confirmed',
      flags: [],
    };
  }
  steps() {
    return this.calls.map((call) => call.step);
  }
}

const photo = { blob: new Blob(['abc'], { type: 'image/jpeg' }), name: 'wall.jpg', contentType: 'image/jpeg' };
const target = { householdId: 'h-1', step: 'milestone-inspection', kind: 'during' as const };

async function settle(queue: UploadQueue): Promise<readonly QueuedPhoto[]> {
  await queue.run();
  return queue.snapshot();
}

describe('the photo upload queue', () => {
  it('backs off 1, 2, 4, 8, 16 seconds and then every 30 seconds', () => {
    expect([1, 2, 3, 4, 5, 6, 12].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('takes dropped connections, timeouts, 5xx and 429 for transient, refusals for final', () => {
    expect(isTransient(network())).toBe(true);
    expect(isTransient(new ApiError('timeout', 0))).toBe(true);
    expect(isTransient(new ApiError('api', 503))).toBe(true);
    expect(isTransient(new ApiError('api', 429))).toBe(true);
    expect(isTransient(new TypeError('Failed to fetch'))).toBe(true);
    expect(isTransient(new ApiError('api', 400))).toBe(false);
    expect(isTransient(new ApiError('api', 403))).toBe(false);
  });

  it('retries every step through a network that drops at each of them, and confirms the photo', async () => {
    const api = new ScriptedApi();
    api.failures.request.push(network(), network(), network());
    api.failures.put.push(network(), new ApiError('api', 502));
    api.failures.confirm.push(new ApiError('timeout', 0), network());
    const clock = new FakeClock();
    const store = new MemoryStore();
    const queue = new UploadQueue(store, api, clock);
    const confirmed: string[] = [];
    queue.subscribe((_, done) => {
      if (done?.photo) confirmed.push(done.photo.photoId);
    });

    await queue.add([photo], target);
    const [item] = await settle(queue);

    expect(item?.stage).toBe('confirmed');
    expect(confirmed).toEqual(['photo-1']);
    expect(api.steps()).toEqual([
      'request',
      'request',
      'request',
      'request',
      'put',
      'put',
      'put',
      'confirm',
      'confirm',
      'confirm',
    ]);
    // The same Idempotency-Key on every retry of the upload request: the API gives the same photo back.
    expect(new Set(api.calls.filter((c) => c.step === 'request').map((c) => c.key)).size).toBe(1);
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 1000, 2000, 1000, 2000]);
    // Nothing is left on the phone once the API has the photo.
    expect(store.items.size).toBe(0);
  });

  it('loses nothing across a reload: a new page resumes from where the old one stopped', async () => {
    const store = new MemoryStore();
    const first = new ScriptedApi();
    // The page is closed while the network is down at the PUT: simulate by failing "forever".
    first.failures.put.push(...Array.from({ length: 50 }, network));
    const clock = new FakeClock();
    const before = new UploadQueue(store, first, clock, false);
    await before.add([photo, { ...photo, name: 'roof.jpg' }], target);
    // Let it work a little, then "reload": a new queue on the same store.
    for (let i = 0; i < 4; i += 1) {
      const due = before.snapshot().find((item) => item.stage !== 'confirmed');
      if (due) await before.step(due);
    }
    const kept = await store.all();
    expect(kept.map((item) => item.name).sort()).toEqual(['roof.jpg', 'wall.jpg']);

    const after = new ScriptedApi();
    const resumed = new UploadQueue(store, after, clock);
    await resumed.start();
    const items = await settle(resumed);
    expect(items.map((item) => item.stage)).toEqual(['confirmed', 'confirmed']);
    expect(items.map((item) => item.name)).toEqual(['wall.jpg', 'roof.jpg']);
    expect(store.items.size).toBe(0);
  });

  it('asks for a new upload when storage refuses the bytes (an expired URL), with a new key', async () => {
    const api = new ScriptedApi();
    api.failures.put.push(new ApiError('api', 403));
    const queue = new UploadQueue(new MemoryStore(), api, new FakeClock());
    await queue.add([photo], target);
    const [item] = await settle(queue);

    expect(item?.stage).toBe('confirmed');
    expect(item?.photo?.photoId).toBe('photo-2');
    const keys = api.calls.filter((c) => c.step === 'request').map((c) => c.key);
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('uploads again when the confirmation finds no bytes (409), then asks for a new upload', async () => {
    const api = new ScriptedApi();
    api.failures.confirm.push(new ApiError('api', 409), new ApiError('api', 409));
    const queue = new UploadQueue(new MemoryStore(), api, new FakeClock());
    await queue.add([photo], target);
    const [item] = await settle(queue);

    expect(item?.stage).toBe('confirmed');
    expect(api.steps()).toEqual(['request', 'put', 'confirm', 'put', 'confirm', 'request', 'put', 'confirm']);
  });

  it('stops a photo the API refuses, with its sentence, and retries it when asked', async () => {
    const api = new ScriptedApi();
    const refusal = new ApiError('api', 400, {
      message: { zh: '照片不能超过 15 MB', en: 'A photo cannot exceed 15 MB' },
    });
    api.failures.request.push(refusal);
    const store = new MemoryStore();
    const queue = new UploadQueue(store, api, new FakeClock());
    await queue.add([photo], target);
    const [failed] = await settle(queue);

    expect(failed?.stage).toBe('failed');
    expect(failed?.error).toEqual({ kind: 'refused', status: 400, message: refusal.messages });
    expect(store.items.size).toBe(1);

    await queue.retryNow(failed?.id ?? '');
    const [retried] = await settle(queue);
    expect(retried?.stage).toBe('confirmed');
  });

  it('tries a waiting photo at once when the network comes back', async () => {
    const api = new ScriptedApi();
    api.failures.request.push(...Array.from({ length: 5 }, network));
    const clock = new FakeClock();
    const queue = new UploadQueue(new MemoryStore(), api, clock, false);
    await queue.add([photo], target);
    for (let i = 0; i < 6; i += 1) {
      const [item] = queue.snapshot();
      if (item) await queue.step(item);
    }
    const [waiting] = queue.snapshot();
    expect(waiting?.nextAttemptAt).toBe(clock.now() + 16_000);

    queue.online();
    const [item] = queue.snapshot();
    expect(item?.nextAttemptAt).toBe(clock.now());
    expect((await settle(queue))[0]?.stage).toBe('confirmed');
  });
});
