/**
 * The twin is as strict as AWS: a call the template does not grant is refused (a stack started from a template
 * with two grants removed), faults on demand are answered as AWS answers them and counted, and executions end
 * TIMED_OUT at their time limit, with AWS-length task tokens and the 256 KB input limit.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { demoApplication } from '../../contract/examples';
import { stateMachineName } from '../../infra/constructs/state-machine';
import { api, eventually } from '../../tools/api-client/client';
import { householdFile } from '../../tools/api-client/household-driver';
import { staffFor } from '../../tools/api-client/staff';
import { type RunningStack, removeDataDir, startStack, templateWithout } from '../../twin/stack-process';

const OPERATOR = { accessKeyId: 'anjulocal', secretAccessKey: 'anjulocalsecret' };
const STATE_MACHINE = `arn:aws:states:us-east-1:000000000000:stateMachine:${stateMachineName('anju-dev')}`;

const started: RunningStack[] = [];
afterAll(async () => {
  for (const stack of started) {
    await stack.kill('SIGKILL');
    removeDataDir(stack.dataDir);
  }
});

async function stop(stack: RunningStack): Promise<void> {
  await stack.stop();
  started.splice(started.indexOf(stack), 1);
  removeDataDir(stack.dataDir);
}

describe('a template with a grant removed', () => {
  it('refuses a query the role no longer holds, with the refusal AWS gives', async () => {
    // The work queue's function may no longer query the table.
    const withoutQuery = await templateWithout('TasksFn', 'dynamodb:Query');
    const stack = await startStack({ templateFile: withoutQuery, allowAccessDenied: true });
    started.push(stack);
    const application = demoApplication(31);
    const users = await staffFor(stack.url, application.villageCode);

    const queue = await api(stack.url, users.construction.token).get('/tasks');
    expect(queue.status).toBe(500);
    const report = await stack.twin();
    expect(report.accessDenied.recent).toContainEqual({
      caller: expect.stringMatching(/^arn:aws:sts::000000000000:assumed-role\/.*TasksFn.*\/TasksFn$/),
      action: 'dynamodb:Query',
      resource: expect.stringMatching(/^arn:aws:dynamodb:us-east-1:000000000000:table\/Table/),
    });
    expect(stack.output()).toMatch(
      /\[iam\] AccessDenied: User: arn:aws:sts::000000000000:assumed-role\/\S+\/TasksFn is not authorized to perform: dynamodb:Query/,
    );
    await stop(stack);
  });

  it('refuses StartExecution to a role without it; the sweeper, which holds it, starts the household', async () => {
    const withoutStart = await templateWithout('HouseholdsFn', 'states:StartExecution');
    const stack = await startStack({ templateFile: withoutStart, allowAccessDenied: true });
    started.push(stack);
    const application = demoApplication(32);
    const users = await staffFor(stack.url, application.villageCode);

    const created = await api(stack.url, users.civil.token).post<{ householdId: string }>('/households', application);
    expect(created.status).toBe(201);
    const { householdId } = created.body;
    const denied = await stack.twin();
    expect(denied.accessDenied.recent).toContainEqual({
      caller: expect.stringMatching(/\/HouseholdsFn$/),
      action: 'states:StartExecution',
      resource: STATE_MACHINE,
    });
    const file = await eventually(
      async () => {
        const now = await householdFile(stack.url, users.construction.token, householdId);
        return now.task?.status === 'open' ? now : undefined;
      },
      60_000,
      'the sweeper to start the household',
    );
    expect(file.task?.step).toBe('safety-appraisal');
    await stop(stack);
  });
});

describe('faults and limits', () => {
  it('answers with the faults ANJU_FAULTS asks for, counts them, and ends executions at their time limit', async () => {
    const stack = await startStack({
      env: {
        // Only the health check makes these calls: nothing else in the test meets a fault.
        ANJU_FAULTS: 'seed=5; dynamodb:DescribeTable=1; s3:HeadBucket=1; sfn:DescribeStateMachine=1',
        ANJU_EXECUTION_MAX_SECONDS: '15',
      },
    });
    started.push(stack);

    const health = await api(stack.url).get<{ status: string; failed: string[] }>('/health');
    expect(health.status).toBe(503);
    expect(health.body.failed.sort()).toEqual(['bucket', 'stateMachine', 'table']);
    const { faults } = await stack.twin();
    const kinds = faults.byFault.map((entry) => entry.fault);
    expect(kinds).toContain('s3:HeadBucket SlowDown');
    expect(kinds).toContain('sfn:DescribeStateMachine ThrottlingException');
    expect(kinds.some((kind) => kind.startsWith('dynamodb:DescribeTable '))).toBe(true);
    // The SDK retried each throttled call before giving up: more faults than calls.
    expect(faults.total).toBeGreaterThan(3);

    const application = demoApplication(33);
    const users = await staffFor(stack.url, application.villageCode);
    const created = await api(stack.url, users.civil.token).post<{ householdId: string }>('/households', application);
    expect(created.status).toBe(201);
    const { householdId } = created.body;
    await eventually(async () => {
      const file = await householdFile(stack.url, users.construction.token, householdId);
      return file.task?.status === 'open' ? file : undefined;
    });

    // The token the callback task stored is as long as an AWS one.
    const ddb = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: 'us-east-1', credentials: OPERATOR }),
    );
    const task = await ddb.send(new GetCommand({ TableName: 'Table', Key: { PK: `HH#${householdId}`, SK: 'TASK' } }));
    const token = String(task.Item?.taskToken ?? '');
    expect(token.length).toBeGreaterThanOrEqual(500);

    const sfn = new SFNClient({ endpoint: stack.endpoints.sfn, region: 'us-east-1', credentials: OPERATOR });
    const executionArn = `arn:aws:states:us-east-1:000000000000:execution:${stateMachineName('anju-dev')}:${householdId}-0`;
    const timedOut = await eventually(
      async () => {
        const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return execution.status === 'RUNNING' ? undefined : execution;
      },
      60_000,
      'the execution to reach its time limit',
    );
    expect(timedOut.status).toBe('TIMED_OUT');
    expect(timedOut.error).toBe('States.Timeout');
    await expect(
      sfn.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ outcome: 'x', next: 'agreement' }) }),
      ),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });

    // 256 KB is the most an execution's input may hold.
    await expect(
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: STATE_MACHINE,
          name: 'too-big',
          input: JSON.stringify({ householdId, phase: 'safety-appraisal', padding: 'x'.repeat(256 * 1024) }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });

    ddb.destroy();
    sfn.destroy();
    await stop(stack);
    expect(stack.output()).toMatch(/faults injected: \d+ \(/);
  });
});
