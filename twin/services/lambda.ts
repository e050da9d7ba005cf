/**
 * Loads each function's synthesized bundle in this process and invokes it with a Lambda-like
 * context. Everything that differs between local mode and AWS is decided here, never in handler
 * code: the handlers only see the standard AWS variables (endpoints, region, credentials) and the
 * environment variables of their template.
 *
 * Constraint: a function's own environment variables are present in `process.env` only while its
 * module loads. Handlers must read them at module load (as `lambdaEntry` in `functions/config/handler.ts` does), not
 * during an invocation. The variables common to every function (region, credentials,
 * `AWS_ENDPOINT_URL_*`) stay set for the whole process because the AWS SDK reads them lazily, at
 * the first request.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '../assembly/assembly';
import { functionNameOf, LOCAL_ACCOUNT, LOCAL_REGION } from '../assembly/local-names';

export type LocalEndpoints = { readonly dynamodb: string; readonly s3: string; readonly sfn: string };

export type Handler = (
  event: unknown,
  context: Context,
  callback?: (error?: unknown, result?: unknown) => void,
) => unknown;

export type LocalFunction = {
  readonly spec: FunctionSpec;
  invoke(event: unknown): Promise<unknown>;
};

export type LambdaRuntime = {
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** The function behind a name or an ARN (qualified or not), or undefined. */
  find(nameOrArn: string): LocalFunction | undefined;
  /** Invokes by name or ARN; a handler's error is thrown as is (its `name` is the Lambda error type). */
  invoke(nameOrArn: string, event: unknown): Promise<unknown>;
};

export class FunctionNotFoundError extends Error {
  override readonly name = 'ResourceNotFoundException';
}

export class FunctionTimeoutError extends Error {
  override readonly name = 'Sandbox.Timedout';
}

/** The variables every local function sees: region, dummy credentials and the local endpoints. */
export function commonLambdaEnvironment(endpoints: LocalEndpoints): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'anjulocal',
    AWS_SECRET_ACCESS_KEY: 'anjulocalsecret',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SFN: endpoints.sfn,
    // s3rver stores aws-chunked framing verbatim; only send checksums when an operation needs them.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
    // No CloudWatch here: Powertools Metrics would print an embedded-metric line per sweep.
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

/** Replaces `process.env` entries for the duration of `body`, then puts the previous values back. */
export async function withEnvironment<T>(variables: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const previous = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(variables)) {
    previous.set(key, process.env[key]);
    process.env[key] = value;
  }
  try {
    return await body();
  } finally {
    for (const [key, value] of previous) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

function lambdaContext(spec: FunctionSpec, deadline: number): Context {
  const unsupported = () => {
    throw new Error('callback-style context methods are not supported locally');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: spec.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: spec.arn,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${spec.name}`,
    logStreamName: `local/${LOCAL_ACCOUNT}/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

function isHandler(value: unknown): value is Handler {
  return typeof value === 'function';
}

function callHandler(handler: Handler, event: unknown, context: Context): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (error?: unknown, result?: unknown) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof (returned as PromiseLike<unknown>).then === 'function') {
        (returned as PromiseLike<unknown>).then(resolve, reject);
      } else if (handler.length < 3) {
        resolve(returned);
      }
    } catch (error) {
      reject(error);
    }
  });
}

/**
 * Loads one bundle with its environment. The module URL carries the function name so two
 * functions built from the same bundle still get their own module instance (and own env).
 */
export async function loadFunction(
  spec: FunctionSpec,
  extraEnvironment: Record<string, string> = {},
): Promise<LocalFunction> {
  const url = `${pathToFileURL(spec.entryFile).href}?function=${encodeURIComponent(spec.name)}`;
  const loadEnvironment = {
    ...spec.environment,
    ...extraEnvironment,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
  };
  const module: Record<string, unknown> = await withEnvironment(loadEnvironment, () => import(url));
  const exported =
    module[spec.handlerExport] ?? (module.default as Record<string, unknown> | undefined)?.[spec.handlerExport];
  if (!isHandler(exported)) {
    throw new Error(`function ${spec.name}: ${spec.entryFile} exports no function '${spec.handlerExport}'`);
  }
  const handler = exported;
  return {
    spec,
    invoke(event) {
      const timeoutMs = spec.timeoutSeconds * 1000;
      const deadline = Date.now() + timeoutMs;
      // Clone as the Lambda service does (it serializes the event): a handler never shares objects with its caller.
      const payload = event === undefined ? {} : structuredClone(event);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new FunctionTimeoutError(`Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds`)),
          timeoutMs,
        );
      });
      return Promise.race([callHandler(handler, payload, lambdaContext(spec, deadline)), timeout]).finally(() =>
        clearTimeout(timer),
      );
    },
  };
}

/**
 * Loads the functions one at a time (their environments must not mix) and returns a runtime that
 * invokes them by name or ARN. `commonEnvironment` is set on the process for good.
 */
export async function loadFunctions(
  specs: readonly FunctionSpec[],
  commonEnvironment: Record<string, string>,
  extraEnvironment: Record<string, string> = {},
): Promise<LambdaRuntime> {
  Object.assign(process.env, commonEnvironment);
  const functions = new Map<string, LocalFunction>();
  for (const spec of specs) {
    functions.set(spec.name, await loadFunction(spec, extraEnvironment));
  }
  const find = (nameOrArn: string) => functions.get(functionNameOf(nameOrArn));
  return {
    functions,
    find,
    invoke(nameOrArn, event) {
      const fn = find(nameOrArn);
      if (!fn) return Promise.reject(new FunctionNotFoundError(`Function not found: ${nameOrArn}`));
      return fn.invoke(event);
    },
  };
}
