/**
 * Runs the built definition in aws-local-stepfunctions with scripted decisions computed by
 * `transition()`, the way the handlers compute them: the walk a household takes through the
 * state machine must be the walk the description promises.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_ERROR_NAMES, WorkflowError } from '../../../domain/errors';
import type { Phase } from '../../../domain/model';
import { buildDefinition, buildDefinitionJson } from '../../../process/asl-builder';
import { RENOVATION, transition } from '../../../process/renovation';

const PLAN = {
  installments: [
    { milestone: 'agreement' },
    { milestone: 'foundation' },
    { milestone: 'roof' },
    { milestone: 'acceptance' },
  ],
};

const machine = new StateMachine(JSON.parse(buildDefinitionJson()));

const RESYNC_PREFIX = 'resync:';

type Script = Partial<Record<Phase, string[]>>;
type RunResult = {
  entered: string[];
  succeeded: boolean;
  error?: string;
  cause?: string;
  /** Retries by state name, as the interpreter reported them (StateRetried events). */
  retried: Record<string, number>;
  /** Handler calls by state name: a retry calls the function again. */
  calls: Record<string, number>;
};

/** Every Task state retries at once in these runs: the delays themselves are the ASL's, asserted in asl-builder.test.ts. */
const NO_RETRY_DELAY = Object.fromEntries(
  Object.entries(buildDefinition().States)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name]) => [name, 0]),
);

/** A scripted outcome that makes the function throw an error of this name instead of deciding. */
const THROW_PREFIX = 'throw:';

function thrown(name: string): Error {
  const error = new Error(`scripted ${name}`);
  error.name = name;
  return error;
}

function payloadOf(input: unknown): { step?: Phase; taskToken?: string; execution?: string } {
  if (typeof input === 'object' && input !== null && 'Payload' in input) {
    const payload = input.Payload;
    if (typeof payload === 'object' && payload !== null) return payload;
  }
  throw new Error('task input without a Payload');
}

/** Plays the staff: each visit of a human step takes the next scripted outcome of its phase. */
async function runHousehold(
  startPhase: Phase,
  script: Script,
  options: {
    nextInstallment?: number;
    overrideNext?: Partial<Record<Phase, string>>;
    /** Phases whose decisions arrive as `{ next }` only, as a handler written before `outcome` would send. */
    withoutOutcome?: readonly Phase[];
  } = {},
) {
  const remaining: Script = Object.fromEntries(Object.entries(script).map(([k, v]) => [k, [...v]]));
  const { overrideNext } = options;
  let nextInstallment = options.nextInstallment ?? 0;
  const decide = (phase: Phase): { outcome?: string; next: string } => {
    const outcome = remaining[phase]?.shift();
    if (outcome === undefined) throw new Error(`the script has no more outcomes for ${phase}`);
    // `resync:<phase>`: the household record is elsewhere, as RecordTaskFn or close-notice answer then.
    if (outcome.startsWith(RESYNC_PREFIX)) return { outcome: 'resync', next: outcome.slice(RESYNC_PREFIX.length) };
    if (outcome === 'stale') throw new WorkflowError(WORKFLOW_ERROR_NAMES.StaleTask, 'household moved on');
    if (outcome === 'missing') throw new WorkflowError(WORKFLOW_ERROR_NAMES.HouseholdNotFound, 'no such household');
    if (outcome.startsWith(THROW_PREFIX)) throw thrown(outcome.slice(THROW_PREFIX.length));
    const afterThis = phase === 'installment-release' ? nextInstallment + 1 : nextInstallment;
    const next = overrideNext?.[phase] ?? transition(phase, outcome, { ...PLAN, nextInstallment: afterThis });
    nextInstallment = afterThis;
    return options.withoutOutcome?.includes(phase) ? { next } : { outcome, next };
  };

  const calls: Record<string, number> = {};
  const counted =
    (name: string, handler: (input: unknown) => unknown) =>
    (input: unknown): unknown => {
      calls[name] = (calls[name] ?? 0) + 1;
      return handler(input);
    };
  const handlers: Record<string, (input: unknown) => unknown> = {
    OpenNotice: counted('OpenNotice', () => ({ Payload: { endsAt: new Date().toISOString() } })),
    CloseNotice: counted('CloseNotice', () => ({ Payload: decide('public-notice') })),
    Archive: counted('Archive', () => {
      const outcome = remaining.archiving?.shift();
      if (outcome?.startsWith(THROW_PREFIX)) throw thrown(outcome.slice(THROW_PREFIX.length));
      return { Payload: { archived: true } };
    }),
  };
  const seenTokens = new Set<string>();
  for (const step of RENOVATION.steps) {
    if (step.kind !== 'human') continue;
    handlers[step.state] = counted(step.state, (input) => {
      const payload = payloadOf(input);
      if (payload.step !== step.phase) throw new Error(`${step.state} recorded the step ${payload.step}`);
      if (payload.execution !== 'hh-1-0') throw new Error(`${step.state} was not told its execution's name`);
      if (!payload.taskToken || seenTokens.has(payload.taskToken))
        throw new Error('callback task without a fresh token');
      seenTokens.add(payload.taskToken);
      return decide(step.phase);
    });
  }

  let tokens = 0;
  const execution = machine.run(
    { householdId: 'hh-1', phase: startPhase },
    {
      // The real service mints one token per callback task; so does this getter.
      context: {
        Execution: { Name: 'hh-1-0' },
        Task: {
          get Token() {
            tokens += 1;
            return `token-${tokens}`;
          },
        },
      },
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        waitTimeOverrides: { NoticePeriod: 0 },
        retryIntervalOverrides: NO_RETRY_DELAY,
      },
    },
  );
  const result: RunResult = { entered: [], succeeded: false, retried: {}, calls };
  for await (const event of execution.eventLogs) {
    if (event.type === 'StateEntered') result.entered.push(event.state.name);
    if (event.type === 'StateRetried') result.retried[event.state.name] = (result.retried[event.state.name] ?? 0) + 1;
    if (event.type === 'ExecutionSucceeded') result.succeeded = true;
    if (event.type === 'ExecutionFailed') {
      result.error = event.Error;
      result.cause = String(event.Cause);
    }
  }
  await execution.result.catch(() => undefined);
  return result;
}

const humanOrSystem = (entered: string[]) =>
  entered.filter((name) => !name.endsWith('Decision') && name !== 'RouteByPhase' && name !== 'NoticePeriod');

describe('a household through the local state machine', () => {
  it('follows send-backs, an upheld objection, a failed inspection and a failed acceptance to the archive', async () => {
    const run = await runHousehold('safety-appraisal', {
      'safety-appraisal': ['qualified'],
      'village-appraisal': ['approved', 'approved'],
      'township-review': ['send-back', 'approve', 'approve'],
      'county-approval': ['approve', 'approve'],
      'public-notice': ['objections', 'no-objection'],
      'objection-review': ['upheld'],
      agreement: ['signed'],
      'installment-release': ['released', 'released', 'released', 'released'],
      'milestone-inspection': ['fail', 'pass', 'pass'],
      'final-acceptance': ['fail', 'pass'],
    });

    expect(run.succeeded).toBe(true);
    expect(humanOrSystem(run.entered)).toEqual([
      'SafetyAppraisal',
      'VillageAppraisal',
      'TownshipReview',
      'VillageAppraisal',
      'TownshipReview',
      'CountyApproval',
      'OpenNotice',
      'CloseNotice',
      'ObjectionReview',
      'TownshipReview',
      'CountyApproval',
      'OpenNotice',
      'CloseNotice',
      'Agreement',
      'InstallmentRelease',
      'MilestoneInspection',
      'MilestoneInspection',
      'InstallmentRelease',
      'MilestoneInspection',
      'InstallmentRelease',
      'FinalAcceptance',
      'FinalAcceptance',
      'InstallmentRelease',
      'Archive',
      'Archived',
    ]);
  });

  it('ends in Rejected when the house is not dangerous', async () => {
    const run = await runHousehold('safety-appraisal', { 'safety-appraisal': ['not-qualified'] });

    expect(run.succeeded).toBe(true);
    expect(run.entered.at(-1)).toBe('Rejected');
  });

  it('restarts at the phase in the input', async () => {
    const run = await runHousehold(
      'final-acceptance',
      { 'final-acceptance': ['pass'], 'installment-release': ['released'] },
      { nextInstallment: PLAN.installments.length - 1 },
    );

    expect(run.succeeded).toBe(true);
    expect(humanOrSystem(run.entered)).toEqual(['FinalAcceptance', 'InstallmentRelease', 'Archive', 'Archived']);
  });

  it('ends quietly as Superseded when the handler reports that the household moved on', async () => {
    const run = await runHousehold('county-approval', { 'county-approval': ['stale'] });

    expect(run.succeeded).toBe(true);
    expect(run.entered.at(-1)).toBe('Superseded');
  });

  it('fails with the workflow error name when the household does not exist', async () => {
    const run = await runHousehold('village-appraisal', { 'village-appraisal': ['missing'] });

    expect(run.succeeded).toBe(false);
    expect(run.entered.at(-1)).toBe('CannotContinue');
    expect(run.error).toBe(WORKFLOW_ERROR_NAMES.HouseholdNotFound);
  });

  it('fails with UnexpectedTransition when a decision names a phase the step does not lead to', async () => {
    const run = await runHousehold(
      'township-review',
      { 'township-review': ['approve'] },
      {
        overrideNext: { 'township-review': 'agreement' },
      },
    );

    expect(run.succeeded).toBe(false);
    expect(run.error).toBe('UnexpectedTransition');
  });

  it('catches a township review restarted after the household moved on up at county approval', async () => {
    const run = await runHousehold('township-review', {
      'township-review': ['resync:county-approval'],
      'county-approval': ['reject'],
    });

    expect(run.succeeded).toBe(true);
    expect(run.entered).toEqual([
      'RouteByPhase',
      'TownshipReview',
      'TownshipReviewDecision',
      'ResyncPhase',
      'RouteByPhase',
      'CountyApproval',
      'CountyApprovalDecision',
      'Rejected',
    ]);
  });

  it('ends in Rejected when the resynced household was rejected meanwhile', async () => {
    const run = await runHousehold('village-appraisal', { 'village-appraisal': ['resync:rejected'] });

    expect(run.succeeded).toBe(true);
    expect(run.entered.slice(-3)).toEqual(['ResyncPhase', 'RouteByPhase', 'Rejected']);
  });

  it('ends in Archived when the resynced household was archived meanwhile', async () => {
    const run = await runHousehold('installment-release', { 'installment-release': ['resync:archived'] });

    expect(run.succeeded).toBe(true);
    expect(run.entered.slice(-3)).toEqual(['ResyncPhase', 'RouteByPhase', 'Archived']);
  });

  it('re-routes when the notice had already closed', async () => {
    const run = await runHousehold('public-notice', {
      'public-notice': ['resync:objection-review'],
      'objection-review': ['stale'],
    });

    expect(run.succeeded).toBe(true);
    expect(humanOrSystem(run.entered)).toEqual([
      'OpenNotice',
      'CloseNotice',
      'ResyncAfterNotice',
      'ObjectionReview',
      'Superseded',
    ]);
  });

  it('goes by next when a decision or the notice result carries no outcome', async () => {
    const run = await runHousehold(
      'county-approval',
      {
        'county-approval': ['approve'],
        'public-notice': ['objections'],
        'objection-review': ['dismissed'],
        agreement: ['stale'],
      },
      { withoutOutcome: ['county-approval', 'public-notice'] },
    );

    expect(run.succeeded).toBe(true);
    expect(humanOrSystem(run.entered)).toEqual([
      'CountyApproval',
      'OpenNotice',
      'CloseNotice',
      'ObjectionReview',
      'Agreement',
      'Superseded',
    ]);
  });

  it('fails with UnexpectedTransition on a wrong next even without an outcome', async () => {
    const run = await runHousehold(
      'county-approval',
      { 'county-approval': ['approve'] },
      { overrideNext: { 'county-approval': 'agreement' }, withoutOutcome: ['county-approval'] },
    );

    expect(run.succeeded).toBe(false);
    expect(run.error).toBe('UnexpectedTransition');
  });
});

describe('a household through failures of its functions', () => {
  const TRANSIENT = `${THROW_PREFIX}${WORKFLOW_ERROR_NAMES.TransientError}`;

  it('retries a TransientError of a callback task to success, with a fresh task token each time', async () => {
    const run = await runHousehold('county-approval', {
      'county-approval': [TRANSIENT, TRANSIENT, 'reject'],
    });

    expect(run.succeeded).toBe(true);
    expect(run.entered.at(-1)).toBe('Rejected');
    expect(run.retried.CountyApproval).toBe(2);
    expect(run.calls.CountyApproval).toBe(3);
  });

  it.each([
    'Lambda.ServiceException',
    'Lambda.TooManyRequestsException',
    'Lambda.ClientExecutionTimeoutException',
    'Sandbox.Timedout',
    'Lambda.Unknown',
  ])('retries %s of a system task to success', async (error) => {
    const run = await runHousehold('public-notice', {
      'public-notice': [`${THROW_PREFIX}${error}`, 'no-objection'],
      agreement: ['stale'],
    });

    expect(run.succeeded).toBe(true);
    expect(run.retried.CloseNotice).toBe(1);
    expect(run.calls.CloseNotice).toBe(2);
    // A retry runs the state again without leaving it.
    expect(humanOrSystem(run.entered)).toEqual(['OpenNotice', 'CloseNotice', 'Agreement', 'Superseded']);
  });

  it('routes a permanent workflow error at once, without a retry', async () => {
    const run = await runHousehold('agreement', {
      agreement: [`${THROW_PREFIX}${WORKFLOW_ERROR_NAMES.ProgramNotFound}`],
    });

    expect(run.succeeded).toBe(false);
    expect(run.error).toBe(WORKFLOW_ERROR_NAMES.ProgramNotFound);
    expect(run.entered.at(-1)).toBe('CannotContinue');
    expect(run.retried).toEqual({});
    expect(run.calls.Agreement).toBe(1);
  });

  it('ends an error nobody classified in Unrecoverable at once, keeping its name and cause', async () => {
    const run = await runHousehold('safety-appraisal', { 'safety-appraisal': [`${THROW_PREFIX}TypeError`] });

    expect(run.succeeded).toBe(false);
    expect(run.entered.at(-1)).toBe('Unrecoverable');
    expect(run.error).toBe('TypeError');
    expect(run.cause).toContain('scripted TypeError');
    expect(run.calls.SafetyAppraisal).toBe(1);
  });

  it('ends in Unrecoverable, as TransientError, when the retries run out', async () => {
    const run = await runHousehold('archiving', { archiving: Array.from({ length: 20 }, () => TRANSIENT) });

    expect(run.succeeded).toBe(false);
    expect(run.entered.at(-1)).toBe('Unrecoverable');
    expect(run.error).toBe(WORKFLOW_ERROR_NAMES.TransientError);
    // The first call and the retrier's twelve tries.
    expect(run.calls.Archive).toBe(13);
    expect(run.retried.Archive).toBe(12);
  });

  it('counts the tries of each kind of error apart', async () => {
    const run = await runHousehold('township-review', {
      'township-review': [
        `${THROW_PREFIX}Lambda.ServiceException`,
        TRANSIENT,
        `${THROW_PREFIX}Lambda.ServiceException`,
        TRANSIENT,
        'approve',
      ],
      'county-approval': ['stale'],
    });

    expect(run.succeeded).toBe(true);
    expect(run.retried.TownshipReview).toBe(4);
    expect(run.entered.at(-1)).toBe('Superseded');
  });
});
