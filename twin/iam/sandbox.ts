/**
 * Each function in its own sandbox, as on Lambda: a worker thread (`sandbox-worker.mjs`) with its own
 * `process.env` (the template's variables for that function, the region and endpoints every function sees, and
 * the temporary credentials of the function's own role), its own module instance, and a V8 heap no larger than
 * its MemorySize. Invocations go by message (the event is a structured clone, the result JSON, as Lambda
 * serializes them); the Timeout is enforced here (`Sandbox.Timedout`); a handler's error comes back with its
 * `name`, which Step Functions matches in Retry/Catch.
 *
 * Sandboxes start in parallel at start-up (`lazy: false`, the default) or at their first invocation. A sandbox
 * that died (its heap full, an uncaught exception) fails the invocations it was running and is started again,
 * cold, at the next one, as Lambda replaces an execution environment.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FunctionSpec } from '../assembly/assembly';
import { functionNameOf } from '../assembly/local-names';
import {
  FunctionNotFoundError,
  FunctionTimeoutError,
  type InvokeOptions,
  type LambdaRuntime,
  type LocalFunction,
} from '../services/lambda';

export type SandboxOptions = {
  /** Region, endpoints and checksum settings: what every function sees. */
  readonly commonEnvironment: Readonly<Record<string, string>>;
  /** Added to every function's environment (e.g. `POWERTOOLS_LOG_LEVEL` in quiet mode). */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  /** A function's own extra variables: the credentials of its role. */
  readonly environmentFor?: (spec: FunctionSpec) => Readonly<Record<string, string>>;
  /** Start a sandbox at its function's first invocation instead of at once. @default false */
  readonly lazy?: boolean;
  /** How many invocations one sandbox runs at once (AWS_LAMBDA_MAX_CONCURRENCY). @default 64 */
  readonly maxConcurrency?: number;
};

export type SandboxRuntime = LambdaRuntime & {
  /** Ends every sandbox; invocations still running fail. */
  stop(): Promise<void>;
};

/** A failure of the sandbox itself, named as Lambda names it (`Runtime.ExitError`, `Runtime.OutOfMemory`, ...). */
export class SandboxError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

/** The environment variables Lambda sets for a function, besides those of its template. */
function reservedEnvironment(spec: FunctionSpec, maxConcurrency: number): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `local/${spec.name}`,
    AWS_LAMBDA_MAX_CONCURRENCY: String(maxConcurrency),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  };
}

/** What a sandbox keeps from the machine: where programs and temporary files are, nothing else. */
function machineEnvironment(): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/** An X-Ray trace header as Lambda passes it to an invocation (`Root=1-<time>-<random>;Parent=...;Sampled=0`). */
export function newTraceId(): string {
  const time = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${time}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

let workerFile: string | undefined;
/** The worker script, found from the project root: this module also runs bundled, from `.build/`. */
function sandboxWorkerFile(): string {
  if (workerFile) return workerFile;
  let folder = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(folder, 'twin', 'iam', 'sandbox-worker.mjs');
    if (existsSync(candidate)) {
      workerFile = candidate;
      return candidate;
    }
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error('twin/iam/sandbox-worker.mjs was not found above the running module');
    folder = parent;
  }
}

type Pending = {
  /** The worker running the invocation: when it dies, only its own invocations fail. */
  readonly worker: Worker;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
};

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-failed'; error: { name: string; message: string; stack: string } }
  | { type: 'result'; id: number; json: string }
  | { type: 'error'; id: number; error: { name: string; message: string; stack: string } };

function rebuiltError(described: { name: string; message: string; stack: string }): Error {
  const error = new Error(described.message);
  error.name = described.name;
  if (described.stack) error.stack = described.stack;
  return error;
}

class Sandbox implements LocalFunction {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped = false;

  constructor(
    readonly spec: FunctionSpec,
    private readonly environment: Record<string, string>,
  ) {}

  /** Starts the worker unless it runs; resolves once the bundle is imported. */
  start(): Promise<void> {
    this.ready ??= this.spawn();
    return this.ready;
  }

  private spawn(): Promise<void> {
    const worker = new Worker(sandboxWorkerFile(), {
      env: this.environment,
      workerData: {
        spec: this.spec,
        entryUrl: `${pathToFileURL(this.spec.entryFile).href}?function=${encodeURIComponent(this.spec.name)}`,
      },
      // Lambda's MemorySize bounds the whole sandbox; here it bounds the function's JavaScript heap.
      resourceLimits: { maxOldGenerationSizeMb: this.spec.memoryMb },
      stdout: false,
      stderr: false,
    });
    this.worker = worker;
    const forget = () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.ready = undefined;
    };
    return new Promise<void>((resolve, reject) => {
      let initialized = false;
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            initialized = true;
            resolve();
            return;
          case 'init-failed':
            initialized = true;
            reject(rebuiltError(message.error));
            return;
          case 'result':
            this.settle(message.id, (pending) => pending.resolve(JSON.parse(message.json)));
            return;
          case 'error':
            this.settle(message.id, (pending) => pending.reject(rebuiltError(message.error)));
            return;
        }
      });
      worker.on('error', (error: Error & { code?: string }) => {
        const failure =
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new SandboxError(
                'Runtime.OutOfMemory',
                `Runtime exited: the function used more than ${this.spec.memoryMb} MB`,
              )
            : new SandboxError('Runtime.ExitError', `Runtime exited with error: ${error.name}: ${error.message}`);
        // The worker is gone (its 'exit' follows): the next invocation starts a new one.
        forget();
        if (!initialized) reject(failure);
        this.failAll(failure, worker);
      });
      worker.on('exit', (code) => {
        forget();
        if (!initialized) reject(new SandboxError('Runtime.ExitError', `Runtime exited during init (code ${code})`));
        this.failAll(new SandboxError('Runtime.ExitError', `Runtime exited with code ${code}`), worker);
      });
    });
  }

  private settle(id: number, with_: (pending: Pending) => void): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    with_(pending);
  }

  private failAll(error: Error, worker?: Worker): void {
    for (const [id, pending] of [...this.pending]) {
      if (worker !== undefined && pending.worker !== worker) continue;
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  async invoke(event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    if (this.stopped) throw new SandboxError('Runtime.ExitError', `function ${this.spec.name} is stopped`);
    await this.start();
    const worker = this.worker;
    if (!worker) throw new SandboxError('Runtime.ExitError', `function ${this.spec.name} has no running sandbox`);
    const id = this.nextId++;
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      // Lambda reports the timeout and abandons the invocation; its sandbox goes on serving the others.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new FunctionTimeoutError(`Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`));
      }, timeoutMs);
      this.pending.set(id, { worker, resolve, reject, timer });
      try {
        worker.postMessage({
          type: 'invoke',
          id,
          // As the Lambda service does: the handler never shares objects with its caller.
          event: event === undefined ? {} : event,
          requestId: randomUUID(),
          traceId: options.traceId ?? newTraceId(),
          deadline,
          logStream: this.spec.name,
        });
      } catch (error) {
        this.settle(id, (pending) =>
          pending.reject(
            new SandboxError('Runtime.MarshalError', `the event cannot be serialized: ${(error as Error).message}`),
          ),
        );
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new SandboxError('Runtime.ExitError', `function ${this.spec.name} stopped`));
    if (worker) await worker.terminate();
  }
}

/** Starts a sandbox per function (all at once unless `lazy`) and returns a runtime that invokes them by name or ARN. */
export async function startSandboxes(specs: readonly FunctionSpec[], options: SandboxOptions): Promise<SandboxRuntime> {
  const maxConcurrency = options.maxConcurrency ?? 64;
  const functions = new Map<string, Sandbox>();
  for (const spec of specs) {
    const environment = {
      ...machineEnvironment(),
      ...options.commonEnvironment,
      ...spec.environment,
      ...options.extraEnvironment,
      ...options.environmentFor?.(spec),
      ...reservedEnvironment(spec, maxConcurrency),
    };
    functions.set(spec.name, new Sandbox(spec, environment));
  }
  const stop = async () => {
    await Promise.all([...functions.values()].map((sandbox) => sandbox.stop()));
  };
  if (!options.lazy) {
    try {
      await Promise.all([...functions.values()].map((sandbox) => sandbox.start()));
    } catch (error) {
      await stop();
      throw error;
    }
  }
  const find = (nameOrArn: string) => functions.get(functionNameOf(nameOrArn));
  return {
    functions,
    find,
    invoke(nameOrArn, event, invokeOptions) {
      const fn = find(nameOrArn);
      if (!fn) return Promise.reject(new FunctionNotFoundError(`Function not found: ${nameOrArn}`));
      return fn.invoke(event, invokeOptions);
    },
    stop,
  };
}
