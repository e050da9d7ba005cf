import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventually } from '../../tools/api-client/client';
import { restartAtParkedStep } from '../../twin/recovery';
import { Engine } from '../../twin/services/stepfunctions/sfn/engine';
import { type LocalStepFunctions, startStepFunctions } from '../../twin/services/stepfunctions/stepfunctions';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const RECORD_TASK_FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:RecordTaskFn`;
const SYSTEM_TASK_FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:SystemTaskFn`;
const MACHINE_NAME = 'Renovation';
const MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${MACHINE_NAME}`;

const callbackTask = (step: string, next: string, extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: {
    FunctionName: RECORD_TASK_FN,
    Payload: { 'taskToken.$': '$$.Task.Token', 'householdId.$': '$.householdId', step },
  },
  ResultPath: '$.decision',
  Next: next,
  ...extra,
});

/** A small workflow in the shape of docs/design.md's state machine contract. */
const definition = {
  StartAt: 'RouteByPhase',
  States: {
    RouteByPhase: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.phase', StringEquals: 'review', Next: 'Review' },
        { Variable: '$.phase', StringEquals: 'inspection', Next: 'Inspection' },
        { Variable: '$.phase', StringEquals: 'signing', Next: 'Signing' },
        { Variable: '$.phase', StringEquals: 'payment', Next: 'Pay' },
        { Variable: '$.phase', StringEquals: 'notice', Next: 'NoticePeriod' },
      ],
      Default: 'UnknownPhase',
    },
    Review: callbackTask('review', 'ReviewDecision', {
      Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.failure', Next: 'Rejected' }],
    }),
    ReviewDecision: {
      Type: 'Choice',
      Choices: [{ Variable: '$.decision.next', StringEquals: 'payment', Next: 'Pay' }],
      Default: 'ResyncPhase',
    },
    ResyncPhase: {
      Type: 'Pass',
      Parameters: { 'householdId.$': '$.householdId', 'phase.$': '$.decision.next' },
      Next: 'RouteByPhase',
    },
    Inspection: callbackTask('inspection', 'ReviewDecision'),
    Signing: callbackTask('signing', 'ReviewDecision', {
      TimeoutSeconds: 2,
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'SigningTimedOut' }],
    }),
    Pay: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: SYSTEM_TASK_FN, Payload: { task: 'pay', 'householdId.$': '$.householdId' } },
      ResultSelector: { 'result.$': '$.Payload' },
      ResultPath: '$.payment',
      Retry: [{ ErrorEquals: ['BankUnavailable'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'PaymentFailed' }],
      Next: 'Archived',
    },
    NoticePeriod: { Type: 'Wait', Seconds: 3600, Next: 'Archived' },
    Archived: { Type: 'Succeed' },
    Rejected: { Type: 'Fail', Error: 'HouseholdRejected', Cause: 'rejected at review' },
    PaymentFailed: { Type: 'Fail', Error: 'PaymentFailed', Cause: 'the bank kept failing' },
    SigningTimedOut: { Type: 'Fail', Error: 'SigningTimedOut', Cause: 'nobody signed' },
    UnknownPhase: { Type: 'Fail', Error: 'UnknownPhase' },
  },
};

interface Invocation {
  functionName: string;
  payload: { taskToken?: string; householdId?: string; step?: string; task?: string };
}

/** Stands in for the in-process Lambdas: records every call; the bank fails as often as told per household. */
class FakeLambdas {
  readonly calls: Invocation[] = [];
  readonly bankFailures = new Map<string, number>();

  readonly invoke = async (functionName: string, payload: unknown): Promise<unknown> => {
    const call = { functionName, payload: payload as Invocation['payload'] };
    this.calls.push(call);
    if (functionName === SYSTEM_TASK_FN) {
      const householdId = call.payload.householdId ?? '';
      const failures = this.bankFailures.get(householdId) ?? 0;
      if (failures > 0) {
        this.bankFailures.set(householdId, failures - 1);
        const error = new Error('the bank did not answer');
        error.name = 'BankUnavailable';
        throw error;
      }
      return { paid: true, householdId };
    }
    return { recorded: true };
  };

  callbacks(householdId: string, step?: string): Invocation[] {
    return this.calls.filter(
      (call) =>
        call.functionName === RECORD_TASK_FN &&
        call.payload.householdId === householdId &&
        (step === undefined || call.payload.step === step),
    );
  }

  payments(householdId: string): Invocation[] {
    return this.calls.filter(
      (call) => call.functionName === SYSTEM_TASK_FN && call.payload.householdId === householdId,
    );
  }
}

/** The engine answers in milliseconds: poll often. */
const soon = <T>(probe: () => T | undefined | Promise<T | undefined>) => eventually(probe, 10_000, 'a condition', 25);

function start(
  lambdas: FakeLambdas,
  dataDir: string,
  fastWaits = true,
): Promise<LocalStepFunctions & { lambdas: FakeLambdas }> {
  return startStepFunctions({
    dataDir,
    region: REGION,
    accountId: ACCOUNT,
    stateMachines: [{ arn: MACHINE_ARN, name: MACHINE_NAME, definition }],
    invokeLambda: lambdas.invoke,
    fastWaits,
    recoveryInput: restartAtParkedStep,
  }).then((service) => Object.assign(service, { lambdas }));
}

function clientFor(service: LocalStepFunctions): SFNClient {
  return new SFNClient({
    endpoint: service.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

async function finished(client: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return soon(async () => {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    return execution.status === 'RUNNING' ? undefined : execution;
  });
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-sfn-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('local Step Functions service', () => {
  let service: LocalStepFunctions;
  let client: SFNClient;
  const lambdas = new FakeLambdas();

  beforeAll(async () => {
    service = await start(lambdas, tempDir());
    client = clientFor(service);
  });

  afterAll(async () => {
    client.destroy();
    await service.stop();
  });

  async function startHousehold(householdId: string, phase: string, name = `${householdId}-1`): Promise<string> {
    const input = JSON.stringify({ householdId, phase });
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name, input }));
    expect(started.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:${MACHINE_NAME}:${name}`);
    return started.executionArn ?? '';
  }

  const tokenOf = (householdId: string, step: string, nth = 0) =>
    soon(() => lambdas.callbacks(householdId, step)[nth]?.payload.taskToken);

  it('parks a callback task on a fresh token and follows the output it is given, retrying a failing task', async () => {
    lambdas.bankFailures.set('hh-1', 1);
    const executionArn = await startHousehold('hh-1', 'review');

    const token = await tokenOf('hh-1', 'review');
    expect(token).toMatch(/^[A-Za-z0-9_-]{64,}$/);
    const running = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(running.status).toBe('RUNNING');

    await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await client.send(
      new SendTaskSuccessCommand({
        taskToken: token,
        output: JSON.stringify({ outcome: 'approved', next: 'payment' }),
      }),
    );

    const done = await finished(client, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual({
      householdId: 'hh-1',
      phase: 'review',
      decision: { outcome: 'approved', next: 'payment' },
      payment: { result: { paid: true, householdId: 'hh-1' } },
    });
    expect(lambdas.payments('hh-1')).toHaveLength(2);
  });

  it('refuses a replayed, a forged and a malformed token', async () => {
    const executionArn = await startHousehold('hh-2', 'review');
    const token = await tokenOf('hh-2', 'review');
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"outcome":"ok","next":"payment"}' }));
    await finished(client, executionArn);

    await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      client.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected' })),
    ).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    const forged = randomBytes(48).toString('base64url');
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: forged, output: '{}' }))).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
    await expect(client.send(new SendTaskHeartbeatCommand({ taskToken: forged }))).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: 'abc', output: '{}' }))).rejects.toMatchObject({
      name: 'InvalidToken',
    });
  });

  it('mints a different token for every callback task', async () => {
    await startHousehold('hh-3', 'review');
    await startHousehold('hh-4', 'review');
    const [first, second] = await Promise.all([tokenOf('hh-3', 'review'), tokenOf('hh-4', 'review')]);
    expect(first).not.toBe(second);
    await client.send(new SendTaskSuccessCommand({ taskToken: second, output: '{"next":"inspection"}' }));
    const third = await tokenOf('hh-4', 'inspection');
    expect(new Set([first, second, third]).size).toBe(3);
  });

  it('routes a SendTaskFailure through the Catch of the callback task', async () => {
    const executionArn = await startHousehold('hh-5', 'review');
    const token = await tokenOf('hh-5', 'review');
    await client.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: 'not eligible' }));

    const done = await finished(client, executionArn);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('HouseholdRejected');
    expect(done.cause).toBe('rejected at review');
  });

  it('resyncs to the phase the decision names and lets fast waits end a one-hour Wait', async () => {
    const executionArn = await startHousehold('hh-6', 'review');
    const token = await tokenOf('hh-6', 'review');
    const startedAt = Date.now();
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"outcome":"resync","next":"notice"}' }));

    const done = await finished(client, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual({ householdId: 'hh-6', phase: 'notice' });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);

    const history = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const types = (history.events ?? []).map((event) => event.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types).toContain('TaskSubmitted');
    expect(types).toContain('WaitStateEntered');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });

  it('catches a task that keeps failing after its retries', async () => {
    lambdas.bankFailures.set('hh-7', 10);
    const executionArn = await startHousehold('hh-7', 'payment');

    const done = await finished(client, executionArn);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('PaymentFailed');
    expect(lambdas.payments('hh-7')).toHaveLength(3);
  });

  it('fails a callback task after its TimeoutSeconds and then answers TaskTimedOut for its token', async () => {
    const executionArn = await startHousehold('hh-8', 'signing');
    const token = await tokenOf('hh-8', 'signing');

    const done = await finished(client, executionArn);
    expect(done.error).toBe('SigningTimedOut');
    await soon(async () => {
      const error = await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })).catch((e) => e);
      return error?.name === 'TaskTimedOut' ? true : undefined;
    });
  });

  it('keeps execution names unique, and repeats a start with the same input idempotently', async () => {
    const executionArn = await startHousehold('hh-9', 'review');
    const again = await client.send(
      new StartExecutionCommand({
        stateMachineArn: MACHINE_ARN,
        name: 'hh-9-1',
        input: JSON.stringify({ householdId: 'hh-9', phase: 'review' }),
      }),
    );
    expect(again.executionArn).toBe(executionArn);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'hh-9-1', input: '{"phase":"x"}' })),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });

    await client.send(new StopExecutionCommand({ executionArn, cause: 'test' }));
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');
    await expect(
      client.send(
        new StartExecutionCommand({
          stateMachineArn: MACHINE_ARN,
          name: 'hh-9-1',
          input: JSON.stringify({ householdId: 'hh-9', phase: 'review' }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    const token = await tokenOf('hh-9', 'review');
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
  });

  it('answers unknown machines, executions and bad input with the named exceptions', async () => {
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: `${MACHINE_ARN}Nope`, input: '{}' })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, input: '{not json' })),
    ).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    await expect(
      client.send(
        new DescribeExecutionCommand({ executionArn: `${MACHINE_ARN.replace('stateMachine', 'execution')}:x` }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });

    const machine = await client.send(new DescribeStateMachineCommand({ stateMachineArn: MACHINE_ARN }));
    expect(machine.name).toBe(MACHINE_NAME);
    expect(JSON.parse(machine.definition ?? '{}')).toEqual(definition);

    const listed = await client.send(
      new ListExecutionsCommand({ stateMachineArn: MACHINE_ARN, statusFilter: 'FAILED' }),
    );
    expect(listed.executions?.map((execution) => execution.name)).toEqual(expect.arrayContaining(['hh-5-1', 'hh-7-1']));
    expect(listed.executions?.every((execution) => execution.status === 'FAILED')).toBe(true);
  });
});

describe('local Step Functions service without fast waits', () => {
  it('keeps a one-hour Wait waiting', async () => {
    const service = await start(new FakeLambdas(), tempDir(), false);
    const client = clientFor(service);
    try {
      const started = await client.send(
        new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, input: '{"householdId":"hh-w","phase":"notice"}' }),
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const execution = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      expect(execution.status).toBe('RUNNING');
    } finally {
      client.destroy();
      await service.stop();
    }
  });
});

describe('local Step Functions service across a restart', () => {
  it('restarts a parked execution at its parked step with a new token, from a journal with a torn last line', async () => {
    const dataDir = tempDir();
    const journalFile = path.join(dataDir, 'stepfunctions', 'journal.jsonl');
    const before = new FakeLambdas();
    const first = await start(before, dataDir);
    const firstClient = clientFor(first);
    const input = JSON.stringify({ householdId: 'hh-r', phase: 'review' });
    const original = await firstClient.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'hh-r-1', input }),
    );
    const reviewToken = await soon(() => before.callbacks('hh-r', 'review')[0]?.payload.taskToken);
    await firstClient.send(new SendTaskSuccessCommand({ taskToken: reviewToken, output: '{"next":"inspection"}' }));
    const parkedToken = await soon(() => before.callbacks('hh-r', 'inspection')[0]?.payload.taskToken);
    firstClient.destroy();
    await first.stop();

    expect(fs.readFileSync(journalFile, 'utf8')).not.toContain(parkedToken);
    fs.appendFileSync(journalFile, '{"t":"start","arn":"arn:aws:states:us-east-1:000000000000:exec');

    const after = new FakeLambdas();
    const second = await start(after, dataDir);
    const client = clientFor(second);
    try {
      const waiting = await client.send(new DescribeExecutionCommand({ executionArn: original.executionArn }));
      expect(waiting.status).toBe('RUNNING');
      expect(after.calls).toHaveLength(0);

      expect(await second.recover()).toBe(1);

      const resumed = await soon(() => after.callbacks('hh-r')[0]);
      expect(resumed.payload.step).toBe('inspection');
      expect(resumed.payload.taskToken).toMatch(/^[A-Za-z0-9_-]{64,}$/);
      expect(resumed.payload.taskToken).not.toBe(parkedToken);
      await expect(
        client.send(new SendTaskSuccessCommand({ taskToken: parkedToken, output: '{}' })),
      ).rejects.toMatchObject({ name: 'TaskDoesNotExist' });

      const old = await client.send(new DescribeExecutionCommand({ executionArn: original.executionArn }));
      expect(old.status).toBe('ABORTED');
      const newArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${MACHINE_NAME}:hh-r-1-r1`;
      const restarted = await client.send(new DescribeExecutionCommand({ executionArn: newArn }));
      expect(JSON.parse(restarted.input ?? '{}')).toEqual({ householdId: 'hh-r', phase: 'inspection' });

      await client.send(
        new SendTaskSuccessCommand({ taskToken: resumed.payload.taskToken, output: '{"next":"payment"}' }),
      );
      const done = await finished(client, newArn);
      expect(done.status).toBe('SUCCEEDED');
      expect(after.payments('hh-r')).toHaveLength(1);
    } finally {
      client.destroy();
      await second.stop();
    }

    const lines = fs.readFileSync(journalFile, 'utf8').trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();

    const third = await start(new FakeLambdas(), dataDir);
    try {
      expect(await third.recover()).toBe(0);
      const thirdClient = clientFor(third);
      const old = await thirdClient.send(new DescribeExecutionCommand({ executionArn: original.executionArn }));
      expect(old.status).toBe('ABORTED');
      thirdClient.destroy();
    } finally {
      await third.stop();
    }
  });
});

describe('local Step Functions engine on a fake clock', () => {
  const DAY_MS = 24 * 3600 * 1000;
  /** A person who takes a month, then a 30-day cooling-off Wait: both beyond what one setTimeout can hold. */
  const slowDefinition = {
    StartAt: 'Approve',
    States: {
      Approve: callbackTask('approve', 'CoolingOff'),
      CoolingOff: { Type: 'Wait', Seconds: 30 * 24 * 3600, Next: 'Done' },
      Done: { Type: 'Succeed' },
    },
  };

  it('keeps a callback task parked for a month on one token and never ends a 30-day Wait early', async () => {
    const lambdas = new FakeLambdas();
    const engine = new Engine({
      dataDir: tempDir(),
      region: REGION,
      accountId: ACCOUNT,
      stateMachines: [{ arn: MACHINE_ARN, name: MACHINE_NAME, definition: slowDefinition }],
      invokeLambda: lambdas.invoke,
      fastWaits: false,
      log: () => undefined,
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const { executionArn } = engine.startExecution(MACHINE_ARN, 'slow-1', '{"householdId":"hh-slow"}');
      await vi.advanceTimersByTimeAsync(10);
      const token = lambdas.callbacks('hh-slow', 'approve')[0]?.payload.taskToken ?? '';
      expect(token).not.toBe('');

      await vi.advanceTimersByTimeAsync(31 * DAY_MS);
      expect(engine.describeExecution(executionArn).status).toBe('RUNNING');
      expect(lambdas.callbacks('hh-slow')).toHaveLength(1);

      engine.sendTaskSuccess(token, '{"next":"done"}');
      await vi.advanceTimersByTimeAsync(29 * DAY_MS);
      expect(engine.describeExecution(executionArn).status).toBe('RUNNING');

      await vi.advanceTimersByTimeAsync(2 * DAY_MS);
      expect(engine.describeExecution(executionArn).status).toBe('SUCCEEDED');
    } finally {
      vi.useRealTimers();
      engine.stop();
    }
  });
});
