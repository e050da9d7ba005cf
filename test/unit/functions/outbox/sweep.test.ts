import { Metrics } from '@aws-lambda-powertools/metrics';
import { SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { handlerWith } from '../../../../functions/schedules/outbox-sweeper';
import { context } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, NOW, openTaskItem, TOKEN } from '../support/fixtures';
import { ddbMock, namedError, sfnMock } from '../support/mocks';
import { givenHousehold, sentOutputs, withWorkflowMocks } from '../support/state-machine';

const sweeper = handlerWith(testDependencies());

withWorkflowMocks();

describe('OutboxSweeperFn', () => {
  /** A registration whose first execution was not confirmed started. */
  const startingTask = (createdAt: string) => ({
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: 'TASK',
    householdId: HOUSEHOLD_ID,
    status: 'starting',
    step: 'safety-appraisal',
    county: '522327',
    township: '522327100',
    createdAt,
    executionName: `${HOUSEHOLD_ID}-0`,
  });
  const decided = (overrides: Record<string, unknown> = {}) =>
    openTaskItem('township-review', {
      status: 'decided',
      decision: { outcome: 'approve', next: 'county-approval' },
      decidedAt: '2026-03-02T01:00:00.000Z',
      GSI2PK: 'OUTBOX',
      GSI2SK: `2026-03-02T01:00:00.000Z#${HOUSEHOLD_ID}`,
      ...overrides,
    });

  it('re-sends decisions older than a minute and removes them once acknowledged', async () => {
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [decided()] });

    const counts = await sweeper({}, context);

    const query = ddbMock.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query?.ExpressionAttributeValues).toEqual({
      ':outbox': 'OUTBOX',
      ':before': new Date(NOW.getTime() - 10_000).toISOString(),
    });
    expect(sentOutputs()).toEqual([{ token: TOKEN, output: { outcome: 'approve', next: 'county-approval' } }]);
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(1);
    // The decision was stored an hour before the sweep: the age the outbox alarm watches.
    expect(counts).toEqual({ resent: 1, restarted: 0, started: 0, failed: 0, oldestAgeSeconds: 3600 });
  });

  it('starts a new execution at the household phase when the token is dead', async () => {
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [decided()] });
    givenHousehold(household({ phase: 'county-approval', version: 4 }));
    sfnMock.on(SendTaskSuccessCommand).rejects(namedError('TaskTimedOut'));

    const counts = await sweeper({}, context);

    const start = sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe(`${HOUSEHOLD_ID}-s${NOW.getTime()}`);
    expect(JSON.parse(start?.input ?? '{}')).toEqual({ householdId: HOUSEHOLD_ID, phase: 'county-approval' });
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(1);
    expect(counts).toMatchObject({ restarted: 1, failed: 0 });
  });

  it('starts executions whose start was not confirmed, under their first name', async () => {
    const starting = startingTask('2026-03-02T01:00:00.000Z');
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [starting] });
    sfnMock.on(StartExecutionCommand).rejects(namedError('ExecutionAlreadyExists'));

    const counts = await sweeper({}, context);

    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toBe(`${HOUSEHOLD_ID}-0`);
    expect(counts).toMatchObject({ started: 1, failed: 0 });
  });

  it('starts an unconfirmed first execution after ten seconds but leaves a decision under a minute old to its action', async () => {
    const halfAMinuteAgo = new Date(NOW.getTime() - 30_000).toISOString();
    const starting = startingTask(halfAMinuteAgo);
    const young = decided({ householdId: 'HH-other', PK: 'HH#HH-other', decidedAt: halfAMinuteAgo });
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [young, starting] });

    const counts = await sweeper({}, context);

    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(sfnMock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name)).toEqual([
      `${HOUSEHOLD_ID}-0`,
    ]);
    expect(counts).toEqual({ resent: 0, restarted: 0, started: 1, failed: 0, oldestAgeSeconds: 30 });
  });

  it('publishes the age of the oldest entry as the OutboxOldestAgeSeconds metric, zero included', async () => {
    const addMetric = vi.spyOn(Metrics.prototype, 'addMetric');
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [] });

    await sweeper({}, context);

    expect(addMetric).toHaveBeenCalledWith('OutboxOldestAgeSeconds', 'Seconds', 0);
    addMetric.mockRestore();
  });

  it('counts an entry it could not deliver and keeps it for the next sweep', async () => {
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [decided()] });
    sfnMock.on(SendTaskSuccessCommand).rejects(namedError('ServiceUnavailable'));

    const counts = await sweeper({}, context);

    expect(counts).toMatchObject({ failed: 1, resent: 0 });
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });
});
