import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError, WORKFLOW_ERROR_NAMES, WorkflowError } from '../../../domain/errors';
import { PHASES, type Phase } from '../../../domain/model';
import {
  AWS_HEALING_POLICY,
  classifyError,
  executionName,
  type HealingPolicy,
  healingPolicyFor,
  type ObservedExecution,
  OUTBOX_BACKOFF,
  OUTBOX_SHARDS,
  outboxRetryDelayMs,
  reconcile,
  shardOf,
  type WatchedHousehold,
} from '../../../process/healing';
import { isTerminal } from '../../../process/renovation';

/** An error as the AWS SDK v3 throws it: a `name`, the HTTP answer in `$metadata`, maybe more fields. */
function sdkError(name: string, fields: Record<string, unknown> = {}, status = 400): Error {
  const error = new Error(`${name}: from the service`);
  error.name = name;
  return Object.assign(
    error,
    { $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } },
    fields,
  );
}

function cancelled(...codes: string[]): Error {
  return sdkError('TransactionCanceledException', {
    CancellationReasons: codes.map((Code) => ({ Code, ...(Code === 'None' ? {} : { Message: Code }) })),
  });
}

describe('classifyError', () => {
  it.each([
    ['DynamoDB throttling', sdkError('ProvisionedThroughputExceededException')],
    ['DynamoDB on-demand throttling', sdkError('ThrottlingException')],
    ['DynamoDB request limit', sdkError('RequestLimitExceeded')],
    ['DynamoDB internal error', sdkError('InternalServerError', {}, 500)],
    ['a transaction cancelled by a conflict only', cancelled('None', 'TransactionConflict', 'None')],
    ['a transaction cancelled by throttling', cancelled('ThrottlingError', 'None')],
    ['a transaction with the same token still in progress', sdkError('TransactionInProgressException')],
    ['Step Functions throttling', sdkError('ThrottlingException')],
    ['the open-execution quota', sdkError('ExecutionLimitExceeded')],
    ['S3 slow down', sdkError('SlowDown', {}, 503)],
    ['S3 internal error', sdkError('InternalError', {}, 500)],
    ['Lambda throttling', sdkError('TooManyRequestsException', {}, 429)],
    ['any 5xx answer', sdkError('SomethingNew', {}, 502)],
    ['a 429 answer', sdkError('SomethingNew', {}, 429)],
    ['an answer the SDK marks retryable', sdkError('SomethingNew', { $retryable: { throttling: true } })],
    ['a request timeout', sdkError('TimeoutError')],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a function that already said so', new WorkflowError(WORKFLOW_ERROR_NAMES.TransientError, 'busy')],
    ['a race with a person (close-notice, archive after their tries)', new ConflictError()],
    [
      'a conflict that outlasted the store tries',
      new ConflictError(undefined, { cause: cancelled('None', 'TransactionConflict') }),
    ],
    [
      'an error caused by a network error',
      new Error('send failed', { cause: Object.assign(new Error('x'), { code: 'EPIPE' }) }),
    ],
  ])('transient: %s', (_, error) => {
    expect(classifyError(error)).toBe('transient');
  });

  it.each([
    ['a failed condition', sdkError('ConditionalCheckFailedException')],
    ['a transaction cancelled by a failed condition', cancelled('ConditionalCheckFailed', 'None')],
    ['a condition failed beside a conflict', cancelled('ConditionalCheckFailed', 'TransactionConflict')],
    ['a transaction without reasons', cancelled()],
    ['an invalid request', sdkError('ValidationException')],
    ['a refused permission', sdkError('AccessDeniedException', {}, 403)],
    ['a missing table', sdkError('ResourceNotFoundException')],
    ['a dead task token', sdkError('TaskDoesNotExist')],
    ['a missing execution', sdkError('ExecutionDoesNotExist')],
    ['an execution name taken', sdkError('ExecutionAlreadyExists')],
    ['an unknown household', new WorkflowError(WORKFLOW_ERROR_NAMES.HouseholdNotFound, 'gone')],
    ['a stale task', new WorkflowError(WORKFLOW_ERROR_NAMES.StaleTask, 'moved on')],
    ['an unknown program', new WorkflowError(WORKFLOW_ERROR_NAMES.ProgramNotFound, 'gone')],
    [
      'a workflow error caused by a transient one',
      new WorkflowError(WORKFLOW_ERROR_NAMES.HouseholdNotFound, 'gone', { cause: sdkError('ThrottlingException') }),
    ],
    ['invalid input', ValidationError.field('step', { zh: '无效', en: 'invalid' })],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'phase')")],
    ['a string thrown', 'boom'],
    ['nothing', undefined],
  ])('permanent: %s', (_, error) => {
    expect(classifyError(error)).toBe('permanent');
  });

  it('follows a chain of causes only so far, and never loops on a cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(classifyError(a)).toBe('permanent');
  });
});

describe('executionName', () => {
  it('names a household execution by its attempt, the first being 0', () => {
    expect(executionName('hh-1', 0)).toBe('hh-1-0');
    expect(executionName('hh-1', 7)).toBe('hh-1-7');
  });

  it('fits a UUID household id into the 80 characters Step Functions allows, for any attempt', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.nat({ max: 1_000_000 }), (id, attempt) => {
        expect(executionName(id, attempt).length).toBeLessThanOrEqual(80);
      }),
    );
  });

  it('gives every attempt its own name', () => {
    const names = new Set(Array.from({ length: 100 }, (_, attempt) => executionName('hh-1', attempt)));
    expect(names.size).toBe(100);
  });

  it('refuses an attempt that is not a whole number, or a name that is too long', () => {
    expect(() => executionName('hh-1', -1)).toThrow();
    expect(() => executionName('hh-1', 1.5)).toThrow();
    expect(() => executionName('x'.repeat(79), 1)).toThrow(/80/);
  });
});

const NOW = new Date('2025-06-01T00:00:00Z');
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

function household(overrides: Partial<WatchedHousehold> = {}): WatchedHousehold {
  return {
    householdId: 'hh-1',
    phase: 'township-review',
    terminal: false,
    execution: { name: 'hh-1-3', attempt: 3, startedAt: ago(10 * DAY) },
    ...overrides,
  };
}

const running = (age: number): ObservedExecution => ({ status: 'RUNNING', startDate: ago(age) });

describe('reconcile: an unfinished household', () => {
  const policy = AWS_HEALING_POLICY;

  it('leaves a young running execution and looks again within the check interval', () => {
    const decision = reconcile(household(), running(10 * DAY), NOW, policy);
    expect(decision).toEqual({
      action: 'leave',
      reason: 'running',
      nextCheckAt: new Date(NOW.getTime() + policy.checkEveryMs),
    });
  });

  it('looks again exactly when a running execution comes due for replacement, if that is sooner', () => {
    const dueIn = 10 * 60_000;
    const age = policy.executionLimitMs - policy.replaceMarginMs - dueIn;
    const decision = reconcile(household(), running(age), NOW, policy);
    expect(decision).toMatchObject({ action: 'leave', nextCheckAt: new Date(NOW.getTime() + dueIn) });
  });

  it('stops an execution within the margin of its one-year limit, then starts the next attempt at the household phase', () => {
    const decision = reconcile(household(), running(policy.executionLimitMs - policy.replaceMarginMs), NOW, policy);
    expect(decision).toEqual({
      action: 'restart',
      reason: 'near its time limit',
      stop: 'hh-1-3',
      fromAttempt: 3,
      attempt: 4,
      name: 'hh-1-4',
      input: { householdId: 'hh-1', phase: 'township-review' },
      nextCheckAt: new Date(NOW.getTime() + policy.checkEveryMs),
    });
  });

  it.each<[string, ObservedExecution]>([
    ['timed out', { status: 'TIMED_OUT', startDate: ago(365 * DAY), stopDate: ago(DAY) }],
    ['aborted', { status: 'ABORTED', startDate: ago(DAY), stopDate: ago(60_000) }],
    [
      'failed on TransientError',
      { status: 'FAILED', startDate: ago(DAY), stopDate: ago(1000), error: WORKFLOW_ERROR_NAMES.TransientError },
    ],
    ['failed on Lambda.ServiceException', { status: 'FAILED', startDate: ago(DAY), error: 'Lambda.ServiceException' }],
    ['failed on States.Runtime', { status: 'FAILED', startDate: ago(DAY), error: 'States.Runtime' }],
    ['failed without an error', { status: 'FAILED', startDate: ago(DAY) }],
    [
      'ended (superseded) before the household finished',
      { status: 'SUCCEEDED', startDate: ago(DAY), stopDate: ago(DAY) },
    ],
  ])('restarts, without a stop, a household whose execution %s', (_, observed) => {
    const decision = reconcile(household(), observed, NOW, policy);
    expect(decision).toMatchObject({ action: 'restart', fromAttempt: 3, attempt: 4, name: 'hh-1-4' });
    expect(decision).not.toHaveProperty('stop');
    expect(decision.action === 'restart' && decision.input).toEqual({ householdId: 'hh-1', phase: 'township-review' });
  });

  it('starts the pointer own execution, under its own name, when it was never started', () => {
    const decision = reconcile(
      household({ execution: { name: 'hh-1-0', attempt: 0, startedAt: NOW } }),
      { status: 'MISSING' },
      NOW,
      policy,
    );
    expect(decision).toEqual({
      action: 'start',
      name: 'hh-1-0',
      input: { householdId: 'hh-1', phase: 'township-review' },
      nextCheckAt: new Date(NOW.getTime() + policy.checkEveryMs),
    });
  });

  it.each([
    WORKFLOW_ERROR_NAMES.ProgramNotFound,
    WORKFLOW_ERROR_NAMES.UnknownSystemTask,
    'UnexpectedTransition',
    'UnexpectedPhase',
  ])('waits out the pause after a permanent failure (%s), then restarts once', (error) => {
    const failedAt = ago(60 * 60_000);
    const observed: ObservedExecution = { status: 'FAILED', startDate: ago(DAY), stopDate: failedAt, error };
    expect(reconcile(household(), observed, NOW, policy)).toEqual({
      action: 'leave',
      reason: `failed on ${error}`,
      nextCheckAt: new Date(failedAt.getTime() + policy.permanentFailurePauseMs),
    });
    const afterPause = new Date(failedAt.getTime() + policy.permanentFailurePauseMs);
    expect(reconcile(household(), observed, afterPause, policy)).toMatchObject({ action: 'restart', attempt: 4 });
  });

  it('leaves an execution being redriven', () => {
    expect(reconcile(household(), { status: 'PENDING_REDRIVE', startDate: ago(DAY) }, NOW, policy)).toMatchObject({
      action: 'leave',
    });
  });
});

describe('reconcile: a finished household', () => {
  const policy = AWS_HEALING_POLICY;
  const finished = household({ phase: 'archived', terminal: true });

  it.each<[string, ObservedExecution]>([
    ['succeeded', { status: 'SUCCEEDED', startDate: ago(DAY), stopDate: ago(1000) }],
    ['failed', { status: 'FAILED', startDate: ago(DAY), error: WORKFLOW_ERROR_NAMES.TransientError }],
    ['timed out', { status: 'TIMED_OUT', startDate: ago(365 * DAY) }],
    ['aborted', { status: 'ABORTED', startDate: ago(DAY) }],
    ['missing', { status: 'MISSING' }],
  ])('retires a household whose execution %s, starting nothing', (_, observed) => {
    expect(reconcile(finished, observed, NOW, policy)).toEqual({ action: 'retire' });
  });

  it('lets a running execution finish, and stops one that outstays the margin of its limit', () => {
    expect(reconcile(finished, running(DAY), NOW, policy)).toMatchObject({ action: 'leave', reason: 'finishing' });
    expect(reconcile(finished, running(policy.executionLimitMs), NOW, policy)).toEqual({
      action: 'retire',
      stop: 'hh-1-3',
    });
  });
});

describe('reconcile: properties over every household and every answer', () => {
  const observedArb: fc.Arbitrary<ObservedExecution> = fc.oneof(
    fc.constant<ObservedExecution>({ status: 'MISSING' }),
    fc
      .record({
        status: fc.constantFrom('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE' as const),
        startDate: fc.integer({ min: 0, max: 400 * DAY }).map((age) => ago(age)),
        stopDate: fc.option(
          fc.integer({ min: 0, max: 30 * DAY }).map((age) => ago(age)),
          { nil: undefined },
        ),
        error: fc.option(
          fc.constantFrom(WORKFLOW_ERROR_NAMES.TransientError, WORKFLOW_ERROR_NAMES.ProgramNotFound, 'States.Runtime'),
          {
            nil: undefined,
          },
        ),
      })
      .map(
        (record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as ObservedExecution,
      ),
  );
  const householdArb = fc.record({
    phase: fc.constantFrom<Phase>(...PHASES),
    attempt: fc.nat({ max: 1000 }),
  });
  const policyArb: fc.Arbitrary<HealingPolicy> = fc.constantFrom(AWS_HEALING_POLICY, {
    // The twin's shortened limit under fast waits.
    executionLimitMs: 120_000,
    replaceMarginMs: 40_000,
    checkEveryMs: 10_000,
    permanentFailurePauseMs: 60_000,
  });

  it('never starts a second execution while the current one runs, and moves the pointer by one', () => {
    fc.assert(
      fc.property(householdArb, observedArb, policyArb, ({ phase, attempt }, observed, policy) => {
        const h = household({
          phase,
          terminal: isTerminal(phase),
          execution: { name: executionName('hh-1', attempt), attempt, startedAt: ago(DAY) },
        });
        const decision = reconcile(h, observed, NOW, policy);
        if (decision.action === 'restart') {
          expect(decision.attempt).toBe(attempt + 1);
          expect(decision.fromAttempt).toBe(attempt);
          expect(decision.name).toBe(executionName('hh-1', attempt + 1));
          expect(decision.input).toEqual({ householdId: 'hh-1', phase });
          // A running execution is stopped before its successor starts.
          if (observed.status === 'RUNNING') expect(decision.stop).toBe(h.execution.name);
          else expect(decision.stop).toBeUndefined();
          expect(h.terminal).toBe(false);
        }
        if (decision.action === 'start') {
          expect(observed.status).toBe('MISSING');
          expect(decision.name).toBe(h.execution.name);
        }
        if (decision.action === 'retire') expect(h.terminal).toBe(true);
        if (decision.action === 'leave') expect(decision.nextCheckAt.getTime()).toBeGreaterThan(NOW.getTime());
        if (decision.action === 'leave' && !h.terminal) {
          expect(['RUNNING', 'PENDING_REDRIVE', 'FAILED']).toContain(observed.status);
        }
      }),
    );
  });

  it('is deterministic: the same household and answer give the same decision, so two reconcilers agree', () => {
    fc.assert(
      fc.property(householdArb, observedArb, ({ phase, attempt }, observed) => {
        const h = household({
          phase,
          terminal: isTerminal(phase),
          execution: { name: `hh-1-${attempt}`, attempt, startedAt: NOW },
        });
        expect(reconcile(h, observed, NOW, AWS_HEALING_POLICY)).toEqual(
          reconcile(h, observed, NOW, AWS_HEALING_POLICY),
        );
      }),
    );
  });
});

describe('healingPolicyFor', () => {
  const HOUR = 3_600_000;

  it('replaces a year-long execution after six months, looks hourly, pauses a day after a permanent failure', () => {
    expect(healingPolicyFor(365 * DAY)).toEqual({
      executionLimitMs: 365 * DAY,
      replaceMarginMs: 182.5 * DAY,
      checkEveryMs: HOUR,
      permanentFailurePauseMs: DAY,
    });
    expect(AWS_HEALING_POLICY).toEqual(healingPolicyFor(365 * DAY));
  });

  it('keeps the same proportions for the limits the twin shortens, never looking more than once a second', () => {
    expect(healingPolicyFor(HOUR)).toMatchObject({ replaceMarginMs: HOUR / 2, checkEveryMs: 10_000 });
    expect(healingPolicyFor(16_000)).toMatchObject({ replaceMarginMs: 8_000, checkEveryMs: 1_000 });
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 365 * DAY }), (limit) => {
        const policy = healingPolicyFor(limit);
        // Half the life is left for the reconciler to be late: many looks fit in it.
        expect(policy.executionLimitMs - policy.replaceMarginMs).toBeGreaterThan(0);
        expect(policy.checkEveryMs).toBeGreaterThanOrEqual(1000);
        expect(policy.checkEveryMs).toBeLessThanOrEqual(HOUR);
        expect(policy.permanentFailurePauseMs).toBeLessThanOrEqual(DAY);
      }),
    );
  });

  it('refuses a limit that is not a positive duration', () => {
    for (const limit of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => healingPolicyFor(limit)).toThrow();
  });
});

describe('the outbox: shards and backoff', () => {
  it('puts a household always on the same shard, within range', () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        const shard = shardOf(id);
        expect(shard).toBe(shardOf(id));
        expect(Number.isInteger(shard) && shard >= 0 && shard < OUTBOX_SHARDS).toBe(true);
      }),
    );
  });

  it('spreads households over every shard, none with more than twice its share', () => {
    const counts = new Array<number>(OUTBOX_SHARDS).fill(0);
    for (let i = 0; i < 8000; i++) {
      const id = `${i.toString(16).padStart(8, '0')}-4b1e-4c6a-9d2f-${(i * 7919).toString(16).padStart(12, '0')}`;
      counts[shardOf(id)] = (counts[shardOf(id)] ?? 0) + 1;
    }
    for (const count of counts) {
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThan((2 * 8000) / OUTBOX_SHARDS);
    }
  });

  it('waits longer after each failure, between half and all of a doubling ceiling, and never past the cap', () => {
    expect(outboxRetryDelayMs(1, () => 0)).toBe(OUTBOX_BACKOFF.baseMs / 2);
    expect(outboxRetryDelayMs(1, () => 1)).toBe(OUTBOX_BACKOFF.baseMs);
    expect(outboxRetryDelayMs(3, () => 1)).toBe(OUTBOX_BACKOFF.baseMs * 4);
    expect(outboxRetryDelayMs(1000, () => 1)).toBe(OUTBOX_BACKOFF.maxMs);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempts, r) => {
        const delay = outboxRetryDelayMs(attempts, () => r);
        expect(delay).toBeGreaterThanOrEqual(OUTBOX_BACKOFF.baseMs / 2);
        expect(delay).toBeLessThanOrEqual(OUTBOX_BACKOFF.maxMs);
        expect(outboxRetryDelayMs(attempts + 1, () => 1)).toBeGreaterThanOrEqual(outboxRetryDelayMs(attempts, () => 1));
      }),
    );
  });
});
