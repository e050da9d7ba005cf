import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../../../twin/assembly/assembly';
import { type SandboxRuntime, startSandboxes } from '../../../../twin/iam/sandbox';
import { FunctionNotFoundError, FunctionTimeoutError } from '../../../../twin/services/lambda';

const outdir = mkdtempSync(path.join(os.tmpdir(), 'anju-sandbox-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

// The bundle reads its configuration at module load, as the functions' config module does, and reports what the
// AWS SDK would see of the invocation (the InvokeStore's trace id).
const bundle = `
const tableAtLoad = process.env.TABLE_NAME;
const keyAtLoad = process.env.AWS_ACCESS_KEY_ID;
const endpointAtLoad = process.env.AWS_ENDPOINT_URL_DYNAMODB;
let invocations = 0;
export const handler = async (event, context) => {
  invocations += 1;
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  if (event.fail) { const e = new Error('boom'); e.name = 'StalePhaseError'; throw e; }
  if (event.crash) setTimeout(() => { throw new Error('uncaught'); });
  if (event.crash) await new Promise((r) => setTimeout(r, 1000));
  const store = globalThis.awslambda.InvokeStore;
  return { tableAtLoad, keyAtLoad, endpointAtLoad, event, fn: context.functionName, arn: context.invokedFunctionArn,
    remaining: context.getRemainingTimeInMillis(), requestId: context.awsRequestId, invocations,
    traceId: store.getXRayTraceId(), storeRequestId: store.getRequestId(), when: new Date(0),
    concurrency: process.env.AWS_LAMBDA_MAX_CONCURRENCY };
};
`;

function spec(name: string, table: string, timeoutSeconds = 3): FunctionSpec {
  const folder = path.join(outdir, 'asset.shared');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'index.mjs'), bundle);
  return {
    logicalId: name,
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    entryFile: path.join(folder, 'index.mjs'),
    handlerExport: 'handler',
    environment: { TABLE_NAME: table },
    timeoutSeconds,
    memoryMb: 256,
    architecture: 'arm64',
  };
}

let runtime: SandboxRuntime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

describe('startSandboxes', () => {
  it('gives each function its own environment and credentials, never touching the host process', async () => {
    const before = process.env.TABLE_NAME;
    runtime = await startSandboxes([spec('OneFn', 'TableOne'), spec('TwoFn', 'TableTwo')], {
      commonEnvironment: { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1', AWS_ACCESS_KEY_ID: 'operator' },
      environmentFor: (fn) => ({ AWS_ACCESS_KEY_ID: `ASIA${fn.name.toUpperCase()}` }),
    });
    const one = (await runtime.invoke('OneFn', { n: 1 })) as Record<string, unknown>;
    const two = (await runtime.invoke('arn:aws:lambda:us-east-1:000000000000:function:TwoFn', { n: 2 })) as Record<
      string,
      unknown
    >;
    expect(one).toMatchObject({
      tableAtLoad: 'TableOne',
      keyAtLoad: 'ASIAONEFN',
      endpointAtLoad: 'http://127.0.0.1:1',
      fn: 'OneFn',
      event: { n: 1 },
      concurrency: '64',
    });
    expect(two).toMatchObject({ tableAtLoad: 'TableTwo', keyAtLoad: 'ASIATWOFN', fn: 'TwoFn' });
    expect(process.env.TABLE_NAME).toBe(before);
    expect(one.remaining).toBeGreaterThan(2000);
    expect(one.requestId).not.toBe(two.requestId);
    expect(one.storeRequestId).toBe(one.requestId);
    // The result comes back as JSON, as Lambda serializes it.
    expect(one.when).toBe('1970-01-01T00:00:00.000Z');
  });

  it('passes each invocation its own trace id, even while several run at once', async () => {
    runtime = await startSandboxes([spec('TraceFn', 'T')], { commonEnvironment: {} });
    const traces = ['Root=1-00000001-a;Sampled=0', 'Root=1-00000002-b;Sampled=0', 'Root=1-00000003-c;Sampled=0'];
    const answers = (await Promise.all(
      traces.map((traceId, i) => runtime?.invoke('TraceFn', { sleepMs: 50 * (3 - i) }, { traceId })),
    )) as Record<string, unknown>[];
    expect(answers.map((answer) => answer.traceId)).toEqual(traces);
  });

  it('throws the handler error with its name, and unknown functions as ResourceNotFoundException', async () => {
    runtime = await startSandboxes([spec('FailFn', 'T')], { commonEnvironment: {} });
    await expect(runtime.invoke('FailFn', { fail: true })).rejects.toMatchObject({
      name: 'StalePhaseError',
      message: 'boom',
    });
    await expect(runtime.invoke('NoSuchFn', {})).rejects.toBeInstanceOf(FunctionNotFoundError);
  });

  it('times out as Lambda does', async () => {
    runtime = await startSandboxes([{ ...spec('SlowFn', 'T'), timeoutSeconds: 0.05 }], { commonEnvironment: {} });
    await expect(runtime.invoke('SlowFn', { sleepMs: 500 })).rejects.toBeInstanceOf(FunctionTimeoutError);
  });

  it('replaces a sandbox that crashed with a cold one at the next invocation', async () => {
    runtime = await startSandboxes([spec('CrashFn', 'T')], { commonEnvironment: {}, lazy: true });
    expect(await runtime.invoke('CrashFn', {})).toMatchObject({ invocations: 1 });
    await expect(runtime.invoke('CrashFn', { crash: true })).rejects.toMatchObject({ name: 'Runtime.ExitError' });
    expect(await runtime.invoke('CrashFn', {})).toMatchObject({ invocations: 1 });
  });

  it('fails the start when a bundle does not export its handler', async () => {
    await expect(
      startSandboxes([{ ...spec('BadFn', 'T'), handlerExport: 'missing' }], { commonEnvironment: {} }),
    ).rejects.toMatchObject({ name: 'Runtime.ImportModuleError' });
  });
});
