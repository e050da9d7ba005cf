// One Lambda function's sandbox (a worker thread started by `twin/iam/sandbox.ts`), as Lambda's Node.js runtime
// runs it: the bundle is imported once with the function's own environment (its template variables and the
// credentials of its own role, set by the host as this thread's `process.env`), then invoked by message.
//
// Several invocations may run at once, as in Lambda's multi-concurrency mode (AWS_LAMBDA_MAX_CONCURRENCY): the
// request id and X-Ray trace id of each one live in the runtime's InvokeStore (`globalThis.awslambda.InvokeStore`,
// an AsyncLocalStorage), which is where the AWS SDK reads the trace id it sends as `X-Amzn-Trace-Id`. So every AWS
// call names the invocation that made it, however many run at once.
//
// Plain JavaScript on purpose: a worker needs a file of its own, and this one must run unchanged from the sources
// (unit tests) and from the esbuild bundle of the stack (`.build/`).
import { AsyncLocalStorage } from 'node:async_hooks';
import { parentPort, workerData } from 'node:worker_threads';

const KEYS = {
  REQUEST_ID: Symbol.for('_AWS_LAMBDA_REQUEST_ID'),
  X_RAY_TRACE_ID: Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID'),
  TENANT_ID: Symbol.for('_AWS_LAMBDA_TENANT_ID'),
  TRACEPARENT: Symbol.for('_AWS_LAMBDA_TRACEPARENT'),
  TRACESTATE: Symbol.for('_AWS_LAMBDA_TRACESTATE'),
  BAGGAGE: Symbol.for('_AWS_LAMBDA_BAGGAGE'),
};
const protectedKeys = new Set(Object.values(KEYS));
const invocations = new AsyncLocalStorage();

// The shape of @aws/lambda-invoke-store's multi-concurrency store, which the SDK in every bundle looks up here.
globalThis.awslambda = globalThis.awslambda ?? {};
globalThis.awslambda.InvokeStore = {
  getContext: () => invocations.getStore(),
  hasContext: () => invocations.getStore() !== undefined,
  get: (key) => invocations.getStore()?.[key],
  set(key, value) {
    if (protectedKeys.has(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    const store = invocations.getStore();
    if (!store) throw new Error('No context available');
    store[key] = value;
  },
  run: (context, fn) => invocations.run(context, fn),
  getRequestId: () => invocations.getStore()?.[KEYS.REQUEST_ID] ?? '-',
  getXRayTraceId: () => invocations.getStore()?.[KEYS.X_RAY_TRACE_ID],
  getTenantId: () => invocations.getStore()?.[KEYS.TENANT_ID],
  getTraceparent: () => invocations.getStore()?.[KEYS.TRACEPARENT],
  getTracestate: () => invocations.getStore()?.[KEYS.TRACESTATE],
  getBaggage: () => invocations.getStore()?.[KEYS.BAGGAGE],
};

/** An error as the host rebuilds it: Step Functions and API Gateway read its `name`. */
function describeError(error) {
  if (error instanceof Error) return { name: error.name || 'Error', message: error.message, stack: error.stack ?? '' };
  return { name: 'Error', message: String(error), stack: '' };
}

const { spec } = workerData;
let handler;
try {
  const module = await import(workerData.entryUrl);
  const exported = module[spec.handlerExport] ?? module.default?.[spec.handlerExport];
  if (typeof exported !== 'function') {
    throw new Error(`function ${spec.name}: ${spec.entryFile} exports no function '${spec.handlerExport}'`);
  }
  handler = exported;
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  // Lambda answers every invocation of a function whose init failed with Runtime.ImportModuleError and the cause.
  parentPort.postMessage({
    type: 'init-failed',
    error: { ...describeError(error), name: 'Runtime.ImportModuleError' },
  });
}

function contextFor(message) {
  const unsupported = () => {
    throw new Error('callback-style context methods are not supported locally');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: spec.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: spec.arn,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: `/aws/lambda/${spec.name}`,
    logStreamName: `local/${message.logStream}`,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

function callHandler(event, context) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (error) {
      reject(error);
    }
  });
}

parentPort.on('message', (message) => {
  if (message.type !== 'invoke' || handler === undefined) return;
  const store = { [KEYS.REQUEST_ID]: message.requestId, [KEYS.X_RAY_TRACE_ID]: message.traceId };
  invocations.run(store, async () => {
    try {
      const result = await callHandler(message.event, contextFor(message));
      // Lambda serializes the result as JSON; `undefined` comes back as null.
      const text = result === undefined ? 'null' : JSON.stringify(result);
      parentPort.postMessage({ type: 'result', id: message.id, json: text ?? 'null' });
    } catch (error) {
      parentPort.postMessage({ type: 'error', id: message.id, error: describeError(error) });
    }
  });
});
