import {
  DescribeExecutionCommand,
  StartExecutionCommand,
  type StartExecutionCommandInput,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { handlerWith } from '../../../../functions/schedules/reconciler';
import { AWS_HEALING_POLICY, shardOf } from '../../../../process/healing';
import { context } from '../support/api';
import { TEST_CONFIG, testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, household, householdItem, NOW } from '../support/fixtures';
import { ddbMock, namedError, sfnMock } from '../support/mocks';
import { batchOf, withWorkflowMocks } from '../support/state-machine';

const reconciler = handlerWith(testDependencies());
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const EXECUTIONS = 'arn:aws:states:cn-north-1:123456789012:execution:Renovation';

withWorkflowMocks();

function pointerItem(overrides: Record<string, unknown> = {}) {
  return {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: 'EXEC',
    entity: 'execution',
    householdId: HOUSEHOLD_ID,
    executionName: `${HOUSEHOLD_ID}-3`,
    attempt: 3,
    startedAt: ago(10 * DAY).toISOString(),
    checkAt: ago(60_000).toISOString(),
    watched: true,
    GSI2PK: `WATCH#${shardOf(HOUSEHOLD_ID)}`,
    GSI2SK: `${ago(60_000).toISOString()}#${HOUSEHOLD_ID}`,
    ...overrides,
  };
}

/** The household is due for a look, at `phase`, with its pointer; Step Functions answers `execution` for it. */
function given(
  phase: ReturnType<typeof household>['phase'],
  execution: Record<string, unknown> | Error,
  pointer = pointerItem(),
) {
  ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [] });
  ddbMock.on(QueryCommand, { IndexName: 'GSI2', ExpressionAttributeValues: { ':pk': pointer.GSI2PK } }).resolves({
    Items: [pointer],
  });
  ddbMock.on(BatchGetCommand).resolves(batchOf(householdItem(household({ phase })), pointer));
  ddbMock.on(UpdateCommand).resolves({});
  if (execution instanceof Error) sfnMock.on(DescribeExecutionCommand).rejects(execution);
  else sfnMock.on(DescribeExecutionCommand).resolves(execution);
  sfnMock.on(StopExecutionCommand).resolves({ stopDate: NOW });
}

/** Sinon (under aws-sdk-client-mock) numbers every call of every mock in the order they were made. */
const order = (call: unknown) => (call as { callId: number }).callId;

/** Every call to DynamoDB and Step Functions that changes something, in order. */
function changes(): string[] {
  const calls = [
    ...sfnMock.calls().map((call) => ({ at: order(call), input: call.args[0] })),
    ...ddbMock.calls().map((call) => ({ at: order(call), input: call.args[0] })),
  ].sort((a, b) => a.at - b.at);
  return calls
    .map(({ input }) => {
      if (input instanceof StopExecutionCommand) return `stop ${input.input.executionArn?.split(':').at(-1)}`;
      if (input instanceof StartExecutionCommand) return `start ${input.input.name}`;
      if (input instanceof PutCommand) return `move pointer to ${input.input.Item?.executionName}`;
      if (input instanceof UpdateCommand)
        return input.input.UpdateExpression?.includes('REMOVE') ? 'release' : 'reschedule';
      return '';
    })
    .filter(Boolean);
}

const started = (): StartExecutionCommandInput | undefined =>
  sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;

describe('ReconcilerFn', () => {
  it('reads the households due now from every shard of the watch index, never a scan', async () => {
    given('township-review', { status: 'RUNNING', startDate: ago(DAY) });

    await reconciler({}, context);

    const queries = ddbMock.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries.map((q) => q.ExpressionAttributeValues?.[':pk']).sort()).toEqual(
      Array.from({ length: 8 }, (_, s) => `WATCH#${s}`).sort(),
    );
    for (const query of queries) {
      expect(query.IndexName).toBe('GSI2');
      expect(query.KeyConditionExpression).toBe('GSI2PK = :pk AND GSI2SK <= :due');
      expect(query.ExpressionAttributeValues?.[':due']).toBe(`${NOW.toISOString()}#\uffff`);
    }
    expect(ddbMock.commandCalls(QueryCommand).some((call) => call.args[0].input.IndexName === undefined)).toBe(false);
  });

  it('leaves a young running execution and looks again within the hour', async () => {
    given('township-review', { status: 'RUNNING', startDate: ago(DAY) });

    const counts = await reconciler({}, context);

    expect(changes()).toEqual(['reschedule']);
    const update = ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    const next = new Date(NOW.getTime() + AWS_HEALING_POLICY.checkEveryMs).toISOString();
    expect(update?.ConditionExpression).toBe('attempt = :attempt AND watched = :yes');
    expect(update?.ExpressionAttributeValues).toMatchObject({
      ':attempt': 3,
      ':checkAt': next,
      ':sk': `${next}#${HOUSEHOLD_ID}`,
    });
    expect(sfnMock.commandCalls(DescribeExecutionCommand)[0]?.args[0].input.executionArn).toBe(
      `${EXECUTIONS}:${HOUSEHOLD_ID}-3`,
    );
    expect(counts).toEqual({ checked: 1, started: 0, restarted: 0, released: 0, failed: 0 });
  });

  it('stops an execution near its one-year limit before it moves the pointer and starts the next attempt at the household phase', async () => {
    const nearLimit = AWS_HEALING_POLICY.executionLimitMs - AWS_HEALING_POLICY.replaceMarginMs + 1000;
    given('milestone-inspection', { status: 'RUNNING', startDate: ago(nearLimit) });

    const counts = await reconciler({}, context);

    expect(changes()).toEqual([
      `stop ${HOUSEHOLD_ID}-3`,
      `move pointer to ${HOUSEHOLD_ID}-4`,
      `start ${HOUSEHOLD_ID}-4`,
    ]);
    const move = ddbMock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(move?.ConditionExpression).toBe('attempt = :attempt');
    expect(move?.ExpressionAttributeValues).toEqual({ ':attempt': 3 });
    expect(move?.Item).toMatchObject({ attempt: 4, startedAt: NOW.toISOString(), watched: true });
    expect(started()?.stateMachineArn).toBe(TEST_CONFIG.stateMachineArn);
    expect(JSON.parse(started()?.input ?? '{}')).toEqual({ householdId: HOUSEHOLD_ID, phase: 'milestone-inspection' });
    expect(sfnMock.commandCalls(StopExecutionCommand)[0]?.args[0].input).toMatchObject({
      executionArn: `${EXECUTIONS}:${HOUSEHOLD_ID}-3`,
      error: 'Replaced',
    });
    expect(counts).toMatchObject({ checked: 1, restarted: 1 });
  });

  it.each([
    [
      'failed on TransientError',
      { status: 'FAILED', startDate: ago(DAY), stopDate: ago(1000), error: 'TransientError' },
    ],
    ['timed out', { status: 'TIMED_OUT', startDate: ago(365 * DAY), stopDate: ago(1000) }],
    ['aborted', { status: 'ABORTED', startDate: ago(DAY), stopDate: ago(1000) }],
  ])('restarts a household whose execution %s, without a stop', async (_, execution) => {
    given('agreement', execution);

    await reconciler({}, context);

    expect(changes()).toEqual([`move pointer to ${HOUSEHOLD_ID}-4`, `start ${HOUSEHOLD_ID}-4`]);
    expect(JSON.parse(started()?.input ?? '{}')).toEqual({ householdId: HOUSEHOLD_ID, phase: 'agreement' });
  });

  it('starts nothing when another reconciler moved the pointer first', async () => {
    given('agreement', { status: 'FAILED', startDate: ago(DAY), error: 'TransientError' });
    ddbMock.on(PutCommand).rejects(namedError('ConditionalCheckFailedException'));
    // The other reconciler's move: the same attempt, started at its own moment.
    ddbMock.on(GetCommand).resolves({
      Item: pointerItem({ executionName: `${HOUSEHOLD_ID}-4`, attempt: 4, startedAt: ago(5).toISOString() }),
    });

    const counts = await reconciler({}, context);

    expect(changes()).toEqual([`move pointer to ${HOUSEHOLD_ID}-4`]);
    expect(counts).toMatchObject({ checked: 1, restarted: 0, failed: 0 });
  });

  it('takes its own move, met by the SDK retry of a move whose answer was lost, as done, and starts', async () => {
    given('agreement', { status: 'FAILED', startDate: ago(DAY), error: 'TransientError' });
    let written: Record<string, unknown> | undefined;
    ddbMock.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
      written = input.Item;
      throw namedError('ConditionalCheckFailedException');
    });
    ddbMock.on(GetCommand).callsFake(() => ({ Item: written }));

    const counts = await reconciler({}, context);

    expect(changes()).toEqual([`move pointer to ${HOUSEHOLD_ID}-4`, `start ${HOUSEHOLD_ID}-4`]);
    expect(counts).toMatchObject({ restarted: 1, failed: 0 });
  });

  it('starts a never-started execution under its own name, so a late start by the registration is the same one', async () => {
    given(
      'safety-appraisal',
      namedError('ExecutionDoesNotExist'),
      pointerItem({ executionName: `${HOUSEHOLD_ID}-0`, attempt: 0 }),
    );
    sfnMock.on(StartExecutionCommand).rejects(namedError('ExecutionAlreadyExists'));

    const counts = await reconciler({}, context);

    expect(changes()).toEqual([`start ${HOUSEHOLD_ID}-0`, 'reschedule']);
    expect(counts).toMatchObject({ started: 1, failed: 0 });
  });

  it('lets a finished household go: its pointer leaves the index, nothing is started', async () => {
    given('archived', { status: 'SUCCEEDED', startDate: ago(DAY), stopDate: ago(1000) });

    const counts = await reconciler({}, context);

    expect(changes()).toEqual(['release']);
    expect(ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input.UpdateExpression).toBe(
      'SET watched = :no REMOVE GSI2PK, GSI2SK',
    );
    expect(counts).toMatchObject({ released: 1 });
  });

  it('leaves a household whose execution is throttled as it is, due again next run, and goes on with the others', async () => {
    given('agreement', namedError('ThrottlingException'));

    const counts = await reconciler({}, context);

    expect(changes()).toEqual([]);
    expect(counts).toMatchObject({ checked: 0, failed: 1 });
  });

  it('takes no household once its time is spent', async () => {
    given('agreement', { status: 'FAILED', startDate: ago(DAY), error: 'TransientError' });

    const counts = await reconciler({}, { ...context, getRemainingTimeInMillis: () => 5_000 });

    expect(changes()).toEqual([]);
    expect(counts.checked).toBe(0);
  });

  it('gives a household stored before pointers existed a pointer at its first execution, then reconciles it', async () => {
    ddbMock.on(QueryCommand, { IndexName: 'GSI2' }).resolves({ Items: [] });
    ddbMock.on(BatchGetCommand).resolves(batchOf(householdItem(household({ phase: 'agreement' }))));
    ddbMock.on(UpdateCommand).resolves({});
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'ABORTED', startDate: ago(DAY) });
    const { outbox } = testDependencies();

    // A dead token in the outbox brings such a household to the reconciler.
    const outcome = await outbox.reconcileHousehold(HOUSEHOLD_ID, NOW);

    expect(outcome).toBe('restarted');
    const [adopt, move] = ddbMock.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(adopt?.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(adopt?.Item).toMatchObject({ executionName: `${HOUSEHOLD_ID}-0`, attempt: 0 });
    expect(move?.Item).toMatchObject({ executionName: `${HOUSEHOLD_ID}-1`, attempt: 1 });
    expect(started()?.name).toBe(`${HOUSEHOLD_ID}-1`);
  });
});
