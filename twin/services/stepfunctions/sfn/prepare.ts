/**
 * Turns a state machine definition into the copy that aws-local-stepfunctions runs, working around what the library
 * gets wrong for a long-running service:
 * - every Task without a timeout would fail after the library's default of 60 s, and any timer above 24.8 days
 *   overflows `setTimeout` and fires at once; so such Tasks get the longest safe timeout, and top-level callback tasks
 *   also get a first Retry on `States.Timeout` that simply re-attaches to the same parked task (a person's delay never
 *   fails the execution, as on AWS);
 * - top-level Wait states become Tasks served by the service itself, which waits in chunks (never early, however
 *   long) and shortens every Wait to 1 s with fast waits.
 */
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { isRecord } from '../../../json';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The longest timer `setTimeout` honours, in whole seconds (2^31 - 1 ms). */
export const MAX_TIMER_SECONDS = 2_147_483;
export const MAX_TIMER_MS = MAX_TIMER_SECONDS * 1000;

/** Resource of the Task that stands in for a converted Wait state (never called: the service overrides it). */
const WAIT_STAND_IN_RESOURCE = 'arn:aws:lambda:us-east-1:000000000000:function:anju-local-wait-state';
const REATTACH_RETRIER = { ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 99_999_999 };

export type PathSegment = string | number;

export type WaitSpec =
  | { kind: 'seconds'; seconds: number }
  | { kind: 'timestamp'; timestamp: string }
  | { kind: 'secondsPath'; path: PathSegment[] }
  | { kind: 'timestampPath'; path: PathSegment[] };

export type TaskSpec =
  | { kind: 'invoke'; resource: string }
  | { kind: 'callback'; resource: string; reattach: boolean; timeoutMs?: number }
  | { kind: 'function'; resource: string }
  | { kind: 'wait'; wait: WaitSpec };

export interface PreparedDefinition {
  /** The copy to build the library's StateMachine from. */
  readonly runnable: StateMachineDefinition;
  /** Every Task state (also nested in Map/Parallel) and every converted Wait, by state name. */
  readonly tasks: ReadonlyMap<string, TaskSpec>;
  /** Wait states left to the library (nested in Map/Parallel): fast waits override these by name. */
  readonly libraryWaits: readonly string[];
  /** Retry interval overrides that make the re-attach retrier immediate. */
  readonly retryIntervalOverrides: Record<string, number[]>;
  /** The original type of each state, for the execution history. */
  readonly stateTypes: ReadonlyMap<string, string>;
  /** Things that run differently from AWS, for the log. */
  readonly warnings: readonly string[];
}

type MutableState = Record<string, unknown>;

const INVOKE = /^arn:[\w-]+:states:::lambda:invoke$/;
const INVOKE_CALLBACK = /^arn:[\w-]+:states:::lambda:invoke\.waitForTaskToken$/;
const FUNCTION_ARN = /^arn:[\w-]+:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/;

/** Parses the simple reference paths a Wait state uses (`$`, `$.a.b`, `$['a'][0]`); undefined for anything else. */
export function parseSimplePath(path: string): PathSegment[] | undefined {
  if (!path.startsWith('$') || path.startsWith('$$')) return undefined;
  const segments: PathSegment[] = [];
  const pattern = /\.([A-Za-z_][\w-]*)|\['([^'\]]*)'\]|\[(\d+)\]/y;
  let position = 1;
  while (position < path.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(path);
    if (!match) return undefined;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(match[2]);
    else if (match[3] !== undefined) segments.push(Number(match[3]));
    position = pattern.lastIndex;
  }
  return segments;
}

export function readPath(value: unknown, path: readonly PathSegment[]): unknown {
  let current: unknown = value;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (!isRecord(current)) return undefined;
      current = current[segment];
    }
  }
  return current;
}

function waitSpecOf(state: MutableState): WaitSpec | undefined {
  if (typeof state.Seconds === 'number') return { kind: 'seconds', seconds: state.Seconds };
  if (typeof state.Timestamp === 'string') return { kind: 'timestamp', timestamp: state.Timestamp };
  if (typeof state.SecondsPath === 'string') {
    const path = parseSimplePath(state.SecondsPath);
    return path && { kind: 'secondsPath', path };
  }
  if (typeof state.TimestampPath === 'string') {
    const path = parseSimplePath(state.TimestampPath);
    return path && { kind: 'timestampPath', path };
  }
  return undefined;
}

function taskSpecOf(name: string, state: MutableState, topLevel: boolean, warnings: string[]): TaskSpec {
  const resource = typeof state.Resource === 'string' ? state.Resource : '';
  const hasPathTimeout = typeof state.TimeoutSecondsPath === 'string';
  const declared = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
  const libraryTimesOut = hasPathTimeout || (declared !== undefined && declared <= MAX_TIMER_SECONDS);
  if (!libraryTimesOut) {
    if (declared !== undefined)
      warnings.push(`${name}: TimeoutSeconds ${declared} is beyond what runs locally; ignored`);
    state.TimeoutSeconds = MAX_TIMER_SECONDS;
  }
  if (INVOKE.test(resource)) return { kind: 'invoke', resource };
  if (FUNCTION_ARN.test(resource)) return { kind: 'function', resource };
  if (INVOKE_CALLBACK.test(resource)) {
    const reattach = topLevel && !libraryTimesOut;
    if (reattach) state.Retry = [REATTACH_RETRIER, ...(Array.isArray(state.Retry) ? state.Retry : [])];
    else if (!libraryTimesOut)
      warnings.push(`${name}: a nested callback task fails with States.Timeout after 24.8 days`);
    const timeoutMs = declared !== undefined && libraryTimesOut ? declared * 1000 : undefined;
    return { kind: 'callback', resource, reattach, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
  }
  throw new Error(`state ${name}: resource ${resource} is not supported by the local Step Functions service`);
}

/** Converts a top-level Wait into a Task served by the service (same InputPath/OutputPath/Next/End semantics). */
function waitAsTask(state: MutableState): MutableState {
  const task: MutableState = {
    Type: 'Task',
    Resource: WAIT_STAND_IN_RESOURCE,
    TimeoutSeconds: MAX_TIMER_SECONDS,
    Retry: [REATTACH_RETRIER],
  };
  for (const key of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']) {
    if (key in state) task[key] = state[key];
  }
  return task;
}

interface Collector {
  tasks: Map<string, TaskSpec>;
  libraryWaits: string[];
  retryIntervalOverrides: Record<string, number[]>;
  stateTypes: Map<string, string>;
  warnings: string[];
}

function prepareStates(machine: Record<string, unknown>, topLevel: boolean, out: Collector): void {
  const states = machine.States;
  if (!isRecord(states)) throw new Error('state machine definition has no States');
  for (const [name, raw] of Object.entries(states)) {
    if (!isRecord(raw)) continue;
    const type = typeof raw.Type === 'string' ? raw.Type : '';
    out.stateTypes.set(name, type);
    if (type === 'Task') {
      const spec = taskSpecOf(name, raw, topLevel, out.warnings);
      out.tasks.set(name, spec);
      if (spec.kind === 'callback' && spec.reattach) out.retryIntervalOverrides[name] = [0];
    } else if (type === 'Wait') {
      const wait = topLevel ? waitSpecOf(raw) : undefined;
      if (wait) {
        states[name] = waitAsTask(raw);
        out.tasks.set(name, { kind: 'wait', wait });
        out.retryIntervalOverrides[name] = [0];
      } else {
        out.libraryWaits.push(name);
        if (typeof raw.Seconds === 'number' && raw.Seconds > MAX_TIMER_SECONDS) {
          out.warnings.push(`${name}: a nested Wait above 24.8 days ends early`);
        }
      }
    } else if (type === 'Map') {
      const processor = isRecord(raw.ItemProcessor) ? raw.ItemProcessor : raw.Iterator;
      if (isRecord(processor)) prepareStates(processor, false, out);
    } else if (type === 'Parallel' && Array.isArray(raw.Branches)) {
      for (const branch of raw.Branches) if (isRecord(branch)) prepareStates(branch, false, out);
    }
  }
}

export function prepareDefinition(definition: object): PreparedDefinition {
  const runnable: unknown = structuredClone(definition);
  if (!isRecord(runnable)) throw new Error('state machine definition must be an object');
  const out: Collector = {
    tasks: new Map(),
    libraryWaits: [],
    retryIntervalOverrides: {},
    stateTypes: new Map(),
    warnings: [],
  };
  if (typeof runnable.QueryLanguage === 'string' && runnable.QueryLanguage !== 'JSONPath') {
    throw new Error('only JSONPath state machines run locally (aws-local-stepfunctions ignores JSONata)');
  }
  if (typeof runnable.TimeoutSeconds === 'number' && runnable.TimeoutSeconds > MAX_TIMER_SECONDS) {
    out.warnings.push(`execution TimeoutSeconds ${runnable.TimeoutSeconds} is beyond what runs locally; ignored`);
    delete runnable.TimeoutSeconds;
  }
  prepareStates(runnable, true, out);
  return { runnable: runnable as unknown as StateMachineDefinition, ...out };
}
