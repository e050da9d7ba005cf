import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { BatchGetCommand, DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { handlerWith } from '../../../../functions/schedules/outbox-sweeper';
import { shardOf } from '../../../../process/healing';
import { context } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, NOW, openTaskItem, TOKEN } from '../support/fixtures';
import { ddbMock, namedError, sfnMock } from '../support/mocks';
import { batchOf, sentOutputs, withWorkflowMocks } from '../support/state-machine';

const sweeper = handlerWith(testDependencies());
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

withWorkflowMocks();

/** A decision stored at `decidedAt` (an hour before the sweep by default) and due at `nextTryAt`. */
function decided(overrides: Record<string, unknown> = {}, householdId = HOUSEHOLD_ID) {
  const decidedAt = String(overrides.decidedAt ?? minutesAgo(60));
  const nextTryAt = String(overrides.nextTryAt ?? new Date(Date.parse(decidedAt) + 60_000).toISOString());
  return openTaskItem('township-review', {
    PK: `HH#${householdId}`,
    householdId,
    status: 'decided',
    decision: { outcome: 'approve', next: 'county-approval' },
    decidedAt,
    nextTryAt,
    GSI2PK: `OUTBOX#${shardOf(householdId)}`,
    GSI2SK: `${nextTryAt}#${householdId}`,
    ...overrides,
  });
}

/** A registration whose first execution was not confirmed started. */
function starting(createdAt: string) {
  const nextTryAt = new Date(Date.parse(createdAt) + 10_000).toISOString();
  return {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: 'TASK',
    householdId: HOUSEHOLD_ID,
    status: 'starting',
    step: 'safety-appraisal',
    county: '522327',
    township: '522327100',
    createdAt,
    executionName: `${HOUSEHOLD_ID}-0`,
    nextTryAt,
    GSI2PK: `OUTBOX#${shardOf(HOUSEHOLD_ID)}`,
    GSI2SK: `${nextTryAt}#${HOUSEHOLD_ID}`,
  };
}

function inOutbox(...items: Record<string, unknown>[]) {
  ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [] });
  for (const partition of new Set(items.map((item) => String(item.GSI2PK)))) {
    ddbMock
      .on(QueryCommand, { IndexName: 'GSI2', ExpressionAttributeValues: { ':outbox': partition } })
      .resolves({ Items: items.filter((item) => item.GSI2PK === partition) });
  }
  ddbMock.on(UpdateCommand).resolves({});
}

/** The household at `phase` with its execution pointer at attempt 2; Step Functions answers `execution` for it. */
function givenPointer(phase: ReturnType<typeof household>['phase'], execution: Record<string, unknown> | Error) {
  const pointer = {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: 'EXEC',
    householdId: HOUSEHOLD_ID,
    executionName: `${HOUSEHOLD_ID}-2`,
    attempt: 2,
    startedAt: minutesAgo(120),
    checkAt: minutesAgo(-30),
    watched: true,
  };
  ddbMock.on(BatchGetCommand).resolves(batchOf(householdItem(household({ phase })), pointer));
  if (execution instanceof Error) sfnMock.on(DescribeExecutionCommand).rejects(execution);
  else sfnMock.on(DescribeExecutionCommand).resolves(execution);
  sfnMock.on(StopExecutionCommand).resolves({});
}

describe('OutboxSweeperFn', () => {
  it('reads every shard of the outbox (and the unsharded partition of older data), never one hot key', async () => {
    inOutbox();

    await sweeper({}, context);

    const partitions = ddbMock
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input.ExpressionAttributeValues?.[':outbox']);
    expect(partitions.sort()).toEqual([...Array.from({ length: 8 }, (_, s) => `OUTBOX#${s}`), 'OUTBOX'].sort());
  });

  it('re-sends a due decision and removes it once acknowledged', async () => {
    inOutbox(decided());

    const counts = await sweeper({}, context);

    expect(sentOutputs()).toEqual([{ token: TOKEN, output: { outcome: 'approve', next: 'county-approval' } }]);
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(1);
    // The decision was stored an hour before the sweep: the age the outbox alarm watches.
    expect(counts).toEqual({
      resent: 1,
      settled: 0,
      restarted: 0,
      started: 0,
      failed: 0,
      waiting: 1,
      oldestAgeSeconds: 3600,
    });
  });

  it('leaves a decision not yet due (under a minute old, or backed off) but counts it in the age', async () => {
    const young = decided({ decidedAt: minutesAgo(0.5) }, 'hh-young');
    const backedOff = decided({ decidedAt: minutesAgo(20), nextTryAt: minutesAgo(-5), attempts: 3 }, 'hh-backed-off');
    inOutbox(young, backedOff);

    const counts = await sweeper({}, context);

    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(counts).toMatchObject({ resent: 0, waiting: 2, oldestAgeSeconds: 1200 });
  });

  it('on a dead token asks the reconciler: a running execution means delivered, so nothing starts and the entry goes', async () => {
    inOutbox(decided());
    sfnMock.on(SendTaskSuccessCommand).rejects(namedError('TaskDoesNotExist'));
    givenPointer('county-approval', { status: 'RUNNING', startDate: new Date(minutesAgo(120)) });

    const counts = await sweeper({}, context);

    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(ddbMock.commandCalls(DeleteCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':token': TOKEN,
    });
    expect(counts).toMatchObject({ settled: 1, restarted: 0, started: 0, failed: 0 });
  });

  it('on a dead token of a failed execution restarts the household through its pointer, at its phase', async () => {
    inOutbox(decided());
    sfnMock.on(SendTaskSuccessCommand).rejects(namedError('TaskTimedOut'));
    givenPointer('county-approval', {
      status: 'FAILED',
      startDate: new Date(minutesAgo(120)),
      error: 'TransientError',
    });

    const counts = await sweeper({}, context);

    const moved = ddbMock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(moved?.ConditionExpression).toBe('attempt = :attempt');
    expect(moved?.Item).toMatchObject({ executionName: `${HOUSEHOLD_ID}-3`, attempt: 3 });
    const start = sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe(`${HOUSEHOLD_ID}-3`);
    expect(JSON.parse(start?.input ?? '{}')).toEqual({ householdId: HOUSEHOLD_ID, phase: 'county-approval' });
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(1);
    expect(counts).toMatchObject({ settled: 1, restarted: 1, failed: 0 });
  });

  it('starts a registration whose start was not confirmed under its pointer name, then takes its entry out', async () => {
    inOutbox(starting(minutesAgo(1)));
    givenPointer('safety-appraisal', namedError('ExecutionDoesNotExist'));
    ddbMock.on(BatchGetCommand).resolves(
      batchOf(householdItem(household()), {
        PK: `HH#${HOUSEHOLD_ID}`,
        SK: 'EXEC',
        householdId: HOUSEHOLD_ID,
        executionName: `${HOUSEHOLD_ID}-0`,
        attempt: 0,
        startedAt: minutesAgo(1),
        checkAt: minutesAgo(1),
        watched: true,
      }),
    );
    sfnMock.on(StartExecutionCommand).rejects(namedError('ExecutionAlreadyExists'));

    const counts = await sweeper({}, context);

    expect(sfnMock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name)).toEqual([
      `${HOUSEHOLD_ID}-0`,
    ]);
    expect(ddbMock.commandCalls(DeleteCommand)[0]?.args[0].input.ConditionExpression).toBe('#status = :starting');
    expect(counts).toMatchObject({ started: 1, failed: 0 });
  });

  it('backs off an entry it could not deliver: it waits 15-30 s more, with its failure counted, behind the others', async () => {
    inOutbox(decided());
    sfnMock.on(SendTaskSuccessCommand).rejects(namedError('ServiceUnavailable'));

    const counts = await sweeper({}, context);

    expect(counts).toMatchObject({ failed: 1, resent: 0 });
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(0);
    const postponed = ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(postponed?.ConditionExpression).toBe('#status = :status AND taskToken = :token');
    const values = postponed?.ExpressionAttributeValues ?? {};
    expect(values).toMatchObject({ ':attempts': 1, ':error': 'ServiceUnavailable', ':token': TOKEN });
    const wait = Date.parse(String(values[':next'])) - NOW.getTime();
    expect(wait).toBeGreaterThanOrEqual(15_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    expect(values[':sk']).toBe(`${values[':next']}#${HOUSEHOLD_ID}`);
  });

  it('waits longer after each failure', async () => {
    inOutbox(decided({ attempts: 5 }));
    sfnMock.on(SendTaskSuccessCommand).rejects(namedError('ThrottlingException'));

    await sweeper({}, context);

    const values = ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues ?? {};
    expect(values[':attempts']).toBe(6);
    // 30 s doubled five times is 16 minutes: between half and all of it.
    const wait = Date.parse(String(values[':next'])) - NOW.getTime();
    expect(wait).toBeGreaterThanOrEqual(8 * 60_000);
    expect(wait).toBeLessThanOrEqual(16 * 60_000);
  });

  it('drains many entries in parallel, never more than eight at a time, and one failure stops no other', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `hh-${String(i).padStart(4, '0')}`);
    inOutbox(...ids.map((id) => decided({ taskToken: `token-${id}` }, id)));
    let inFlight = 0;
    let most = 0;
    sfnMock.on(SendTaskSuccessCommand).callsFake(async (input: { taskToken: string }) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      if (input.taskToken === 'token-hh-0007') throw namedError('ServiceUnavailable');
      return {};
    });

    const counts = await sweeper({}, context);

    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
    expect(counts).toMatchObject({ resent: 29, failed: 1 });
  });

  it('publishes the age of the oldest entry as the OutboxOldestAgeSeconds metric, zero included', async () => {
    const addMetric = vi.spyOn(Metrics.prototype, 'addMetric');
    inOutbox();

    await sweeper({}, context);

    expect(addMetric).toHaveBeenCalledWith('OutboxOldestAgeSeconds', 'Seconds', 0);
    addMetric.mockRestore();
  });
});
