/**
 * How the renovation workflow heals itself, as pure rules (no AWS SDK, no I/O), so every case can be
 * unit-tested and the functions that act on them (the state machine's handlers, the outbox, the
 * reconciler) stay thin. The design is in docs/workflow.md, "Healing":
 *
 * - `classifyError`: a function's error is transient (a later attempt can clear it: the state machine
 *   retries it for minutes under the one name `TransientError`) or permanent (it keeps its name and is
 *   caught and routed);
 * - `reconcile`: what the reconciler does with one household, from what the household record says of
 *   its current execution and what Step Functions says of it;
 * - `executionName`: executions are named per attempt, so a repeated start never makes two;
 * - `outboxRetryDelayMs`, `shardOf`: the outbox drains without one hot key and backs off an entry that
 *   keeps failing.
 */
import { WORKFLOW_ERROR_NAMES } from '../domain/errors';
import type { Phase } from '../domain/model';

// ---------------------------------------------------------------- classification

export type ErrorClass = 'transient' | 'permanent';

/**
 * Error names (the SDK's `name`, the service's error code) that a later attempt can clear: throttling,
 * a service's internal error or unavailability, a conflict with a concurrent writer, a request that
 * timed out. Grouped by the service that raises them; several services share some names.
 */
const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  // DynamoDB
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'InternalServerError',
  'TransactionConflictException',
  'TransactionInProgressException',
  'ReplicatedWriteConflictException',
  // S3
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  // Step Functions (ThrottlingException above; the open-execution quota clears as executions close)
  'ExecutionLimitExceeded',
  'KmsThrottlingException',
  // Lambda
  'TooManyRequestsException',
  'ServiceException',
  'EC2ThrottledException',
  'ResourceNotReadyException',
  // Any AWS service, and the SDK itself
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequests',
  'InternalFailure',
  'ServiceUnavailableException',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'TimeoutError',
  'RequestTimeoutException',
  // Our own: a function that already classified its error, and a race with a person's action (a
  // workflow function reads the household again on its next attempt; see `classifyError`).
  WORKFLOW_ERROR_NAMES.TransientError,
  'ConflictError',
]);

/** Node's codes for a connection that failed or broke: the next attempt opens a new one. */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/** Cancellation reasons of a DynamoDB transaction that wrote nothing and may succeed as is later. */
const TRANSIENT_CANCELLATION_CODES: ReadonlySet<string> = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function isTransientCancellation(error: unknown): boolean {
  const reasons = field(error, 'CancellationReasons');
  if (!Array.isArray(reasons)) return false;
  const codes = reasons.map((reason) => field(reason, 'Code')).filter((code) => code !== undefined && code !== 'None');
  // A failed condition is an answer about the data, not a hiccup: the same write fails the same way.
  return codes.length > 0 && codes.every((code) => typeof code === 'string' && TRANSIENT_CANCELLATION_CODES.has(code));
}

function isTransientItself(error: unknown): boolean {
  const name = field(error, 'name');
  if (typeof name === 'string' && TRANSIENT_ERROR_NAMES.has(name)) return true;
  if (name === 'TransactionCanceledException') return isTransientCancellation(error);
  const code = field(error, 'code');
  if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return true;
  // The SDK marks throttling and other retryable answers; a 5xx or 429 is the service's own trouble.
  if (field(error, '$retryable') !== undefined) return true;
  const status = field(field(error, '$metadata'), 'httpStatusCode');
  return typeof status === 'number' && (status >= 500 || status === 429);
}

const MAX_CAUSE_DEPTH = 5;

/**
 * Whether a later attempt can clear an error. An error is transient when it, or an error it was caused
 * by (a ConflictError wrapping a TransactionCanceledException, a network error under an SDK error), is a
 * throttle, a service's internal error or unavailability, a transaction conflict, a timeout or a broken
 * connection. Everything else is permanent: the workflow's own errors (unknown household or program,
 * stale task), invalid input, and any error not recognised (a bug does not go away by retrying; the
 * catch-all of the state machine records it and the reconciler restarts the household after a pause).
 *
 * Meant for the functions of the workflow (its task handlers, the outbox, the reconciler): there a
 * ConflictError is a race with a person's action that the next attempt, reading again, resolves. The
 * API answers a ConflictError with 409 instead and never asks this question.
 */
export function classifyError(error: unknown): ErrorClass {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== undefined && current !== null; depth++) {
    if (depth === 0 && isPermanentWorkflowError(current)) return 'permanent';
    if (isTransientItself(current)) return 'transient';
    current = field(current, 'cause');
  }
  return 'permanent';
}

/** The workflow's own errors (other than TransientError): the state machine catches and routes them. */
const PERMANENT_WORKFLOW_ERRORS: ReadonlySet<string> = new Set(
  Object.values(WORKFLOW_ERROR_NAMES).filter((name) => name !== WORKFLOW_ERROR_NAMES.TransientError),
);

function isPermanentWorkflowError(error: unknown): boolean {
  const name = field(error, 'name');
  return typeof name === 'string' && PERMANENT_WORKFLOW_ERRORS.has(name);
}

// ---------------------------------------------------------------- execution names

/** Step Functions limits an execution name to 80 characters. */
export const MAX_EXECUTION_NAME_LENGTH = 80;

/**
 * The name of a household's `attempt`-th execution (`{householdId}-{attempt}`, 0 for the first). A name is
 * unique per state machine for 90 days after its execution closes, so whoever starts attempt n (the
 * registration, the outbox, the reconciler, a retry of any of them) starts the same execution: never two.
 */
export function executionName(householdId: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 0) throw new Error(`an execution attempt is a whole number: ${attempt}`);
  const name = `${householdId}-${attempt}`;
  if (name.length > MAX_EXECUTION_NAME_LENGTH) throw new Error(`execution name longer than 80 characters: ${name}`);
  return name;
}

// ---------------------------------------------------------------- the reconciler's decision

/** What the household record says of the execution it believes is current. */
export interface ExecutionPointer {
  readonly name: string;
  /** Bumped (with a condition on its old value) by whoever replaces the execution. */
  readonly attempt: number;
  /** When the pointer was written, just before its execution was started. */
  readonly startedAt: Date;
}

export interface WatchedHousehold {
  readonly householdId: string;
  readonly phase: Phase;
  /** Archived or rejected: no execution has anything left to do. */
  readonly terminal: boolean;
  readonly execution: ExecutionPointer;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** What DescribeExecution says of the pointer's execution (`MISSING`: ExecutionDoesNotExist). */
export type ObservedExecution =
  | { readonly status: 'MISSING' }
  | {
      readonly status: ExecutionStatus;
      readonly startDate: Date;
      readonly stopDate?: Date;
      /** The error of a FAILED execution (the Fail state keeps the original error's name). */
      readonly error?: string;
    };

export interface HealingPolicy {
  /** How long Step Functions lets a Standard execution run (one year on AWS). */
  readonly executionLimitMs: number;
  /** A running execution is replaced this long before its limit. */
  readonly replaceMarginMs: number;
  /** How often a household whose execution looks well is looked at again. */
  readonly checkEveryMs: number;
  /**
   * A household whose execution failed on a permanent error is restarted no sooner than this after the
   * failure: a fixed program configuration then heals it, a broken one does not restart it in a loop.
   */
  readonly permanentFailurePauseMs: number;
}

const DAY_MS = 86_400_000;

/** How long Step Functions lets a Standard execution run: one year. */
export const STANDARD_EXECUTION_LIMIT_MS = 365 * DAY_MS;

/**
 * The policy for a state machine whose executions live `executionLimitMs` (one year on AWS; the twin
 * shortens it under fast waits and tells the functions, so the same rules meet the limit in a test):
 * replace an execution once it has lived half its life (six months of a year: a replacement costs a
 * stop, a start and a task recorded again, so replacing early is cheap, and it leaves the reconciler
 * half a life to be late, however short the twin makes that life), look at a well household at most
 * every hour (so a failed execution is found within the hour) and at least 360 times in an
 * execution's life (every 10 s of the twin's one-hour fast-wait limit), pause a twelfth of the life
 * (at most a day) after a permanent failure.
 */
export function healingPolicyFor(executionLimitMs: number): HealingPolicy {
  if (!Number.isFinite(executionLimitMs) || executionLimitMs <= 0) {
    throw new Error(`an execution limit is a positive duration: ${executionLimitMs}`);
  }
  return {
    executionLimitMs,
    replaceMarginMs: Math.round(executionLimitMs / 2),
    checkEveryMs: Math.max(1000, Math.min(60 * 60_000, Math.round(executionLimitMs / 360))),
    permanentFailurePauseMs: Math.min(DAY_MS, Math.round(executionLimitMs / 12)),
  };
}

export const AWS_HEALING_POLICY: HealingPolicy = healingPolicyFor(STANDARD_EXECUTION_LIMIT_MS);

/** The failures of an execution that the same household would meet again at once: see the state machine's Fail states. */
const PERMANENT_EXECUTION_ERRORS: ReadonlySet<string> = new Set([
  ...PERMANENT_WORKFLOW_ERRORS,
  'UnexpectedTransition',
  'UnexpectedPhase',
]);

export type ExecutionInput = { readonly householdId: string; readonly phase: Phase };

export type Reconciliation =
  /** The execution is well (or waiting out a pause); look again at `nextCheckAt`. */
  | { readonly action: 'leave'; readonly reason: string; readonly nextCheckAt: Date }
  /**
   * The pointer names an execution that was never started (a start lost between the pointer's write and
   * StartExecution): start it under that very name, so a late start by its first starter is refused.
   */
  | {
      readonly action: 'start';
      readonly name: string;
      readonly input: ExecutionInput;
      readonly nextCheckAt: Date;
    }
  /**
   * Replace the execution: stop it first when it still runs (near its limit), then move the pointer from
   * `fromAttempt` to `attempt` with a condition on `fromAttempt` (a concurrent reconciler loses and does
   * nothing), then start `name`. Stopping first means two executions of a household never run at once.
   */
  | {
      readonly action: 'restart';
      readonly reason: string;
      readonly stop?: string;
      readonly fromAttempt: number;
      readonly attempt: number;
      readonly name: string;
      readonly input: ExecutionInput;
      readonly nextCheckAt: Date;
    }
  /** The household is finished and its execution closed (or stopped now): it leaves the watch list. */
  | { readonly action: 'retire'; readonly stop?: string };

function later(now: Date, ms: number): Date {
  return new Date(now.getTime() + ms);
}

function earliest(...dates: Date[]): Date {
  return new Date(Math.min(...dates.map((date) => date.getTime())));
}

/**
 * What the reconciler does with one household. The household record is the source of truth: an
 * unfinished household must have a running execution, younger than its limit less the margin; a
 * finished one needs none.
 */
export function reconcile(
  household: WatchedHousehold,
  observed: ObservedExecution,
  now: Date,
  policy: HealingPolicy,
): Reconciliation {
  const { execution } = household;
  const replaceAt = (startDate: Date) =>
    new Date(startDate.getTime() + policy.executionLimitMs - policy.replaceMarginMs);
  const next = later(now, policy.checkEveryMs);
  const restart = (reason: string, stop?: string): Reconciliation => ({
    action: 'restart',
    reason,
    ...(stop === undefined ? {} : { stop }),
    fromAttempt: execution.attempt,
    attempt: execution.attempt + 1,
    name: executionName(household.householdId, execution.attempt + 1),
    input: { householdId: household.householdId, phase: household.phase },
    nextCheckAt: next,
  });

  if (household.terminal) {
    if (observed.status === 'RUNNING' || observed.status === 'PENDING_REDRIVE') {
      // It is on its way to Archived or Rejected; only one that outstays its limit is stopped.
      if (observed.status === 'RUNNING' && now >= replaceAt(observed.startDate)) {
        return { action: 'retire', stop: execution.name };
      }
      return { action: 'leave', reason: 'finishing', nextCheckAt: next };
    }
    return { action: 'retire' };
  }

  switch (observed.status) {
    case 'MISSING':
      return {
        action: 'start',
        name: execution.name,
        input: { householdId: household.householdId, phase: household.phase },
        nextCheckAt: next,
      };
    case 'PENDING_REDRIVE':
      return { action: 'leave', reason: 'being redriven', nextCheckAt: next };
    case 'RUNNING': {
      const due = replaceAt(observed.startDate);
      if (now >= due) return restart('near its time limit', execution.name);
      return { action: 'leave', reason: 'running', nextCheckAt: earliest(next, due) };
    }
    case 'FAILED': {
      const permanent = observed.error !== undefined && PERMANENT_EXECUTION_ERRORS.has(observed.error);
      if (permanent) {
        const resumeAt = later(observed.stopDate ?? now, policy.permanentFailurePauseMs);
        if (now < resumeAt) return { action: 'leave', reason: `failed on ${observed.error}`, nextCheckAt: resumeAt };
      }
      return restart(`failed on ${observed.error ?? 'an unknown error'}`);
    }
    case 'TIMED_OUT':
      return restart('timed out');
    case 'ABORTED':
      return restart('aborted');
    case 'SUCCEEDED':
      // Superseded (its task went stale) while the household still has work to do.
      return restart('ended before the household finished');
  }
}

// ---------------------------------------------------------------- the outbox

/** How many keys the outbox index is spread over: no single index partition takes every decision. */
export const OUTBOX_SHARDS = 8;
/** How many keys the reconciler's index of unfinished households is spread over. */
export const WATCH_SHARDS = 8;

/**
 * When an outbox entry is first due for the sweep: a decision a minute after it was stored (its action
 * normally delivers it at once), a registration's first start ten seconds after it (a start that did
 * happen is answered as a success, so starting early never doubles it).
 */
export const OUTBOX_FIRST_TRY_AFTER_MS = { decided: 60_000, starting: 10_000 } as const;

/** A stable shard of a household (FNV-1a of its id), the same in every function and every run. */
export function shardOf(householdId: string, shards: number = OUTBOX_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < householdId.length; i++) {
    hash ^= householdId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

export interface OutboxBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const OUTBOX_BACKOFF: OutboxBackoff = { baseMs: 30_000, maxMs: 30 * 60_000 };

/**
 * How long an outbox entry that failed `attempts` times waits before its next try: exponential with
 * "equal jitter" (half fixed, half random), capped, so an entry that keeps failing neither blocks the
 * entries behind it nor hammers a service that is in trouble.
 */
export function outboxRetryDelayMs(
  attempts: number,
  random: () => number = Math.random,
  backoff: OutboxBackoff = OUTBOX_BACKOFF,
): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
