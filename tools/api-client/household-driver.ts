/**
 * Households driven through the HTTP API, as the staff's clients would drive them: each step by its
 * owner once its task is pending, with a valid body, photos uploaded through their presigned URLs.
 *
 * `driveTo` takes a registered household through the approval half to a given phase (the
 * integration tests); `householdDriver` takes a demo household from registration to archive (the
 * lifecycle benchmark on one stack without faults, and the crash-restart soak on a stack killed at
 * random, so both exercise the same path).
 *
 * With `resilient`, every write carries an `Idempotency-Key` and is retried with the same key while
 * the stack is unreachable or still finishing an interrupted request, as a phone on a weak network
 * would. The loop reads the household file before each step, so a retried write that was in fact
 * applied before a crash (and is then refused as stale) is simply observed on the next read.
 */
import { randomUUID } from 'node:crypto';
import { demoApplication, exampleActionBody } from '../../contract/examples';
import { chinaToday } from '../../domain/china-time';
import type { Action, AuditEvent, Household, HouseholdApplication, Phase } from '../../domain/model';
import { jpegWithExif, recentExifTime, sha256Hex } from '../demo/exif-jpeg';
import { api, eventually } from './client';
import type { DemoStaff, Staff } from './staff';

export type HouseholdView = {
  householdId: string;
  phase: Phase;
  version: number;
  household: Household;
  task: { step: Phase; role?: string; status: string } | null;
  timeline: AuditEvent[];
};

export async function householdFile(url: string, token: string, householdId: string): Promise<HouseholdView> {
  const answer = await api(url, token).get<HouseholdView>(`/households/${householdId}`);
  if (answer.status !== 200) throw new Error(`GET /households/${householdId} answered ${answer.status}`);
  return answer.body;
}

/** Registers `application` as its township's civil-affairs staff; answers the new household's id. */
export async function registerHousehold(url: string, staff: Staff, application: HouseholdApplication): Promise<string> {
  const created = await api(url, staff.civil.token).post<{ householdId: string }>('/households', application);
  if (created.status !== 201)
    throw new Error(`registration answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body.householdId;
}

/** Waits until the household's pending step shows in the user's work queue (`GET /tasks`). */
export function waitForTask(url: string, token: string, householdId: string, step: Phase, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const answer = await api(url, token).get<{ items: { householdId: string; step: Phase }[] }>(
        `/tasks?step=${step}`,
      );
      if (answer.status !== 200)
        throw new Error(`GET /tasks answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return answer.body.items.find((task) => task.householdId === householdId && task.step === step);
    },
    timeoutMs,
    `the ${step} task of ${householdId} in the queue`,
  );
}

type PlannedStep = { readonly action: Action; readonly by: keyof Staff; body(version: number): unknown };

/** Who acts on each human step of the approval half, with a valid body. */
const APPROVAL_STEPS: Partial<Record<Phase, PlannedStep>> = {
  'safety-appraisal': {
    action: 'appraise-safety',
    by: 'construction',
    // Without photo ids: a photo needs an upload, which the approval half does without.
    body: (version) => ({ version, grade: 'D', technician: '罗建国', appraisedOn: chinaToday(), findings: '整体危险' }),
  },
  'village-appraisal': {
    action: 'village-appraisal',
    by: 'civil',
    body: (v) => exampleActionBody('village-appraisal', v),
  },
  'township-review': {
    action: 'township-review',
    by: 'construction',
    body: (v) => exampleActionBody('township-review', v),
  },
  'county-approval': {
    action: 'county-approve',
    by: 'county',
    body: (v) => exampleActionBody('county-approve', v),
  },
  agreement: {
    action: 'sign-agreement',
    by: 'construction',
    body: (v) => exampleActionBody('sign-agreement', v),
  },
};

/**
 * Acts on each step in turn, each by its owner after its task showed in that owner's queue,
 * until the household reaches `stopAt` (or, for `agreement-signed`, until the agreement is signed).
 * The public notice passes by itself (fast waits). Returns who acted on which phase, in order.
 */
export async function driveTo(
  url: string,
  staff: Staff,
  householdId: string,
  stopAt: Phase | 'agreement-signed',
): Promise<{ username: string; phase: Phase }[]> {
  const actors: { username: string; phase: Phase }[] = [];
  for (;;) {
    const file = await householdFile(url, staff.construction.token, householdId);
    if (file.phase === stopAt) return actors;
    if (file.phase === 'public-notice') {
      await eventually(
        async () => {
          const now = await householdFile(url, staff.construction.token, householdId);
          return now.phase === 'public-notice' ? undefined : now.phase;
        },
        60_000,
        `the end of the public notice of ${householdId}`,
      );
      continue;
    }
    const step = APPROVAL_STEPS[file.phase];
    if (!step) {
      if (stopAt === 'agreement-signed' && actors.length > 0) return actors;
      throw new Error(`no planned step for phase ${file.phase} of ${householdId}`);
    }
    const user = staff[step.by];
    await waitForTask(url, user.token, householdId, file.phase);
    const current = await householdFile(url, user.token, householdId);
    const answer = await api(url, user.token).post<HouseholdView>(
      `/households/${householdId}/actions/${step.action}`,
      step.body(current.version),
    );
    if (answer.status !== 200) {
      throw new Error(`${step.action} by ${user.username} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    actors.push({ username: user.username, phase: file.phase });
    if (stopAt === 'agreement-signed' && file.phase === 'agreement') return actors;
  }
}

export type DriverHooks = {
  /** Wraps every API call that acts (not the polling reads), e.g. to time it. */
  readonly timed?: <T>(label: string, work: () => Promise<T>) => Promise<T>;
  readonly onActingRequest?: () => void;
  readonly onPoll?: () => void;
  readonly onPhoto?: () => void;
  readonly onRegistered?: (index: number, householdId: string) => void;
  /** How long the household waited for the task of `phase` (from the first read without it to the read with it). */
  readonly onTaskWait?: (householdId: string, phase: Phase, ms: number) => void;
  /** Awaited before the final acceptance: the construction stalls there until it resolves (the soak's long life). */
  readonly beforeAcceptance?: (householdId: string) => Promise<void>;
};

export type DriverOptions = {
  /** The stack's current base URL (it changes when the soak restarts the stack on a new port). */
  readonly url: () => string;
  /** Idempotency keys and retries through outages; off for the benchmark's fault-free runs. */
  readonly resilient?: boolean;
  /** How long a resilient client keeps retrying one request before it gives up. */
  readonly retryForMs?: number;
  /**
   * How long a household may sit in a phase without its task before the drive fails: a task the workflow
   * should have recorded and did not is a lost task, and must fail the run rather than hang it. Phases that
   * wait for no person (the public notice, archiving) count too; with fast waits they last seconds.
   */
  readonly taskWaitMs?: number;
  readonly hooks?: DriverHooks;
};

export type HouseholdFileView = HouseholdView & {
  payments?: { installment: number; amount: number; status: string }[];
  photos?: { photoId: string; step: string; kind: string; status: string }[];
  inspections?: { milestone: string; result: string }[];
};

type Upload = { photoId: string; upload: { url: string; method: string; headers: Record<string, string> } };
type Answer<T> = { status: number; body: T; retried: boolean };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when the stack could not answer this request: it is down, starting, busy, or finishing an interrupted one. */
function isOutage(status: number, body: unknown): boolean {
  // 429 and 503: throttled or busy (with faults on, as AWS answers under stress); retried as the API asks.
  if (status === 429 || status === 502 || status === 503 || status === 504) return true;
  const en = (body as { message?: { en?: string } } | undefined)?.message?.en ?? '';
  return status === 409 && /still being processed/.test(en);
}

export function householdDriver(options: DriverOptions) {
  const hooks = options.hooks ?? {};
  const timed = hooks.timed ?? (<T>(_label: string, work: () => Promise<T>) => work());
  const retryForMs = options.retryForMs ?? 180_000;
  const taskWaitMs = options.taskWaitMs ?? 300_000;

  /** One request; a resilient client repeats it (same key) through outages until it gets an answer. */
  async function send<T>(method: 'GET' | 'POST', token: string, route: string, body?: unknown): Promise<Answer<T>> {
    const key = options.resilient && method === 'POST' ? randomUUID() : undefined;
    const deadline = Date.now() + retryForMs;
    let retried = false;
    for (;;) {
      try {
        const response = await fetch(`${options.url()}${route}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(key ? { 'idempotency-key': key } : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        const parsed = (text === '' ? undefined : JSON.parse(text)) as T;
        if (!options.resilient || !isOutage(response.status, parsed)) {
          return { status: response.status, body: parsed, retried };
        }
      } catch (error) {
        if (!options.resilient) throw error;
      }
      if (Date.now() > deadline) throw new Error(`${method} ${route}: no answer within ${retryForMs} ms of retries`);
      retried = true;
      await sleep(250 + Math.floor(Math.random() * 500));
    }
  }

  async function act<T>(label: string, token: string, route: string, body?: unknown): Promise<Answer<T>> {
    hooks.onActingRequest?.();
    return timed(label, () => send<T>('POST', token, route, body));
  }

  /** A write that must succeed, except that a retried write may find its own earlier success (409, stale). */
  function expectDone(label: string, route: string, answer: Answer<unknown>): void {
    if (answer.status < 300) return;
    if (answer.retried && answer.status === 409) return;
    throw new Error(`${label} ${route} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }

  async function read(token: string, id: string): Promise<HouseholdFileView> {
    hooks.onPoll?.();
    const answer = await send<HouseholdFileView>('GET', token, `/households/${id}`);
    if (answer.status !== 200) throw new Error(`GET /households/${id} answered ${answer.status}`);
    return answer.body;
  }

  async function register(token: string, index: number): Promise<string> {
    const answer = await act<{ householdId?: string; message?: { en?: string } }>(
      'register',
      token,
      '/households',
      demoApplication(index),
    );
    if (answer.status === 201 && answer.body.householdId) return answer.body.householdId;
    // A registration that committed just before a crash: the retry finds the household by its head's ID number.
    if (answer.retried && answer.status === 409) {
      const idNumber = demoApplication(index).head.idNumber;
      const found = await send<{ items: { householdId: string }[] }>(
        'GET',
        token,
        `/households?q=${encodeURIComponent(idNumber)}`,
      );
      const existing = found.status === 200 ? found.body.items[0]?.householdId : undefined;
      if (existing) return existing;
    }
    throw new Error(`register answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }

  /** Uploads and confirms one photo; a broken upload (the stack died under it) starts over with a new one. */
  async function photo(token: string, id: string, index: number, step: Phase, kind: string): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      const application = demoApplication(index);
      const bytes = jpegWithExif({
        // Taken now: even ten seconds back falls on the day before an agreement signed just after midnight (China
        // time), and such a photo is rightly flagged and holds the inspection (a run across 16:00 UTC met it).
        dateTimeOriginal: recentExifTime(0),
        ...(application.house.location ? { gps: application.house.location } : {}),
        label: `${id} ${step} ${kind} ${randomUUID()}`,
      });
      hooks.onPhoto?.();
      const requested = await act<Upload>('photo: request upload', token, `/households/${id}/photos`, {
        step,
        kind,
        contentType: 'image/jpeg',
        size: bytes.length,
        sha256: sha256Hex(bytes),
      });
      if (requested.status !== 201) throw new Error(`photo request answered ${requested.status}`);
      const { upload, photoId } = requested.body;
      const put = await timed('photo: PUT to S3', async () => {
        try {
          const response = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: bytes });
          await response.arrayBuffer();
          return response.status;
        } catch (error) {
          if (!options.resilient) throw error;
          return 0;
        }
      });
      if (put === 200) {
        const confirmed = await act('photo: confirm', token, `/households/${id}/photos/${photoId}/confirm`);
        if (confirmed.status === 200) return photoId;
        if (!options.resilient) throw new Error(`photo confirm answered ${confirmed.status}`);
      } else if (!options.resilient) {
        throw new Error(`photo upload answered ${put}`);
      }
      if (attempt >= 5) throw new Error(`photo ${step}/${kind} of ${id} failed ${attempt} times`);
    }
  }

  /**
   * Drives demo household `index` to `archived` (or, with `toArchive: false`, until it awaits its first
   * installment). Returns its id.
   */
  async function drive(staffOf: DemoStaff, index: number, toArchive = true): Promise<string> {
    const staff = await staffOf.for(demoApplication(index).villageCode);
    const id = await register(staff.civil.token, index);
    hooks.onRegistered?.(index, id);
    return driveRegistered(staff, id, index, toArchive);
  }

  /**
   * Drives a household already registered (by `drive`, or by another route such as the monitoring ledger's
   * renovation measure) the same way; `index` names the demo application its photos are taken for.
   */
  async function driveRegistered(staff: Staff, id: string, index: number, toArchive = true): Promise<string> {
    let waiting: { phase: Phase; since: number } | undefined;
    for (;;) {
      const file = await read(staff.construction.token, id);
      if (file.phase === 'archived') return id;
      if (!toArchive && ['installment-release', 'milestone-inspection', 'final-acceptance'].includes(file.phase)) {
        return id;
      }
      if (file.phase === 'rejected') throw new Error(`household ${id} was rejected`);
      if (!file.task || file.task.step !== file.phase) {
        if (waiting?.phase !== file.phase) waiting = { phase: file.phase, since: Date.now() };
        const waited = Date.now() - waiting.since;
        if (waited > taskWaitMs) {
          throw new Error(
            `household ${id} (demo ${index}) has waited ${Math.round(waited / 1000)} s in ${file.phase} without its task (task on file: ${JSON.stringify(file.task)}): a lost task`,
          );
        }
        await sleep(150);
        continue;
      }
      if (waiting) {
        hooks.onTaskWait?.(id, waiting.phase, Date.now() - waiting.since);
        waiting = undefined;
      }
      const v = file.version;
      const step = async (action: string, token: string, body: unknown) => {
        const route = `/households/${id}/actions/${action}`;
        expectDone(action, route, await act(action, token, route, body));
      };
      const planned = APPROVAL_STEPS[file.phase];
      if (planned) {
        await step(planned.action, staff[planned.by].token, planned.body(v));
        continue;
      }
      switch (file.phase) {
        case 'installment-release':
          await step('release-installment', staff.finance.token, {
            version: v,
            installment: file.payments?.length ?? 0,
          });
          break;
        case 'milestone-inspection': {
          // Which milestone comes next follows from the passed inspections on file, so a retry after a crash agrees.
          const passed = file.timeline.filter((event) => event.type === 'inspect').length;
          const photoId = await photo(staff.inspector.token, id, index, 'milestone-inspection', 'during');
          const current = await read(staff.inspector.token, id);
          if (current.phase !== 'milestone-inspection') break;
          await step('inspect', staff.inspector.token, {
            version: current.version,
            milestone: passed === 0 ? 'foundation' : 'main-structure',
            date: chinaToday(),
            checklist: { 基础尺寸: true, 钢筋规格: true },
            result: 'pass',
            photoIds: [photoId],
          });
          break;
        }
        case 'final-acceptance': {
          await hooks.beforeAcceptance?.(id);
          const photoIds = [
            await photo(staff.inspector.token, id, index, 'final-acceptance', 'after'),
            await photo(staff.inspector.token, id, index, 'final-acceptance', 'after-with-head'),
          ];
          const current = await read(staff.inspector.token, id);
          if (current.phase !== 'final-acceptance') break;
          await step('accept', staff.inspector.token, { ...exampleActionBody('accept', current.version), photoIds });
          break;
        }
        default:
          throw new Error(`no planned step for phase ${file.phase} of ${id}`);
      }
    }
  }

  return { drive, driveRegistered, read, send };
}
