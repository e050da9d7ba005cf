/**
 * What the rest of the local stack knows of the functions: how to invoke one by name or ARN. Each function runs
 * in its own sandbox (a worker thread with its own environment and its role's credentials:
 * `twin/iam/sandbox.ts`). Everything that differs between local mode and AWS is decided there, never in handler
 * code: the handlers only see the standard AWS variables (endpoints, region, credentials) and the environment
 * variables of their template.
 */
import type { FunctionSpec } from '../assembly/assembly';
import { LOCAL_REGION } from '../assembly/local-names';

export type LocalEndpoints = { readonly dynamodb: string; readonly s3: string; readonly sfn: string };

export type InvokeOptions = {
  /**
   * The invocation's X-Ray trace header (`Root=1-...;Parent=...;Sampled=0`): the SDK sends it with every AWS call
   * the invocation makes, so the local services can tell which invocation called. @default a new one
   */
  readonly traceId?: string;
};

export type LocalFunction = {
  readonly spec: FunctionSpec;
  invoke(event: unknown, options?: InvokeOptions): Promise<unknown>;
};

export type LambdaRuntime = {
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** The function behind a name or an ARN (qualified or not), or undefined. */
  find(nameOrArn: string): LocalFunction | undefined;
  /** Invokes by name or ARN; a handler's error is thrown as is (its `name` is the Lambda error type). */
  invoke(nameOrArn: string, event: unknown, options?: InvokeOptions): Promise<unknown>;
};

export class FunctionNotFoundError extends Error {
  override readonly name = 'ResourceNotFoundException';
}

export class FunctionTimeoutError extends Error {
  override readonly name = 'Sandbox.Timedout';
}

/**
 * The variables every local function sees: region, the local endpoints, and the operator's credentials, which
 * each sandbox replaces with its own role's.
 */
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
    // No X-Ray here either: in a sandbox that looks like Lambda (AWS_EXECUTION_ENV) the Tracer would look for the
    // segment Lambda's runtime opens and log an error on every scheduled run.
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
}
