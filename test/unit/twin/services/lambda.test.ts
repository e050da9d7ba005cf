import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../../../twin/assembly/assembly';
import { FunctionNotFoundError, FunctionTimeoutError, loadFunctions } from '../../../../twin/services/lambda';

const outdir = mkdtempSync(path.join(os.tmpdir(), 'anju-lambda-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

// The bundle reads its configuration at module load, as lambdaEntry (functions/config/handler.ts) does.
const bundle = `
const tableAtLoad = process.env.TABLE_NAME;
const endpointAtLoad = process.env.AWS_ENDPOINT_URL_DYNAMODB;
export const handler = async (event, context) => {
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  if (event.fail) { const e = new Error('boom'); e.name = 'StalePhaseError'; throw e; }
  return { tableAtLoad, endpointAtLoad, tableNow: process.env.TABLE_NAME ?? null, event, fn: context.functionName,
    arn: context.invokedFunctionArn, remaining: context.getRemainingTimeInMillis(), requestId: context.awsRequestId };
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

describe('loadFunctions', () => {
  it("gives each function its own environment at load, then restores the process's", async () => {
    const before = process.env.TABLE_NAME;
    const runtime = await loadFunctions([spec('OneFn', 'TableOne'), spec('TwoFn', 'TableTwo')], {
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1',
    });
    const one = (await runtime.invoke('OneFn', { n: 1 })) as Record<string, unknown>;
    const two = (await runtime.invoke('arn:aws:lambda:us-east-1:000000000000:function:TwoFn', { n: 2 })) as Record<
      string,
      unknown
    >;
    expect(one).toMatchObject({
      tableAtLoad: 'TableOne',
      endpointAtLoad: 'http://127.0.0.1:1',
      fn: 'OneFn',
      event: { n: 1 },
    });
    expect(two).toMatchObject({
      tableAtLoad: 'TableTwo',
      fn: 'TwoFn',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:TwoFn',
    });
    expect(one.tableNow).toBe(before ?? null);
    expect(process.env.TABLE_NAME).toBe(before);
    expect(one.remaining).toBeGreaterThan(2000);
    expect(one.requestId).not.toBe(two.requestId);
  });

  it('throws the handler error with its name, and unknown functions as ResourceNotFoundException', async () => {
    const runtime = await loadFunctions([spec('FailFn', 'T')], {});
    await expect(runtime.invoke('FailFn', { fail: true })).rejects.toMatchObject({ name: 'StalePhaseError' });
    await expect(runtime.invoke('NoSuchFn', {})).rejects.toBeInstanceOf(FunctionNotFoundError);
  });

  it('times out as Lambda does', async () => {
    const runtime = await loadFunctions([{ ...spec('SlowFn', 'T'), timeoutSeconds: 0.05 }], {});
    await expect(runtime.invoke('SlowFn', { sleepMs: 500 })).rejects.toBeInstanceOf(FunctionTimeoutError);
  });
});
