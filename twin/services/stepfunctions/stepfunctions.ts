/**
 * The local Step Functions service: the AWS JSON protocol (`X-Amz-Target: AWSStepFunctions.<Op>`) over HTTP on the
 * loopback interface, executing the state machines of the cloud assembly with aws-local-stepfunctions (see
 * `sfn/engine.ts`). Handlers reach it through `AWS_ENDPOINT_URL_SFN`, with the same SDK calls as on AWS.
 *
 * A `gate` (twin/iam/stepfunctions-gate.ts) checks each request's SigV4 signature and the caller's IAM permissions,
 * and injects the faults ANJU_FAULTS asks for, before and after the operation.
 */
import './sfn/polyfill';
import type http from 'node:http';
import { isRecord } from '../../json';
import { BodyTooLargeError, listen, readBody } from '../../net/http';
import { LOOPBACK } from '../../net/ports';
import { Engine, type ExecutionSummary, type RecoveryInput, type StateMachineInput } from './sfn/engine';
import { SfnApiError } from './sfn/errors';

export interface LocalStepFunctions {
  /** `http://127.0.0.1:<port>`, set as AWS_ENDPOINT_URL_SFN for handlers. */
  endpoint: string;
  /** Stops the HTTP server and abandons running executions (they stay journaled as running). */
  stop(): Promise<void>;
  /** After a restart: starts every unfinished execution of the journal again; returns how many. */
  recover(): Promise<number>;
}

/** A refusal of a request, answered as the API's error `code` with `status`. */
export interface ServiceRefusal {
  status: number;
  code: string;
  message: string;
}

/** Checks a request before its operation runs, and may lose the answer of one that ran (an injected fault). */
export interface ServiceGate {
  before(request: {
    operation: string;
    method: string;
    url: string;
    headers: http.IncomingHttpHeaders;
    body: string;
    parsed: Record<string, unknown>;
  }): Promise<ServiceRefusal | undefined>;
  after?(operation: string): ServiceRefusal | undefined;
}

export interface StepFunctionsOptions {
  /** The journal lives in `${dataDir}/stepfunctions/`. */
  dataDir: string;
  /** 0 or undefined: a free port. */
  port?: number;
  region: string;
  accountId: string;
  /** ASL already resolved (function ARNs in place). */
  stateMachines: StateMachineInput[];
  /** `functionName` as in the ASL (an ARN); `stateMachineArn`: whose role invokes it. */
  invokeLambda: (functionName: string, payload: unknown, stateMachineArn: string) => Promise<unknown>;
  /** Every Wait state lasts 1 second (ANJU_FAST_WAITS=1). */
  fastWaits: boolean;
  log?: (line: string) => void;
  /** How `recover()` restarts an execution a previous process left running (see `Engine`). */
  recoveryInput?: RecoveryInput;
  gate?: ServiceGate;
  /** A Standard execution's longest life (one year on AWS); it then ends TIMED_OUT. */
  maxExecutionMs?: number;
}

const MAX_BODY_BYTES = 1024 * 1024;
const CONTENT_TYPE = 'application/x-amz-json-1.0';

type Request = Record<string, unknown>;

function text(request: Request, field: string, required: true): string;
function text(request: Request, field: string, required?: false): string | undefined;
function text(request: Request, field: string, required = false): string | undefined {
  const value = request[field];
  if (typeof value === 'string') return value;
  if (value === undefined && !required) return undefined;
  throw new SfnApiError('ValidationException', `1 validation error detected: '${field}' must be a string`);
}

const epochSeconds = (ms: number): number => ms / 1000;

/** An execution as ListExecutions lists it. */
function listed(summary: ExecutionSummary): Record<string, unknown> {
  return {
    executionArn: summary.executionArn,
    stateMachineArn: summary.stateMachineArn,
    name: summary.name,
    status: summary.status,
    startDate: epochSeconds(summary.startDate),
    ...(summary.stopDate === undefined ? {} : { stopDate: epochSeconds(summary.stopDate) }),
  };
}

/** An execution as DescribeExecution answers it. */
function describe(summary: ExecutionSummary): Record<string, unknown> {
  return {
    ...listed(summary),
    input: summary.input,
    inputDetails: { included: true },
    ...(summary.output === undefined ? {} : { output: summary.output, outputDetails: { included: true } }),
    ...(summary.error === undefined ? {} : { error: summary.error }),
    ...(summary.cause === undefined ? {} : { cause: summary.cause }),
  };
}

/** Pages a list with an opaque offset token, as the API's `nextToken`. */
function page<T>(items: T[], request: Request): { items: T[]; nextToken?: string } {
  const max = typeof request.maxResults === 'number' && request.maxResults > 0 ? request.maxResults : 100;
  const token = text(request, 'nextToken');
  const offset = token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString(), 10) || 0;
  const slice = items.slice(offset, offset + max);
  const next = offset + max < items.length ? Buffer.from(String(offset + max)).toString('base64url') : undefined;
  return next === undefined ? { items: slice } : { items: slice, nextToken: next };
}

function operations(engine: Engine): Record<string, (request: Request) => unknown> {
  return {
    StartExecution: (request) => {
      const summary = engine.startExecution(
        text(request, 'stateMachineArn', true),
        text(request, 'name'),
        text(request, 'input'),
      );
      return { executionArn: summary.executionArn, startDate: epochSeconds(summary.startDate) };
    },
    SendTaskSuccess: (request) => {
      engine.sendTaskSuccess(text(request, 'taskToken', true), text(request, 'output', true));
      return {};
    },
    SendTaskFailure: (request) => {
      engine.sendTaskFailure(text(request, 'taskToken', true), text(request, 'error'), text(request, 'cause'));
      return {};
    },
    SendTaskHeartbeat: (request) => {
      engine.sendTaskHeartbeat(text(request, 'taskToken', true));
      return {};
    },
    DescribeExecution: (request) => describe(engine.describeExecution(text(request, 'executionArn', true))),
    StopExecution: (request) => {
      const summary = engine.stopExecution(
        text(request, 'executionArn', true),
        text(request, 'error'),
        text(request, 'cause'),
      );
      return { stopDate: epochSeconds(summary.stopDate ?? Date.now()) };
    },
    GetExecutionHistory: (request) => {
      const events = [...engine.history(text(request, 'executionArn', true))];
      if (request.reverseOrder === true) events.reverse();
      const { items, nextToken } = page(events, request);
      return { events: items, ...(nextToken === undefined ? {} : { nextToken }) };
    },
    ListExecutions: (request) => {
      const filter = text(request, 'statusFilter');
      const all = engine
        .listExecutions(text(request, 'stateMachineArn', true))
        .filter((summary) => filter === undefined || summary.status === filter);
      const { items, nextToken } = page(all, request);
      return { executions: items.map(listed), ...(nextToken === undefined ? {} : { nextToken }) };
    },
    DescribeStateMachine: (request) => {
      const machine = engine.machine(text(request, 'stateMachineArn', true));
      return {
        stateMachineArn: machine.arn,
        name: machine.name,
        status: 'ACTIVE',
        definition: machine.definitionText,
        roleArn: engine.roleArn(),
        type: 'STANDARD',
        creationDate: epochSeconds(machine.creationDate),
      };
    },
  };
}

function send(response: http.ServerResponse, status: number, body: unknown, errorType?: string): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(payload),
    ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
  });
  response.end(payload);
}

export async function startStepFunctions(opts: StepFunctionsOptions): Promise<LocalStepFunctions> {
  const log = opts.log ?? (() => undefined);
  const engine = new Engine({
    dataDir: opts.dataDir,
    region: opts.region,
    accountId: opts.accountId,
    stateMachines: opts.stateMachines,
    invokeLambda: opts.invokeLambda,
    fastWaits: opts.fastWaits,
    log,
    recoveryInput: opts.recoveryInput,
    ...(opts.maxExecutionMs === undefined ? {} : { maxExecutionMs: opts.maxExecutionMs }),
  });
  const handlers = operations(engine);

  const server = await listen((request, response) => {
    void (async () => {
      try {
        const target = request.headers['x-amz-target'];
        const operation = typeof target === 'string' ? target.replace(/^AWSStepFunctions\./, '') : '';
        const handler = request.method === 'POST' ? handlers[operation] : undefined;
        if (!handler) throw new SfnApiError('UnknownOperationException', `unknown operation: ${String(target)}`);
        let body: string;
        try {
          body = (await readBody(request, MAX_BODY_BYTES)).toString('utf8');
        } catch (error) {
          if (error instanceof BodyTooLargeError)
            throw new SfnApiError('ValidationException', 'request body too large');
          throw error;
        }
        let parsed: unknown;
        try {
          parsed = body.trim() === '' ? {} : JSON.parse(body);
        } catch {
          throw new SfnApiError('ValidationException', 'request body is not valid JSON');
        }
        if (!isRecord(parsed)) throw new SfnApiError('ValidationException', 'request body must be a JSON object');
        const refusal = await opts.gate?.before({
          operation,
          method: request.method ?? 'POST',
          url: request.url ?? '/',
          headers: request.headers,
          body,
          parsed: parsed as Record<string, unknown>,
        });
        if (refusal) {
          send(response, refusal.status, { __type: refusal.code, message: refusal.message }, refusal.code);
          return;
        }
        const answer = handler(parsed as Request);
        const lost = opts.gate?.after?.(operation);
        if (lost) {
          send(response, lost.status, { __type: lost.code, message: lost.message }, lost.code);
          return;
        }
        send(response, 200, answer);
      } catch (error) {
        if (error instanceof SfnApiError) {
          send(response, 400, { __type: `com.amazonaws.sfn#${error.code}`, message: error.message }, error.code);
          return;
        }
        log(`[sfn] internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        send(response, 500, { __type: 'com.amazonaws.sfn#InternalFailure', message: 'internal failure' });
      }
    })();
  }, opts.port ?? 0);
  const endpoint = `http://${LOOPBACK}:${server.port}`;
  log(`[sfn] Step Functions on ${endpoint} (${opts.stateMachines.length} state machine(s))`);

  let stopped = false;
  return {
    endpoint,
    async stop() {
      if (stopped) return;
      stopped = true;
      engine.stop();
      await server.close();
    },
    async recover() {
      return engine.recover();
    },
  };
}
