/**
 * Turns the declarative process description into an Amazon States Language definition (JSONPath),
 * following the state machine contract of docs/design.md:
 *
 * - `RouteByPhase` chooses the state of the household's current phase, so an execution can start
 *   (or restart) at any phase;
 * - each human step is one fragment: a callback task that records the pending task and waits for
 *   the decision (no timeout: a person's delay never fails the execution), then a choice on the
 *   decision's `next` phase, whose first rule sends a `resync` outcome back to `RouteByPhase`;
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
/** Where the human decision (`{ outcome, next }`) and the close-notice result land in the state. */
export const DECISION_PATH = '$.decision';

/** Transient Lambda service errors: retried with backoff, never caught. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

const RETRY_LAMBDA_SERVICE_ERRORS: Retrier = {
  ErrorEquals: LAMBDA_SERVICE_ERRORS,
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
};

/**
 * A stale task means the household moved on under another execution (or a restart at a later
 * phase): the household record, not the execution, is the source of truth, so this execution
 * ends quietly. The other workflow errors cannot be fixed by retrying and end the execution with
 * their own name (the failed-executions alarm fires).
 */
const CATCHERS: readonly Catcher[] = [
  { ErrorEquals: [WORKFLOW_ERROR_NAMES.StaleTask], ResultPath: '$.error', Next: SUPERSEDED_STATE },
  {
    ErrorEquals: [
      WORKFLOW_ERROR_NAMES.HouseholdNotFound,
      WORKFLOW_ERROR_NAMES.ProgramNotFound,
      WORKFLOW_ERROR_NAMES.UnknownSystemTask,
    ],
    ResultPath: '$.error',
    Next: CANNOT_CONTINUE_STATE,
  },
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
    Retry: [RETRY_LAMBDA_SERVICE_ERRORS],
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
      Payload: { 'taskToken.$': '$$.Task.Token', 'householdId.$': '$.householdId', step: step.phase },
    },
    ResultPath: DECISION_PATH,
    Retry: [RETRY_LAMBDA_SERVICE_ERRORS],
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
