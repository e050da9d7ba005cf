/**
 * Runs executions of the state machines with aws-local-stepfunctions, the way the Step Functions service would:
 * Task states call the in-process Lambdas, callback tasks park on a freshly minted token until SendTaskSuccess /
 * SendTaskFailure, Wait states wait for real (or 1 s with fast waits), and everything that must survive a restart is
 * journaled.
 */
import './polyfill';
import { randomUUID } from 'node:crypto';
import { type RunOptions, StateMachine } from 'aws-local-stepfunctions';
import { isRecord } from '../../../json';
import {
  MAX_PAYLOAD_BYTES,
  mintTaskToken,
  payloadBytes,
  STANDARD_EXECUTION_MAX_SECONDS,
  TASK_TOKEN_FORMAT,
} from '../../../limits/limits';
import { SfnApiError } from './errors';
import { type ExecutionStatus, Journal, type JournaledExecution, type StartRecord } from './journal';
import { Lru } from './lru';
import {
  type Json,
  MAX_TIMER_MS,
  type PreparedDefinition,
  prepareDefinition,
  readPath,
  type WaitSpec,
} from './prepare';

export interface StateMachineInput {
  arn: string;
  name: string;
  /** The resolved ASL, as an object (or its JSON text, as in the template's DefinitionString). */
  definition: object | string;
}

/**
 * The input of the execution that `recover()` starts in place of one a previous process left running: from the
 * original input and the last callback task it was parked on (its state name and its payload, the token taken out).
 */
export type RecoveryInput = (original: Json, lastParked: { state: string; payload: unknown } | undefined) => Json;

export interface EngineOptions {
  dataDir: string;
  region: string;
  accountId: string;
  stateMachines: StateMachineInput[];
  /** `stateMachineArn`: whose role invokes the function. */
  invokeLambda: (functionName: string, payload: unknown, stateMachineArn: string) => Promise<unknown>;
  fastWaits: boolean;
  log: (line: string) => void;
  /** @default the original input: the execution starts again from its first state */
  recoveryInput?: RecoveryInput;
  /** A Standard execution's longest life, then it ends TIMED_OUT. @default one year */
  maxExecutionMs?: number;
}

export interface MachineEntry {
  readonly arn: string;
  readonly name: string;
  readonly definitionText: string;
  readonly creationDate: number;
  readonly prepared: PreparedDefinition;
  readonly runner: StateMachine;
}

/** One event of GetExecutionHistory, in the API's shape (details keyed as the API names them). */
export type HistoryEvent = { id: number; previousEventId: number; timestamp: number; type: string } & Record<
  string,
  unknown
>;

export interface ExecutionSummary {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

interface ParkedTask {
  readonly token: string;
  readonly execution: LiveExecution;
  readonly stateName: string;
  readonly promise: Promise<Json>;
  readonly resolve: (output: Json) => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
  /** When the state's TimeoutSeconds elapse (the library then fails the state). */
  timesOutAt?: number;
}

interface LiveExecution {
  readonly summary: ExecutionSummary;
  readonly machine: MachineEntry;
  readonly waits: AbortController;
  /** Tokens minted by `$$.Task.Token` and not yet found in a task's payload. */
  readonly minted: Set<string>;
  /** Top-level callback tasks and converted waits in progress, by state name: a re-entry attaches to them. */
  readonly inProgress: Map<string, Promise<Json>>;
  readonly parked: Set<ParkedTask>;
  readonly history: HistoryEvent[];
  abort: () => void;
  finished: boolean;
}

const HISTORY_LIMIT = 1000;
const RECENT_EXECUTIONS = 1000;
const RECENT_HISTORIES = 100;
const RECENT_TOKENS = 10_000;
const RECENT_NAMES = 50_000;
const NAME_FORMAT = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

/** An error a Task raises to the state machine, matched by Retry/Catch on its `name`. */
function taskError(name: string, cause: string, catchable = true): Error {
  const error = new Error(cause);
  error.name = name;
  if (!catchable) Object.assign(error, { isRetryable: false, isCatchable: false });
  return error;
}

/** Shapes a Lambda's thrown error as Step Functions reports it: error = its name, cause = the Lambda error JSON. */
function lambdaError(thrown: unknown): Error {
  const errorType = thrown instanceof Error && thrown.name ? thrown.name : 'Error';
  const errorMessage = thrown instanceof Error ? thrown.message : String(thrown);
  return taskError(errorType, JSON.stringify({ errorType, errorMessage }));
}

function toJson(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}

/** Finds the first string in `value` that is one of `tokens`. */
function findToken(value: unknown, tokens: ReadonlySet<string>): string | undefined {
  if (typeof value === 'string') return tokens.has(value) ? value : undefined;
  const children = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [];
  for (const child of children) {
    const found = findToken(child, tokens);
    if (found) return found;
  }
  return undefined;
}

/** The payload as journaled: the token replaced, so the journal never holds a live credential. */
function withoutToken(value: unknown, token: string): unknown {
  if (value === token) return '<token>';
  if (Array.isArray(value)) return value.map((item) => withoutToken(item, token));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutToken(v, token)]));
  return value;
}

/** Sleeps `ms` in chunks short enough for `setTimeout`, so a long wait never ends early; rejects on abort. */
async function sleepChunked(ms: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (signal.aborted) throw taskError('States.Runtime', 'execution stopped', false);
    const remaining = deadline - Date.now();
    if (remaining <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(remaining, MAX_TIMER_MS));
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

const seconds = (ms: number): number => ms / 1000;

export class Engine {
  private readonly machines = new Map<string, MachineEntry>();
  private readonly live = new Map<string, LiveExecution>();
  /** Executions journaled as running by a previous process, until `recover()` restarts them. */
  private readonly awaitingRecovery = new Map<string, JournaledExecution>();
  private readonly recent = new Lru<string, ExecutionSummary>(RECENT_EXECUTIONS);
  private readonly recentHistories = new Lru<string, HistoryEvent[]>(RECENT_HISTORIES);
  /** Execution ARNs ever seen (bounded): names stay unique, as on AWS. */
  private readonly usedArns = new Lru<string, true>(RECENT_NAMES);
  private readonly tokens = new Map<string, ParkedTask>();
  private readonly spentTokens = new Lru<string, 'done' | 'timedOut'>(RECENT_TOKENS);
  private readonly maxExecutionMs: number;
  private readonly journal: Journal;
  private stopping = false;

  constructor(private readonly options: EngineOptions) {
    this.maxExecutionMs = options.maxExecutionMs ?? STANDARD_EXECUTION_MAX_SECONDS * 1000;
    for (const machine of options.stateMachines) {
      const definition: unknown =
        typeof machine.definition === 'string' ? JSON.parse(machine.definition) : machine.definition;
      if (typeof definition !== 'object' || definition === null) throw new Error(`${machine.name}: no definition`);
      const prepared = prepareDefinition(definition);
      for (const warning of prepared.warnings) options.log(`[sfn] ${machine.name}: ${warning}`);
      this.machines.set(machine.arn, {
        arn: machine.arn,
        name: machine.name,
        definitionText: JSON.stringify(definition),
        creationDate: Date.now(),
        prepared,
        runner: new StateMachine(prepared.runnable),
      });
    }
    const { journal, contents } = Journal.open(`${options.dataDir}/stepfunctions`, RECENT_EXECUTIONS);
    this.journal = journal;
    if (contents.skippedLines > 0) options.log(`[sfn] journal: skipped ${contents.skippedLines} incomplete line(s)`);
    for (const [arn, execution] of contents.executions) {
      this.usedArns.set(arn, true);
      if (execution.end) {
        const { start, end } = execution;
        this.recent.set(arn, {
          ...this.summaryOf(start),
          status: end.status,
          stopDate: end.stopDate,
          ...(end.output === undefined ? {} : { output: end.output }),
          ...(end.error === undefined ? {} : { error: end.error }),
          ...(end.cause === undefined ? {} : { cause: end.cause }),
        });
      } else {
        this.awaitingRecovery.set(arn, execution);
      }
    }
  }

  machine(arn: string): MachineEntry {
    const machine = this.machines.get(arn);
    if (!machine) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private summaryOf(start: StartRecord): ExecutionSummary {
    return {
      executionArn: start.arn,
      stateMachineArn: start.stateMachineArn,
      name: start.name,
      status: 'RUNNING',
      startDate: start.startDate,
      input: start.input,
    };
  }

  private executionArn(machine: MachineEntry, name: string): string {
    return `arn:aws:states:${this.options.region}:${this.options.accountId}:execution:${machine.name}:${name}`;
  }

  startExecution(stateMachineArn: string, name: string | undefined, inputText: string | undefined): ExecutionSummary {
    const machine = this.machine(stateMachineArn);
    const executionName = name ?? randomUUID();
    if (!NAME_FORMAT.test(executionName)) throw new SfnApiError('InvalidName', `Invalid Name: '${executionName}'`);
    const input = inputText ?? '{}';
    if (payloadBytes(input) > MAX_PAYLOAD_BYTES) {
      throw new SfnApiError(
        'ValidationException',
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`,
      );
    }
    let parsed: Json;
    try {
      parsed = JSON.parse(input) as Json;
    } catch {
      throw new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    const arn = this.executionArn(machine, executionName);
    const running = this.live.get(arn);
    // As on AWS, repeating a StartExecution of a running execution with the same input is idempotent.
    if (running && running.summary.input === input) return running.summary;
    if (running || this.usedArns.has(arn) || this.awaitingRecovery.has(arn) || this.recent.has(arn)) {
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    return this.launch(machine, arn, executionName, input, parsed);
  }

  private launch(
    machine: MachineEntry,
    arn: string,
    name: string,
    input: string,
    parsed: Json,
    /** When the execution must end TIMED_OUT (a recovered execution keeps its original one). */
    deadline?: number,
  ): ExecutionSummary {
    const summary: ExecutionSummary = {
      executionArn: arn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      startDate: Date.now(),
      input,
    };
    this.journal.append({
      t: 'start',
      arn,
      name,
      stateMachineArn: machine.arn,
      input,
      startDate: summary.startDate,
      ...(deadline === undefined ? {} : { deadline }),
    });
    this.usedArns.set(arn, true);
    const execution: LiveExecution = {
      summary,
      machine,
      waits: new AbortController(),
      minted: new Set(),
      inProgress: new Map(),
      parked: new Set(),
      history: [],
      abort: () => undefined,
      finished: false,
    };
    this.live.set(arn, execution);
    const mint = (): string => {
      const token = mintTaskToken(arn);
      execution.minted.add(token);
      return token;
    };
    const handlers: Record<string, (payload: Json) => Promise<Json>> = {};
    for (const stateName of machine.prepared.tasks.keys()) {
      handlers[stateName] = (payload) => this.runTask(execution, stateName, payload);
    }
    const waitTimeOverrides: Record<string, number> = {};
    if (this.options.fastWaits)
      for (const stateName of machine.prepared.libraryWaits) waitTimeOverrides[stateName] = 1000;
    const runOptions: RunOptions = {
      noThrowOnAbort: true,
      context: {
        Execution: { Id: arn, Name: name, RoleArn: this.roleArn() },
        StateMachine: { Id: machine.arn, Name: machine.name },
        // A getter, so that every evaluation of `$$.Task.Token` (each task, each retry) mints a new token.
        Task: {
          get Token() {
            return mint();
          },
        },
      },
      overrides: {
        taskResourceLocalHandlers: handlers as NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers'],
        waitTimeOverrides,
        retryIntervalOverrides: machine.prepared.retryIntervalOverrides,
      },
    };
    const run = machine.runner.run(parsed as Parameters<StateMachine['run']>[0], runOptions);
    execution.abort = run.abort;
    // The one-year limit of a Standard execution: whatever it waits on, it ends TIMED_OUT then.
    const endsAt = deadline ?? summary.startDate + this.maxExecutionMs;
    sleepChunked(endsAt - Date.now(), execution.waits.signal).then(
      () => {
        if (this.stopping || execution.finished) return;
        this.addHistory(execution, 'ExecutionTimedOut', {
          executionTimedOutEventDetails: {
            error: 'States.Timeout',
            cause: 'The execution reached its maximum duration.',
          },
        });
        this.finish(execution, {
          status: 'TIMED_OUT',
          error: 'States.Timeout',
          cause: 'The execution reached its maximum duration.',
        });
      },
      () => undefined,
    );
    void this.recordHistory(execution, run.eventLogs);
    run.result.then(
      (output) => {
        if (this.stopping || execution.finished) return;
        this.finish(execution, { status: 'SUCCEEDED', output: JSON.stringify(output) });
      },
      (error: unknown) => {
        if (this.stopping || execution.finished) return;
        if (error instanceof Error && error.name === 'ExecutionTimeoutError') {
          this.finish(execution, { status: 'TIMED_OUT', error: 'States.Timeout' });
          return;
        }
        const failure = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        this.finish(execution, {
          status: 'FAILED',
          error: failure instanceof Error ? failure.name : 'States.Runtime',
          cause: failure instanceof Error ? failure.message : String(failure),
        });
      },
    );
    return summary;
  }

  roleArn(): string {
    return `arn:aws:iam::${this.options.accountId}:role/anju-local-state-machine`;
  }

  private async runTask(execution: LiveExecution, stateName: string, input: Json): Promise<Json> {
    const spec = execution.machine.prepared.tasks.get(stateName);
    if (!spec) throw taskError('States.Runtime', `no handler for state ${stateName}`, false);
    if (spec.kind !== 'wait') this.checkPayload(stateName, 'input', input);
    const machineArn = execution.machine.arn;
    switch (spec.kind) {
      case 'wait':
        return this.runWait(execution, stateName, spec.wait, input);
      case 'function':
        return this.checkPayload(stateName, 'output', await this.invoke(spec.resource, input, machineArn));
      case 'invoke': {
        const { functionName, payload } = this.invokeParameters(stateName, input);
        const result = await this.invoke(functionName, payload, machineArn);
        return this.checkPayload(stateName, 'output', { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 });
      }
      case 'callback':
        return this.checkPayload(
          stateName,
          'output',
          await this.runCallback(execution, stateName, spec.reattach, spec.timeoutMs, input),
        );
    }
  }

  /** A Task's input or output over 256 KB fails the state with States.DataLimitExceeded, which States.ALL does not catch. */
  private checkPayload(stateName: string, what: 'input' | 'output', value: Json): Json {
    const bytes = payloadBytes(value);
    if (bytes > MAX_PAYLOAD_BYTES) {
      throw taskError(
        'States.DataLimitExceeded',
        `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit (${what}: ${bytes} bytes).`,
        false,
      );
    }
    return value;
  }

  private invokeParameters(stateName: string, input: Json): { functionName: string; payload: Json } {
    if (!isRecord(input) || typeof input.FunctionName !== 'string') {
      throw taskError('States.Runtime', `state ${stateName}: Parameters need a FunctionName`, false);
    }
    return { functionName: input.FunctionName, payload: (input.Payload ?? null) as Json };
  }

  private async invoke(functionName: string, payload: Json, stateMachineArn: string): Promise<Json> {
    let result: unknown;
    try {
      result = await this.options.invokeLambda(functionName, payload, stateMachineArn);
    } catch (thrown) {
      throw lambdaError(thrown);
    }
    return toJson(result);
  }

  private runCallback(
    execution: LiveExecution,
    stateName: string,
    reattach: boolean,
    timeoutMs: number | undefined,
    input: Json,
  ): Promise<Json> {
    const claimed = findToken(input, execution.minted);
    execution.minted.clear();
    // The library's own task timer (24.8 days at most) expired and its re-attach Retry brought us back here.
    const current = reattach ? execution.inProgress.get(stateName) : undefined;
    if (current) return current;

    const { functionName, payload } = this.invokeParameters(stateName, input);
    const token = claimed ?? mintTaskToken(execution.summary.executionArn);
    let resolve: (output: Json) => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    const promise = new Promise<Json>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Settled after the library has moved on (a timeout, a stop): nobody else listens then.
    promise.catch(() => undefined);
    const parked: ParkedTask = { token, execution, stateName, promise, resolve, reject };
    this.tokens.set(token, parked);
    execution.parked.add(parked);
    if (reattach) execution.inProgress.set(stateName, promise);
    if (timeoutMs !== undefined) {
      parked.timesOutAt = Date.now() + timeoutMs;
      // The library fails the state when TimeoutSeconds elapse; this only retires the token a little later.
      parked.timer = setTimeout(() => {
        this.retire(parked, 'timedOut');
        reject(taskError('States.Timeout', 'task timed out'));
      }, timeoutMs + 50);
    }
    this.journal.append({
      t: 'park',
      executionArn: execution.summary.executionArn,
      state: stateName,
      payload: withoutToken(payload, token),
      at: Date.now(),
    });
    this.addHistory(execution, 'TaskSubmitted', {
      taskSubmittedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output: '{}' },
    });
    // Registered before the call: the Lambda may answer SendTaskSuccess before it returns.
    this.options.invokeLambda(functionName, payload, execution.machine.arn).catch((thrown: unknown) => {
      if (!this.tokens.has(token)) return;
      this.retire(parked, 'done');
      reject(lambdaError(thrown));
    });
    return promise;
  }

  private retire(parked: ParkedTask, outcome: 'done' | 'timedOut'): void {
    clearTimeout(parked.timer);
    this.tokens.delete(parked.token);
    this.spentTokens.set(parked.token, outcome);
    parked.execution.parked.delete(parked);
    if (parked.execution.inProgress.get(parked.stateName) === parked.promise) {
      parked.execution.inProgress.delete(parked.stateName);
    }
  }

  private runWait(execution: LiveExecution, stateName: string, wait: WaitSpec, input: Json): Promise<Json> {
    const current = execution.inProgress.get(stateName);
    if (current) return current;
    const ms = this.options.fastWaits ? 1000 : this.waitMs(stateName, wait, input);
    const promise = sleepChunked(ms, execution.waits.signal).then(
      () => input,
      (error: unknown) => Promise.reject(error),
    );
    execution.inProgress.set(stateName, promise);
    const forget = () => {
      if (execution.inProgress.get(stateName) === promise) execution.inProgress.delete(stateName);
    };
    promise.then(forget, forget);
    return promise;
  }

  private waitMs(stateName: string, wait: WaitSpec, input: Json): number {
    switch (wait.kind) {
      case 'seconds':
        return wait.seconds * 1000;
      case 'timestamp':
        return Date.parse(wait.timestamp) - Date.now();
      case 'secondsPath': {
        const value = readPath(input, wait.path);
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
          throw taskError(
            'States.Runtime',
            `state ${stateName}: SecondsPath must point to a non-negative integer`,
            false,
          );
        }
        return value * 1000;
      }
      case 'timestampPath': {
        const value = readPath(input, wait.path);
        const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
        if (Number.isNaN(at)) {
          throw taskError('States.Runtime', `state ${stateName}: TimestampPath must point to a timestamp`, false);
        }
        return at - Date.now();
      }
    }
  }

  private parkedFor(token: string): ParkedTask {
    const parked = this.tokens.get(token);
    if (parked) return parked;
    if (this.spentTokens.get(token) === 'timedOut') throw new SfnApiError('TaskTimedOut', 'Task Timed Out');
    if (!TASK_TOKEN_FORMAT.test(token)) throw new SfnApiError('InvalidToken', 'Invalid Token');
    throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist');
  }

  sendTaskSuccess(token: string, outputText: string): void {
    if (payloadBytes(outputText) > MAX_PAYLOAD_BYTES) {
      throw new SfnApiError(
        'ValidationException',
        `1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`,
      );
    }
    const parked = this.parkedFor(token);
    let output: Json;
    try {
      output = JSON.parse(outputText) as Json;
    } catch {
      throw new SfnApiError('InvalidOutput', 'Invalid Output: not valid JSON');
    }
    this.retire(parked, 'done');
    this.addHistory(parked.execution, 'TaskSucceeded', {
      taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output: outputText },
    });
    parked.resolve(output);
  }

  sendTaskFailure(token: string, error: string | undefined, cause: string | undefined): void {
    const parked = this.parkedFor(token);
    this.retire(parked, 'done');
    parked.reject(taskError(error ?? '', cause ?? ''));
  }

  sendTaskHeartbeat(token: string): void {
    this.parkedFor(token);
  }

  describeExecution(arn: string): ExecutionSummary {
    const summary = this.live.get(arn)?.summary ?? this.recent.get(arn);
    if (summary) return summary;
    const pending = this.awaitingRecovery.get(arn);
    if (pending) return this.summaryOf(pending.start);
    throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  }

  history(arn: string): HistoryEvent[] {
    const events = this.live.get(arn)?.history ?? this.recentHistories.get(arn);
    if (events) return events;
    this.describeExecution(arn);
    return [];
  }

  listExecutions(stateMachineArn: string): ExecutionSummary[] {
    this.machine(stateMachineArn);
    const all = [
      ...[...this.live.values()].map((execution) => execution.summary),
      ...[...this.awaitingRecovery.values()].map((execution) => this.summaryOf(execution.start)),
      ...this.recent.values(),
    ];
    return all
      .filter((summary) => summary.stateMachineArn === stateMachineArn)
      .sort((a, b) => b.startDate - a.startDate);
  }

  stopExecution(arn: string, error: string | undefined, cause: string | undefined): ExecutionSummary {
    const execution = this.live.get(arn);
    if (!execution) {
      const pending = this.awaitingRecovery.get(arn);
      if (!pending) return this.describeExecution(arn);
      this.awaitingRecovery.delete(arn);
      return this.closeJournaled(pending, { status: 'ABORTED', error, cause });
    }
    this.finish(execution, { status: 'ABORTED', error, cause });
    return execution.summary;
  }

  private finish(
    execution: LiveExecution,
    end: { status: Exclude<ExecutionStatus, 'RUNNING'>; output?: string; error?: string; cause?: string },
  ): void {
    execution.finished = true;
    const { summary } = execution;
    summary.status = end.status;
    summary.stopDate = Date.now();
    if (end.output !== undefined) summary.output = end.output;
    if (end.error !== undefined) summary.error = end.error;
    if (end.cause !== undefined) summary.cause = end.cause;
    this.journal.append({ t: 'end', executionArn: summary.executionArn, stopDate: summary.stopDate, ...end });
    if (end.status === 'ABORTED') {
      this.addHistory(execution, 'ExecutionAborted', {
        executionAbortedEventDetails: { error: end.error, cause: end.cause },
      });
    }
    // Also retires tasks left parked by a state that timed out (TimeoutSecondsPath), by StopExecution or by the
    // execution's own time limit (their tokens then answer TaskTimedOut).
    this.release(execution, end.status === 'TIMED_OUT');
    this.live.delete(summary.executionArn);
    this.recent.set(summary.executionArn, summary);
    this.recentHistories.set(summary.executionArn, execution.history);
  }

  /** Unwinds an execution that will not continue: aborts its run and rejects its parked tasks and waits. */
  private release(execution: LiveExecution, timedOut = false): void {
    execution.abort();
    execution.waits.abort();
    for (const parked of [...execution.parked]) {
      const expired = timedOut || (parked.timesOutAt !== undefined && parked.timesOutAt <= Date.now());
      this.retire(parked, expired ? 'timedOut' : 'done');
      parked.reject(taskError('States.Runtime', 'execution stopped', false));
    }
  }

  private closeJournaled(
    pending: JournaledExecution,
    end: { status: 'ABORTED' | 'TIMED_OUT'; error?: string | undefined; cause?: string | undefined },
  ): ExecutionSummary {
    const summary: ExecutionSummary = { ...this.summaryOf(pending.start), status: end.status, stopDate: Date.now() };
    if (end.error !== undefined) summary.error = end.error;
    if (end.cause !== undefined) summary.cause = end.cause;
    this.journal.append({
      t: 'end',
      executionArn: summary.executionArn,
      status: end.status,
      stopDate: summary.stopDate ?? Date.now(),
      ...(summary.error === undefined ? {} : { error: summary.error }),
      ...(summary.cause === undefined ? {} : { cause: summary.cause }),
    });
    this.recent.set(summary.executionArn, summary);
    return summary;
  }

  /**
   * Starts every execution journaled as running by a previous process again, as a new execution named
   * `<name>-r<n>` with the input `recoveryInput` makes of it, and closes the old one as ABORTED.
   */
  recover(): number {
    let restarted = 0;
    for (const [arn, pending] of [...this.awaitingRecovery]) {
      this.awaitingRecovery.delete(arn);
      const machine = this.machines.get(pending.start.stateMachineArn);
      if (!machine) {
        this.closeJournaled(pending, { status: 'ABORTED', cause: 'its state machine no longer exists' });
        continue;
      }
      // The recovered execution keeps its original deadline: a restart of the twin does not reset the year.
      const deadline = pending.start.deadline ?? pending.start.startDate + this.maxExecutionMs;
      if (deadline <= Date.now()) {
        this.closeJournaled(pending, {
          status: 'TIMED_OUT',
          error: 'States.Timeout',
          cause: 'The execution reached its maximum duration.',
        });
        continue;
      }
      const original = JSON.parse(pending.start.input) as Json;
      const { lastPark } = pending;
      const parked = lastPark ? { state: lastPark.state, payload: lastPark.payload } : undefined;
      const input = this.options.recoveryInput?.(original, parked) ?? original;
      const name = this.recoveryName(machine, pending.start.name);
      const next = this.launch(machine, this.executionArn(machine, name), name, JSON.stringify(input), input, deadline);
      this.closeJournaled(pending, {
        status: 'ABORTED',
        cause: `restarted as ${next.executionArn} after a restart of the local runtime`,
      });
      this.options.log(`[sfn] recovered ${pending.start.name} as ${name}`);
      restarted++;
    }
    return restarted;
  }

  private recoveryName(machine: MachineEntry, original: string): string {
    const match = /^(.*)-r(\d+)$/.exec(original);
    const base = match?.[1] ?? original;
    let n = match?.[2] === undefined ? 1 : Number(match[2]) + 1;
    for (;;) {
      const name = `${base.slice(0, 70)}-r${n}`;
      const arn = this.executionArn(machine, name);
      if (!this.usedArns.has(arn) && !this.live.has(arn) && !this.recent.has(arn) && !this.awaitingRecovery.has(arn)) {
        return name;
      }
      n++;
    }
  }

  private addHistory(execution: LiveExecution, type: string, details: Record<string, unknown>): void {
    const { history } = execution;
    const last = history[history.length - 1];
    const id = (last?.id ?? 0) + 1;
    history.push({ id, previousEventId: id - 1, timestamp: seconds(Date.now()), type, ...details });
    // Keep the first event (the input) and the most recent ones.
    if (history.length > HISTORY_LIMIT) history.splice(1, 1);
  }

  /** Consumes the library's event log (left unread it would grow forever) into a bounded execution history. */
  private async recordHistory(
    execution: LiveExecution,
    events: ReturnType<StateMachine['run']>['eventLogs'],
  ): Promise<void> {
    const types = execution.machine.prepared.stateTypes;
    const tasks = execution.machine.prepared.tasks;
    for await (const event of events) {
      switch (event.type) {
        case 'ExecutionStarted':
          this.addHistory(execution, 'ExecutionStarted', {
            executionStartedEventDetails: { input: JSON.stringify(event.input), roleArn: this.roleArn() },
          });
          break;
        case 'ExecutionSucceeded':
          this.addHistory(execution, 'ExecutionSucceeded', {
            executionSucceededEventDetails: { output: JSON.stringify(event.output) },
          });
          return;
        case 'ExecutionFailed':
          this.addHistory(execution, 'ExecutionFailed', {
            executionFailedEventDetails: { error: event.Error, cause: String(event.Cause) },
          });
          return;
        case 'ExecutionTimeout':
          this.addHistory(execution, 'ExecutionTimedOut', { executionTimedOutEventDetails: {} });
          return;
        case 'ExecutionAborted':
          return;
        case 'StateEntered':
          this.addHistory(execution, `${types.get(event.state.name) ?? event.state.type}StateEntered`, {
            stateEnteredEventDetails: { name: event.state.name, input: JSON.stringify(event.state.input) },
          });
          break;
        case 'StateExited':
          this.addHistory(execution, `${types.get(event.state.name) ?? event.state.type}StateExited`, {
            stateExitedEventDetails: { name: event.state.name, output: JSON.stringify(event.state.output ?? null) },
          });
          break;
        case 'StateFailed': {
          const spec = tasks.get(event.state.name);
          const reattaching = spec && (spec.kind === 'wait' || (spec.kind === 'callback' && spec.reattach));
          if (!spec || (reattaching && event.Error === 'States.Timeout')) break;
          this.addHistory(execution, 'TaskFailed', {
            taskFailedEventDetails: {
              resourceType: 'lambda',
              resource: 'invoke',
              error: event.Error,
              cause: String(event.Cause),
            },
          });
          break;
        }
        default:
          break;
      }
    }
  }

  /** Abandons every running execution (they stay journaled as running) and closes the journal. */
  stop(): void {
    this.stopping = true;
    for (const execution of this.live.values()) this.release(execution);
    this.live.clear();
    this.journal.close();
  }
}
