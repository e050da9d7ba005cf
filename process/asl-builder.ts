/**
 * Turns the declarative process description into an Amazon States Language definition (JSONPath),
 * following the state machine contract of docs/design.md:
 *
 * - `RouteByPhase` chooses the state of the household's current phase, so an execution can start
 *   (or restart) at any phase;
 * - each human step is one fragment: a callback task that records the pending task and waits for
 *   the decision (no timeout: a person's delay never fails the execution), then a choice on the
 *   decision's `next` phase, whose first rule sends a `resync` outcome back to `RouteByPhase`;
 * - every task retries what is transient (Lambda service errors, timeouts, a function's
 *   `TransientError`) with jittered exponential backoff, routes the workflow's own errors, and ends
 *   anything else in `Unrecoverable` for the reconciler (docs/workflow.md, "Healing");
 * - the public notice opens, waits until its end timestamp, closes and chooses;
 * - archiving runs its system task and ends in `Archived`.
 */

import { WORKFLOW_ERROR_NAMES } from '../domain/errors';
import type { Phase } from '../domain/model';
import type { ArchiveStep, HumanStep, ProcessDescription, PublicNoticeStep, Step } from './renovation';
import { outcomesOf, RENOVATION } from './renovation';

export type JsonPathChoiceRule =
  | { readonly Variable: string; readonly StringEquals: string; readonly Next: string }
  | {
      readonly And: readonly [
        { readonly Variable: string; readonly IsPresent: true },
        { readonly Variable: string; readonly StringEquals: string },
      ];
      readonly Next: string;
    };
export type Retrier = {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly MaxAttempts: number;
  readonly BackoffRate: number;
  readonly MaxDelaySeconds: number;
  readonly JitterStrategy: 'FULL';
};
export type Catcher = { readonly ErrorEquals: readonly string[]; readonly ResultPath: string; readonly Next: string };

export type TaskState = {
  readonly Type: 'Task';
  readonly Comment?: string;
  readonly Resource: string;
  readonly Parameters: { readonly FunctionName: string; readonly Payload: Record<string, string> };
  readonly ResultSelector?: Record<string, string>;
  readonly ResultPath: string;
  /** Only on system tasks: a callback task waits for a person, whose delay never fails the execution. */
  readonly TimeoutSeconds?: number;
  readonly Retry: readonly Retrier[];
  readonly Catch: readonly Catcher[];
  readonly Next: string;
};
export type ChoiceState = {
  readonly Type: 'Choice';
  readonly Comment?: string;
  readonly Choices: readonly JsonPathChoiceRule[];
  readonly Default: string;
};
export type WaitState = {
  readonly Type: 'Wait';
  readonly Comment?: string;
  readonly TimestampPath: string;
  readonly Next: string;
};
export type SucceedState = { readonly Type: 'Succeed'; readonly Comment?: string };
export type PassState = {
  readonly Type: 'Pass';
  readonly Comment?: string;
  readonly Parameters: Record<string, string>;
  readonly Next: string;
};
/** A Fail state names its error either literally (`Error`, `Cause`) or from the state (`ErrorPath`, `CausePath`). */
export type FailState = {
  readonly Type: 'Fail';
  readonly Comment?: string;
  readonly Error?: string;
  readonly Cause?: string;
  readonly ErrorPath?: string;
  readonly CausePath?: string;
};
export type AslState = TaskState | ChoiceState | WaitState | SucceedState | FailState | PassState;

export type AslDefinition = {
  readonly Comment: string;
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
};

export type BuildOptions = {
  /** FunctionName of the callback tasks; a definition substitution by default. */
  readonly recordTaskFunction?: string;
  /** FunctionName of the system tasks; a definition substitution by default. */
  readonly systemTaskFunction?: string;
  /**
   * Partition of the task resources (`arn:<partition>:states:::lambda:invoke`).
   * @default DEFAULT_PARTITION, for a definition run outside CloudFormation (tests, the local engine)
   */
  readonly partition?: string;
  /**
   * The task resources themselves, instead of building them from `partition`: the stack passes
   * definition substitutions here, so one definition text serves `aws` and `aws-cn`.
   */
  readonly taskResources?: { readonly invoke: string; readonly callback: string };
};

/**
 * Names of the definition substitutions (CDK `definitionSubstitutions`): the two function ARNs and
 * the two task resources, whose ARNs name the partition (`arn:aws:` or `arn:aws-cn:`). A whole
 * Resource is substituted rather than its partition alone, so the definition stays a literal JSON
 * text that cfn-lint still validates.
 */
export const SUBSTITUTIONS = {
  recordTask: 'RecordTaskFn',
  systemTask: 'SystemTaskFn',
  invokeResource: 'LambdaInvoke',
  callbackResource: 'LambdaInvokeWaitForTaskToken',
} as const;

/** `${Name}`: how a definition substitution is written inside the ASL. */
export function placeholder(name: string): string {
  return `\${${name}}`;
}

export const ROUTE_STATE = 'RouteByPhase';
export const UNEXPECTED_TRANSITION_STATE = 'UnexpectedTransition';
export const UNEXPECTED_PHASE_STATE = 'UnexpectedPhase';
export const SUPERSEDED_STATE = 'Superseded';
export const CANNOT_CONTINUE_STATE = 'CannotContinue';
export const UNRECOVERABLE_STATE = 'Unrecoverable';
/**
 * The household record, not the execution, is the source of truth. An execution (re)started at a
 * phase the household has already left is told so by its first task (`outcome: 'resync'`, `next`:
 * the household's phase) and re-routes from there instead of failing.
 */
export const RESYNC_OUTCOME = 'resync';
export const RESYNC_STATE = 'ResyncPhase';
export const RESYNC_AFTER_NOTICE_STATE = 'ResyncAfterNotice';
export const DECISION_SUFFIX = 'Decision';
/** The partition of a definition built without one: the commercial regions'. */
export const DEFAULT_PARTITION = 'aws';

/** The service integration that invokes a function, waiting for its task token when `callback`. */
export function lambdaInvokeResource(partition: string, callback: boolean): string {
  return `arn:${partition}:states:::lambda:invoke${callback ? '.waitForTaskToken' : ''}`;
}
export const CALLBACK_RESOURCE = lambdaInvokeResource(DEFAULT_PARTITION, true);
export const INVOKE_RESOURCE = lambdaInvokeResource(DEFAULT_PARTITION, false);
/**
 * A system task's function times out after seconds; the state's own limit is the backstop for an
 * invocation whose answer never comes (it fails as `States.Timeout`, which is retried).
 */
export const SYSTEM_TASK_TIMEOUT_SECONDS = 60;
/** Where the human decision (`{ outcome, next }`) and the close-notice result land in the state. */
export const DECISION_PATH = '$.decision';

/**
 * Lambda's own transient failures to invoke a function (the function did not run, or its answer was
 * lost): retried quickly, as the Step Functions guide recommends for every Lambda task.
 */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
] as const;

/**
 * A function that ran out of time (`Sandbox.Timedout`; `Lambda.Unknown` also covers running out of
 * memory) or a state that did (`States.Timeout`). Every task function is safe to run again: it reads
 * the household first and changes it only under a version condition.
 */
export const TIMEOUT_ERRORS = ['Sandbox.Timedout', 'Lambda.Unknown', 'States.Timeout'] as const;

/** What a function reports when a later attempt can clear its error (`process/healing.ts`, `classifyError`). */
export const FUNCTION_TRANSIENT_ERRORS = [WORKFLOW_ERROR_NAMES.TransientError] as const;

/** Lambda service errors: 6 tries within about a minute (1, 2, 4, 8, 16, 30 s at most, each jittered). */
export const RETRY_LAMBDA_SERVICE_ERRORS: Retrier = {
  ErrorEquals: LAMBDA_SERVICE_ERRORS,
  IntervalSeconds: 1,
  MaxAttempts: 6,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};

/** Timeouts: a slow dependency may need a while, and each try already took the function's whole timeout. */
export const RETRY_TIMEOUTS: Retrier = {
  ErrorEquals: TIMEOUT_ERRORS,
  IntervalSeconds: 5,
  MaxAttempts: 3,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
};

/**
 * A function's transient errors (throttling, a service's internal error, a conflict that outlasted the
 * store's own tries): generous, because the trouble is the service's and passes: 12 tries over up to
 * about 14 minutes (2, 4, ... 120 s each at most, fully jittered so a throttled service is not hit by
 * every household at the same moment).
 */
export const RETRY_FUNCTION_TRANSIENT_ERRORS: Retrier = {
  ErrorEquals: FUNCTION_TRANSIENT_ERRORS,
  IntervalSeconds: 2,
  MaxAttempts: 12,
  BackoffRate: 2,
  MaxDelaySeconds: 120,
  JitterStrategy: 'FULL',
};

/** Every Task state's retriers, most specific first (Step Functions applies the first that matches). */
export const RETRIERS: readonly Retrier[] = [
  RETRY_LAMBDA_SERVICE_ERRORS,
  RETRY_TIMEOUTS,
  RETRY_FUNCTION_TRANSIENT_ERRORS,
];

/** The workflow errors that no retry can fix: the household or its program is missing, or the task is unknown. */
export const CANNOT_CONTINUE_ERRORS = [
  WORKFLOW_ERROR_NAMES.HouseholdNotFound,
  WORKFLOW_ERROR_NAMES.ProgramNotFound,
  WORKFLOW_ERROR_NAMES.UnknownSystemTask,
] as const;

/**
 * A stale task means the household moved on under another execution (or a restart at a later
 * phase): the household record, not the execution, is the source of truth, so this execution
 * ends quietly. The other workflow errors cannot be fixed by retrying and end the execution with
 * their own name (the failed-executions alarm fires). Anything else, a transient error whose
 * retries ran out included, ends in `Unrecoverable`, which keeps the error's name and cause: the
 * reconciler finds the failed execution and starts the household again at its phase.
 */
export const CATCHERS: readonly Catcher[] = [
  { ErrorEquals: [WORKFLOW_ERROR_NAMES.StaleTask], ResultPath: '$.error', Next: SUPERSEDED_STATE },
  { ErrorEquals: CANNOT_CONTINUE_ERRORS, ResultPath: '$.error', Next: CANNOT_CONTINUE_STATE },
  { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: UNRECOVERABLE_STATE },
];

/** The state that begins the work of `phase`: where a route or a decision leading to it goes. */
export function entryStateOf(phase: Phase, description: ProcessDescription = RENOVATION): string {
  const terminal = description.terminals[phase];
  if (terminal) return terminal;
  const step = description.steps.find((s) => s.phase === phase);
  if (!step) throw new Error(`the process has no state for the phase '${phase}'`);
  return step.kind === 'notice' ? step.open.state : step.state;
}

/** The Choice state that follows a step and routes on its decision, if the step has one. */
export function decisionStateOf(step: Step): string | undefined {
  if (step.kind === 'human') return `${step.state}${DECISION_SUFFIX}`;
  if (step.kind === 'notice') return `${toPascalCase(step.phase)}${DECISION_SUFFIX}`;
  return undefined;
}

function toPascalCase(kebab: string): string {
  return kebab
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function decisionChoice(
  step: Step,
  decisionPath: string,
  resyncState: string,
  description: ProcessDescription,
): ChoiceState {
  const targets = [...new Set(Object.values(outcomesOf(step.phase, description)).flat())];
  return {
    Type: 'Choice',
    Comment: `Where the decision of ${step.title.en} leads`,
    Choices: [
      {
        // A missing path would make the Choice fail at run time, hence the IsPresent guard.
        And: [
          { Variable: `${decisionPath}.outcome`, IsPresent: true },
          { Variable: `${decisionPath}.outcome`, StringEquals: RESYNC_OUTCOME },
        ],
        Next: resyncState,
      },
      ...targets.map((phase) => ({
        Variable: `${decisionPath}.next`,
        StringEquals: phase,
        Next: entryStateOf(phase, description),
      })),
    ],
    Default: UNEXPECTED_TRANSITION_STATE,
  };
}

type Functions = {
  readonly recordTask: string;
  readonly systemTask: string;
  readonly invokeResource: string;
  readonly callbackResource: string;
};

function systemTask(task: string, functions: Functions, resultPath: string, next: string, comment: string): TaskState {
  return {
    Type: 'Task',
    Comment: comment,
    Resource: functions.invokeResource,
    Parameters: { FunctionName: functions.systemTask, Payload: { task, 'householdId.$': '$.householdId' } },
    ResultSelector: { 'result.$': '$.Payload' },
    ResultPath: resultPath,
    TimeoutSeconds: SYSTEM_TASK_TIMEOUT_SECONDS,
    Retry: RETRIERS,
    Catch: CATCHERS,
    Next: next,
  };
}

function humanStepStates(step: HumanStep, functions: Functions, description: ProcessDescription) {
  const decision = decisionStateOf(step) ?? `${step.state}${DECISION_SUFFIX}`;
  const task: TaskState = {
    Type: 'Task',
    Comment: `${step.title.zh} ${step.title.en}: waits for ${step.role} (${step.level}) to ${step.action}`,
    Resource: functions.callbackResource,
    Parameters: {
      FunctionName: functions.recordTask,
      // The execution's name lets RecordTaskFn refuse the late write of an execution already replaced.
      Payload: {
        'taskToken.$': '$$.Task.Token',
        'householdId.$': '$.householdId',
        step: step.phase,
        'execution.$': '$$.Execution.Name',
      },
    },
    ResultPath: DECISION_PATH,
    Retry: RETRIERS,
    Catch: CATCHERS,
    Next: decision,
  };
  return { [step.state]: task, [decision]: decisionChoice(step, DECISION_PATH, RESYNC_STATE, description) };
}

function noticeStates(step: PublicNoticeStep, functions: Functions, description: ProcessDescription) {
  const decision = decisionStateOf(step) ?? `${toPascalCase(step.phase)}${DECISION_SUFFIX}`;
  const wait: WaitState = {
    Type: 'Wait',
    Comment: `${step.title.zh} ${step.title.en}: objections are recorded while it runs`,
    TimestampPath: '$.notice.result.endsAt',
    Next: step.close.state,
  };
  return {
    [step.open.state]: systemTask(step.open.task, functions, '$.notice', step.wait.state, 'Opens the notice'),
    [step.wait.state]: wait,
    [step.close.state]: systemTask(step.close.task, functions, DECISION_PATH, decision, 'Closes the notice'),
    [decision]: decisionChoice(step, `${DECISION_PATH}.result`, RESYNC_AFTER_NOTICE_STATE, description),
  };
}

function archiveStates(step: ArchiveStep, functions: Functions, description: ProcessDescription) {
  return {
    [step.state]: systemTask(
      step.task,
      functions,
      '$.archive',
      entryStateOf(step.next, description),
      `${step.title.zh} ${step.title.en}`,
    ),
  };
}

export function buildDefinition(description: ProcessDescription = RENOVATION, opts: BuildOptions = {}): AslDefinition {
  const functions: Functions = {
    recordTask: opts.recordTaskFunction ?? placeholder(SUBSTITUTIONS.recordTask),
    systemTask: opts.systemTaskFunction ?? placeholder(SUBSTITUTIONS.systemTask),
    invokeResource: opts.taskResources?.invoke ?? lambdaInvokeResource(opts.partition ?? DEFAULT_PARTITION, false),
    callbackResource: opts.taskResources?.callback ?? lambdaInvokeResource(opts.partition ?? DEFAULT_PARTITION, true),
  };

  const route: ChoiceState = {
    Type: 'Choice',
    Comment: "Starts (or restarts) at the household's current phase",
    Choices: [...description.steps.map((step) => step.phase), ...(Object.keys(description.terminals) as Phase[])].map(
      (phase) => ({ Variable: '$.phase', StringEquals: phase, Next: entryStateOf(phase, description) }),
    ),
    Default: UNEXPECTED_PHASE_STATE,
  };

  const states: Record<string, AslState> = { [ROUTE_STATE]: route };
  const add = (fragment: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(fragment)) {
      if (Object.hasOwn(states, name)) throw new Error(`two steps of the process use the state name '${name}'`);
      states[name] = state;
    }
  };

  for (const step of description.steps) {
    if (step.kind === 'human') add(humanStepStates(step, functions, description));
    else if (step.kind === 'notice') add(noticeStates(step, functions, description));
    else add(archiveStates(step, functions, description));
  }
  for (const [phase, name] of Object.entries(description.terminals)) {
    add({ [name]: { Type: 'Succeed', Comment: `The household is ${phase}` } });
  }
  add({
    [SUPERSEDED_STATE]: {
      Type: 'Succeed',
      Comment: 'The household moved on under another execution; this one has nothing left to do',
    },
    [CANNOT_CONTINUE_STATE]: {
      Type: 'Fail',
      Comment: 'A workflow error no retry can fix (unknown household or program, unknown system task)',
      ErrorPath: '$.error.Error',
      CausePath: '$.error.Cause',
    },
    [UNRECOVERABLE_STATE]: {
      Type: 'Fail',
      Comment:
        'Any other error, retries spent: keeps its name and cause; the reconciler restarts the household at its phase',
      ErrorPath: '$.error.Error',
      CausePath: '$.error.Cause',
    },
    [RESYNC_STATE]: {
      Type: 'Pass',
      Comment: "Catch up with the household's recorded phase",
      Parameters: { 'householdId.$': '$.householdId', 'phase.$': `${DECISION_PATH}.next` },
      Next: ROUTE_STATE,
    },
    [RESYNC_AFTER_NOTICE_STATE]: {
      Type: 'Pass',
      Comment: "The notice had already closed: catch up with the household's recorded phase",
      Parameters: { 'householdId.$': '$.householdId', 'phase.$': `${DECISION_PATH}.result.next` },
      Next: ROUTE_STATE,
    },
    [UNEXPECTED_TRANSITION_STATE]: {
      Type: 'Fail',
      Error: 'UnexpectedTransition',
      Cause: 'A decision named a phase the process does not lead to from this step',
    },
    [UNEXPECTED_PHASE_STATE]: {
      Type: 'Fail',
      Error: 'UnexpectedPhase',
      Cause: 'The execution input names no active phase of the process',
    },
  });

  return {
    Comment: 'Anju: one household through the rural dangerous-housing renovation process',
    StartAt: ROUTE_STATE,
    States: states,
  };
}

/** The renovation definition as JSON, with the `${RecordTaskFn}` / `${SystemTaskFn}` substitutions left in. */
export function buildDefinitionJson(opts: BuildOptions = {}): string {
  return JSON.stringify(buildDefinition(RENOVATION, opts));
}
