import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_ERROR_NAMES } from '../../../domain/errors';
import { PHASES, type Phase } from '../../../domain/model';
import {
  type AslDefinition,
  type AslState,
  buildDefinition,
  buildDefinitionJson,
  CALLBACK_RESOURCE,
  type ChoiceState,
  entryStateOf,
  INVOKE_RESOURCE,
  type JsonPathChoiceRule,
  LAMBDA_SERVICE_ERRORS,
  type Retrier,
  SYSTEM_TASK_TIMEOUT_SECONDS,
  type TaskState,
  TIMEOUT_ERRORS,
} from '../../../process/asl-builder';
import { ACTIVE_PHASES, outcomesOf, RENOVATION, transition } from '../../../process/renovation';

const definition = buildDefinition();

function state(name: string): AslState {
  const found = definition.States[name];
  if (!found) throw new Error(`no state ${name}`);
  return found;
}

function choice(name: string): ChoiceState {
  const found = state(name);
  if (found.Type !== 'Choice') throw new Error(`${name} is a ${found.Type}, not a Choice`);
  return found;
}

function task(name: string): TaskState {
  const found = state(name);
  if (found.Type !== 'Task') throw new Error(`${name} is a ${found.Type}, not a Task`);
  return found;
}

function valueAt(input: unknown, path: string): unknown {
  let current: unknown = input;
  for (const key of path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

type Comparison = { readonly Variable: string; readonly StringEquals?: string; readonly IsPresent?: boolean };

/** Like Step Functions: a comparison on a path missing from the input is a States.Runtime error, not false. */
function compare(comparison: Comparison, input: unknown): boolean {
  const value = valueAt(input, comparison.Variable);
  if (comparison.IsPresent !== undefined) return (value !== undefined) === comparison.IsPresent;
  if (value === undefined) throw new Error(`States.Runtime: invalid path '${comparison.Variable}'`);
  return value === comparison.StringEquals;
}

function matches(rule: JsonPathChoiceRule, input: unknown): boolean {
  if ('And' in rule) return rule.And.every((comparison) => compare(comparison, input));
  return compare(rule, input);
}

/** Where a Choice sends an input, evaluated like Step Functions does: first matching rule, else Default. */
function choose(choiceName: string, input: unknown): string {
  const rules = choice(choiceName);
  return rules.Choices.find((rule) => matches(rule, input))?.Next ?? rules.Default;
}

/** The state input that reaches a Choice: the phase for RouteByPhase, else the decision at its path. */
function inputFor(choiceName: string, next: string, outcome?: string): Record<string, unknown> {
  const decision = outcome === undefined ? { next } : { outcome, next };
  if (choiceName === 'RouteByPhase') return { householdId: 'hh-1', phase: next };
  if (choiceName === 'PublicNoticeDecision') return { householdId: 'hh-1', decision: { result: decision } };
  return { householdId: 'hh-1', decision };
}

function route(choiceName: string, next: string, outcome?: string): string {
  return choose(choiceName, inputFor(choiceName, next, outcome));
}

/** Runs the Choice and Pass states from `start` and names every state entered, up to the first other state. */
function walk(start: string, input: unknown): string[] {
  const entered = [start];
  let current: unknown = input;
  for (let s = state(start); s.Type === 'Choice' || s.Type === 'Pass'; ) {
    let next: string;
    if (s.Type === 'Choice') {
      next = choose(entered.at(-1) ?? start, current);
    } else {
      const input = current;
      current = Object.fromEntries(
        Object.entries(s.Parameters).map(([key, path]) =>
          key.endsWith('.$') ? [key.slice(0, -2), valueAt(input, path)] : [key, path],
        ),
      );
      next = s.Next;
    }
    entered.push(next);
    s = state(next);
  }
  return entered;
}

function successors(s: AslState): string[] {
  switch (s.Type) {
    case 'Choice':
      return [...s.Choices.map((c) => c.Next), s.Default];
    case 'Task':
      return [s.Next, ...s.Catch.map((c) => c.Next)];
    case 'Wait':
    case 'Pass':
      return [s.Next];
    default:
      return [];
  }
}

function reachableFrom(def: AslDefinition, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (seen.has(name)) continue;
    seen.add(name);
    const s = def.States[name];
    if (s) queue.push(...successors(s));
  }
  return seen;
}

const humanSteps = RENOVATION.steps.flatMap((step) => (step.kind === 'human' ? [step] : []));

describe('the state machine graph', () => {
  it('starts with RouteByPhase, a branch for every phase, terminal ones included, and an unknown phase fails', () => {
    expect(definition.StartAt).toBe('RouteByPhase');
    const routed = choice('RouteByPhase').Choices.map((c) => ('StringEquals' in c ? c.StringEquals : undefined));
    expect([...routed].sort()).toEqual([...PHASES].sort());
    expect(state(choice('RouteByPhase').Default)).toMatchObject({ Type: 'Fail' });
    expect(route('RouteByPhase', 'demolished')).toBe('UnexpectedPhase');
  });

  it('routes the terminal phases to their end states, so a resynced finished household ends properly', () => {
    expect(route('RouteByPhase', 'archived')).toBe('Archived');
    expect(route('RouteByPhase', 'rejected')).toBe('Rejected');
  });

  it('routes each phase to its business state', () => {
    expect(route('RouteByPhase', 'safety-appraisal')).toBe('SafetyAppraisal');
    expect(route('RouteByPhase', 'township-review')).toBe('TownshipReview');
    expect(route('RouteByPhase', 'public-notice')).toBe('OpenNotice');
    expect(route('RouteByPhase', 'milestone-inspection')).toBe('MilestoneInspection');
    expect(route('RouteByPhase', 'archiving')).toBe('Archive');
    for (const phase of ACTIVE_PHASES) expect(route('RouteByPhase', phase)).toBe(entryStateOf(phase));
  });

  it('reaches every state from RouteByPhase and points at no missing state', () => {
    const reachable = reachableFrom(definition, 'RouteByPhase');
    expect([...reachable].sort()).toEqual(Object.keys(definition.States).sort());
    for (const s of Object.values(definition.States)) {
      for (const next of successors(s)) expect(Object.keys(definition.States)).toContain(next);
    }
  });

  it('ends only in Archived, Rejected, Superseded or a Fail state', () => {
    const ends = Object.entries(definition.States).filter(([, s]) => successors(s).length === 0);
    expect(
      ends
        .filter(([, s]) => s.Type === 'Succeed')
        .map(([name]) => name)
        .sort(),
    ).toEqual(['Archived', 'Rejected', 'Superseded']);
    expect(ends.every(([, s]) => s.Type === 'Succeed' || s.Type === 'Fail')).toBe(true);
  });

  it('makes every human step a callback task without a timeout, retried on Lambda service errors', () => {
    for (const step of humanSteps) {
      const t = task(step.state);
      expect(t.Resource.endsWith('.waitForTaskToken')).toBe(true);
      expect(t.Resource).toBe(CALLBACK_RESOURCE);
      expect(t).not.toHaveProperty('TimeoutSeconds');
      expect(t).not.toHaveProperty('HeartbeatSeconds');
      expect(t.Parameters).toEqual({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the definition substitution named in docs/design.md
        FunctionName: '${RecordTaskFn}',
        Payload: {
          'taskToken.$': '$$.Task.Token',
          'householdId.$': '$.householdId',
          step: step.phase,
          'execution.$': '$$.Execution.Name',
        },
      });
      expect(t.ResultPath).toBe('$.decision');
      expect(t.Retry[0]?.ErrorEquals).toEqual([...LAMBDA_SERVICE_ERRORS]);
      expect(t.Retry[0]?.BackoffRate).toBeGreaterThan(1);
      expect(t.Next).toBe(`${step.state}Decision`);
    }
  });

  it('sends every unexpected decision to the UnexpectedTransition failure', () => {
    for (const step of humanSteps) {
      const decision = choice(`${step.state}Decision`);
      expect(decision.Default).toBe('UnexpectedTransition');
      expect(decision.Choices.slice(1).every((c) => 'Variable' in c && c.Variable === '$.decision.next')).toBe(true);
      expect(route(`${step.state}Decision`, 'demolished', 'approve')).toBe('UnexpectedTransition');
    }
    expect(state('UnexpectedTransition')).toMatchObject({ Type: 'Fail', Error: 'UnexpectedTransition' });
  });

  it('has each decision lead where the description says', () => {
    for (const step of RENOVATION.steps) {
      if (step.kind === 'archive') continue;
      const decisionState = step.kind === 'human' ? `${step.state}Decision` : 'PublicNoticeDecision';
      for (const targets of Object.values(outcomesOf(step.phase))) {
        for (const target of targets) expect(route(decisionState, target)).toBe(entryStateOf(target));
      }
    }
  });

  it('agrees with transition() on the static outcomes', () => {
    for (const step of humanSteps) {
      for (const [outcome, target] of Object.entries(step.outcomes)) {
        if (typeof target !== 'string') continue;
        expect(route(`${step.state}Decision`, transition(step.phase, outcome), outcome)).toBe(entryStateOf(target));
      }
    }
  });

  it.each<[string, Phase, string]>([
    ['SafetyAppraisalDecision', 'rejected', 'Rejected'],
    ['TownshipReviewDecision', 'village-appraisal', 'VillageAppraisal'],
    ['TownshipReviewDecision', 'rejected', 'Rejected'],
    ['CountyApprovalDecision', 'township-review', 'TownshipReview'],
    ['CountyApprovalDecision', 'public-notice', 'OpenNotice'],
    ['ObjectionReviewDecision', 'township-review', 'TownshipReview'],
    ['MilestoneInspectionDecision', 'milestone-inspection', 'MilestoneInspection'],
    ['InstallmentReleaseDecision', 'archiving', 'Archive'],
    ['InstallmentReleaseDecision', 'final-acceptance', 'FinalAcceptance'],
    ['AgreementDecision', 'installment-release', 'InstallmentRelease'],
    ['PublicNoticeDecision', 'objection-review', 'ObjectionReview'],
  ])('%s: next %s -> %s', (decisionState, next, expected) => {
    expect(route(decisionState, next)).toBe(expected);
  });

  it('refuses a decision that skips steps', () => {
    expect(route('TownshipReviewDecision', 'public-notice')).toBe('UnexpectedTransition');
    expect(route('SafetyAppraisalDecision', 'archived')).toBe('UnexpectedTransition');
  });

  it('checks the resync outcome first in every decision, guarded by IsPresent, and catches up in a Pass state', () => {
    const decisions: [string, string, string][] = [
      ...humanSteps.map((step): [string, string, string] => [`${step.state}Decision`, '$.decision', 'ResyncPhase']),
      ['PublicNoticeDecision', '$.decision.result', 'ResyncAfterNotice'],
    ];
    for (const [decisionState, path, resyncState] of decisions) {
      expect(choice(decisionState).Choices[0]).toEqual({
        And: [
          { Variable: `${path}.outcome`, IsPresent: true },
          { Variable: `${path}.outcome`, StringEquals: 'resync' },
        ],
        Next: resyncState,
      });
    }
    expect(state('ResyncPhase')).toEqual({
      Type: 'Pass',
      Comment: expect.any(String),
      Parameters: { 'householdId.$': '$.householdId', 'phase.$': '$.decision.next' },
      Next: 'RouteByPhase',
    });
    expect(state('ResyncAfterNotice')).toEqual({
      Type: 'Pass',
      Comment: expect.any(String),
      Parameters: { 'householdId.$': '$.householdId', 'phase.$': '$.decision.result.next' },
      Next: 'RouteByPhase',
    });
  });

  it('catches a resynced township review up with a household already at county approval', () => {
    const input = {
      householdId: 'hh-1',
      phase: 'township-review',
      decision: { outcome: 'resync', next: 'county-approval' },
    };
    expect(walk('TownshipReviewDecision', input)).toEqual([
      'TownshipReviewDecision',
      'ResyncPhase',
      'RouteByPhase',
      'CountyApproval',
    ]);
  });

  it.each<[string, Phase, string]>([
    ['SafetyAppraisalDecision', 'rejected', 'Rejected'],
    ['TownshipReviewDecision', 'rejected', 'Rejected'],
    ['VillageAppraisalDecision', 'archived', 'Archived'],
    ['CountyApprovalDecision', 'milestone-inspection', 'MilestoneInspection'],
    ['PublicNoticeDecision', 'agreement', 'Agreement'],
    ['PublicNoticeDecision', 'rejected', 'Rejected'],
  ])('%s: resync to %s, even where the step does not lead, ends at %s', (decisionState, next, expected) => {
    const entered = walk(decisionState, { householdId: 'hh-1', ...inputFor(decisionState, next, 'resync') });
    const resyncState = decisionState === 'PublicNoticeDecision' ? 'ResyncAfterNotice' : 'ResyncPhase';
    expect(entered).toEqual([decisionState, resyncState, 'RouteByPhase', expected]);
  });

  it('fails a resync to a phase the process does not know as UnexpectedPhase', () => {
    expect(walk('AgreementDecision', inputFor('AgreementDecision', 'demolished', 'resync')).at(-1)).toBe(
      'UnexpectedPhase',
    );
  });

  it('goes by next when the decision has no outcome field', () => {
    // Without the IsPresent guard the resync rule itself would fail the execution on such a decision.
    const unguarded: JsonPathChoiceRule = {
      Variable: '$.decision.outcome',
      StringEquals: 'resync',
      Next: 'ResyncPhase',
    };
    expect(() => matches(unguarded, inputFor('TownshipReviewDecision', 'county-approval'))).toThrow(/States.Runtime/);

    expect(route('TownshipReviewDecision', 'county-approval')).toBe('CountyApproval');
    expect(route('PublicNoticeDecision', 'objection-review')).toBe('ObjectionReview');
    expect(route('CountyApprovalDecision', 'agreement')).toBe('UnexpectedTransition');
  });

  it('runs the public notice as open, timed wait until endsAt, close and a choice on its result', () => {
    const open = task('OpenNotice');
    expect(open.Resource).toBe(INVOKE_RESOURCE);
    expect(open.Parameters).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the definition substitution named in docs/design.md
      FunctionName: '${SystemTaskFn}',
      Payload: { task: 'open-notice', 'householdId.$': '$.householdId' },
    });
    expect(open.ResultSelector).toEqual({ 'result.$': '$.Payload' });
    expect(open.Next).toBe('NoticePeriod');
    expect(state('NoticePeriod')).toEqual(
      expect.objectContaining({ Type: 'Wait', TimestampPath: `${open.ResultPath}.result.endsAt`, Next: 'CloseNotice' }),
    );
    const close = task('CloseNotice');
    expect(close.Parameters.Payload.task).toBe('close-notice');
    expect(close.Next).toBe('PublicNoticeDecision');
    const onNext = choice('PublicNoticeDecision').Choices.slice(1);
    expect(onNext.every((c) => 'Variable' in c && c.Variable === `${close.ResultPath}.result.next`)).toBe(true);
  });

  it('archives with a system task and ends in Archived', () => {
    const archive = task('Archive');
    expect(archive.Resource).toBe(INVOKE_RESOURCE);
    expect(archive.Parameters.Payload.task).toBe('archive');
    expect(archive.Next).toBe('Archived');
    expect(state('Archived')).toMatchObject({ Type: 'Succeed' });
    expect(state('Rejected')).toMatchObject({ Type: 'Succeed' });
  });

  it('ends an execution whose task went stale as Superseded and fails on the other workflow errors', () => {
    const tasks = Object.values(definition.States).filter((s): s is TaskState => s.Type === 'Task');
    expect(tasks.length).toBe(humanSteps.length + 3);
    const caught = (t: TaskState, error: string) => t.Catch.find((c) => c.ErrorEquals.includes(error))?.Next;
    for (const t of tasks) {
      expect(caught(t, WORKFLOW_ERROR_NAMES.StaleTask)).toBe('Superseded');
      expect(caught(t, WORKFLOW_ERROR_NAMES.HouseholdNotFound)).toBe('CannotContinue');
      expect(caught(t, WORKFLOW_ERROR_NAMES.ProgramNotFound)).toBe('CannotContinue');
      expect(t.Retry.flatMap((r) => r.ErrorEquals)).not.toContain('States.ALL');
    }
    expect(state('CannotContinue')).toMatchObject({ Type: 'Fail', ErrorPath: '$.error.Error' });
  });

  it('uses JSONPath only', () => {
    const json = buildDefinitionJson();
    expect(json).not.toContain('QueryLanguage');
    expect(json).not.toContain('JSONata');
    expect(json).not.toContain('Arguments');
  });

  it('takes the function names as options', () => {
    const def = buildDefinition(RENOVATION, { recordTaskFunction: 'record', systemTaskFunction: 'system' });
    const record = def.States.TownshipReview;
    const system = def.States.Archive;
    expect(record?.Type === 'Task' && record.Parameters.FunctionName).toBe('record');
    expect(system?.Type === 'Task' && system.Parameters.FunctionName).toBe('system');
  });

  it('rejects a description whose outcome leads to a phase without a state', () => {
    const broken = {
      ...RENOVATION,
      steps: RENOVATION.steps.filter((step) => step.phase !== 'village-appraisal'),
    };
    expect(() => buildDefinition(broken)).toThrow(/village-appraisal/);
  });
});

const taskStates = Object.entries(definition.States).filter(
  (entry): entry is [string, TaskState] => entry[1].Type === 'Task',
);

/** The retrier Step Functions applies to an error: the first whose ErrorEquals names it (or States.ALL). */
function retrierFor(t: TaskState, error: string): Retrier | undefined {
  return t.Retry.find((r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL'));
}

/** The catcher Step Functions applies to an error once its retries are spent. */
function catcherFor(t: TaskState, error: string): string | undefined {
  return t.Catch.find((c) => c.ErrorEquals.includes(error) || c.ErrorEquals.includes('States.ALL'))?.Next;
}

/** The longest a retrier can wait in all (every delay at its ceiling before the full jitter). */
function worstCaseWaitSeconds(r: Retrier): number {
  let total = 0;
  for (let attempt = 0; attempt < r.MaxAttempts; attempt++) {
    total += Math.min(r.IntervalSeconds * r.BackoffRate ** attempt, r.MaxDelaySeconds);
  }
  return total;
}

describe('retries and catches of every Task state', () => {
  it('has each human step and the three system steps as Task states', () => {
    expect(taskStates.map(([name]) => name).sort()).toEqual(
      [...humanSteps.map((step) => step.state), 'OpenNotice', 'CloseNotice', 'Archive'].sort(),
    );
  });

  it.each(taskStates)('%s retries every Lambda service error quickly, with jittered exponential backoff', (_, t) => {
    for (const error of [...LAMBDA_SERVICE_ERRORS, 'Lambda.ClientExecutionTimeoutException']) {
      const r = retrierFor(t, error);
      expect(r, error).toBeDefined();
      expect(r?.BackoffRate).toBeGreaterThan(1);
      expect(r?.JitterStrategy).toBe('FULL');
      expect(r?.MaxAttempts).toBeGreaterThanOrEqual(3);
      expect(worstCaseWaitSeconds(r as Retrier)).toBeLessThanOrEqual(120);
    }
  });

  it.each(taskStates)('%s retries a function that timed out or ran out of memory', (_, t) => {
    for (const error of ['Sandbox.Timedout', 'Lambda.Unknown', 'States.Timeout']) {
      const r = retrierFor(t, error);
      expect(r, error).toBeDefined();
      expect(r?.BackoffRate).toBeGreaterThan(1);
      expect(r?.JitterStrategy).toBe('FULL');
    }
    expect([...TIMEOUT_ERRORS].sort()).toEqual(['Lambda.Unknown', 'Sandbox.Timedout', 'States.Timeout']);
  });

  it.each(taskStates)("%s retries a function's TransientError for minutes, capped and jittered", (_, t) => {
    const r = retrierFor(t, WORKFLOW_ERROR_NAMES.TransientError);
    expect(r).toBeDefined();
    expect(r?.ErrorEquals).toEqual([WORKFLOW_ERROR_NAMES.TransientError]);
    expect(r?.MaxAttempts).toBeGreaterThanOrEqual(10);
    expect(r?.BackoffRate).toBeGreaterThan(1);
    expect(r?.MaxDelaySeconds).toBeLessThanOrEqual(300);
    expect(r?.JitterStrategy).toBe('FULL');
    // Long enough to outlast a throttled table or a service's bad minutes, short enough to hand over to the reconciler.
    expect(worstCaseWaitSeconds(r as Retrier)).toBeGreaterThanOrEqual(5 * 60);
    expect(worstCaseWaitSeconds(r as Retrier)).toBeLessThanOrEqual(30 * 60);
  });

  it.each(taskStates)('%s never retries a permanent error and routes it', (_, t) => {
    for (const error of [
      WORKFLOW_ERROR_NAMES.StaleTask,
      WORKFLOW_ERROR_NAMES.HouseholdNotFound,
      WORKFLOW_ERROR_NAMES.ProgramNotFound,
      WORKFLOW_ERROR_NAMES.UnknownSystemTask,
      'TypeError',
      'States.TaskFailed',
    ]) {
      expect(retrierFor(t, error), error).toBeUndefined();
    }
    expect(catcherFor(t, WORKFLOW_ERROR_NAMES.StaleTask)).toBe('Superseded');
    expect(catcherFor(t, WORKFLOW_ERROR_NAMES.HouseholdNotFound)).toBe('CannotContinue');
    expect(catcherFor(t, WORKFLOW_ERROR_NAMES.ProgramNotFound)).toBe('CannotContinue');
    expect(catcherFor(t, WORKFLOW_ERROR_NAMES.UnknownSystemTask)).toBe('CannotContinue');
  });

  it.each(taskStates)('%s ends any other error, retries spent, in Unrecoverable with the error kept', (_, t) => {
    const last = t.Catch.at(-1);
    // States.ALL must stand alone and last in a Catch.
    expect(last).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Unrecoverable' });
    expect(t.Catch.slice(0, -1).every((c) => !c.ErrorEquals.includes('States.ALL'))).toBe(true);
    for (const error of [
      WORKFLOW_ERROR_NAMES.TransientError,
      'Lambda.ServiceException',
      'Sandbox.Timedout',
      'TypeError',
    ]) {
      expect(catcherFor(t, error), error).toBe('Unrecoverable');
    }
  });

  it('keeps the error name and cause in Unrecoverable, for the reconciler and the failed-executions alarm', () => {
    expect(state('Unrecoverable')).toMatchObject({
      Type: 'Fail',
      ErrorPath: '$.error.Error',
      CausePath: '$.error.Cause',
    });
  });

  it('bounds a system task by a state timeout and never a callback task', () => {
    for (const [name, t] of taskStates) {
      if (t.Resource === CALLBACK_RESOURCE) expect(t, name).not.toHaveProperty('TimeoutSeconds');
      else expect(t.TimeoutSeconds, name).toBe(SYSTEM_TASK_TIMEOUT_SECONDS);
    }
  });
});

describe('aws-local-stepfunctions validation', () => {
  it('accepts the definition', () => {
    expect(() => new StateMachine(JSON.parse(buildDefinitionJson()))).not.toThrow();
  });

  it('would reject a definition with a dangling Next (the validation is real)', () => {
    const broken = JSON.parse(buildDefinitionJson());
    broken.States.Archive.Next = 'Nowhere';
    expect(() => new StateMachine(broken)).toThrow();
  });
});
