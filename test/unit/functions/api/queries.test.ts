import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { demoApplication, demoProgram } from '../../../../contract/examples';
import { ACTIONS } from '../../../../domain/model';
import { handlerWith as healthWith } from '../../../../functions/api/health';
import { handler as me } from '../../../../functions/api/me';
import { handler as openapi } from '../../../../functions/api/openapi';
import { handlerWith as programsWith } from '../../../../functions/api/programs';
import { handlerWith as tasksWith } from '../../../../functions/api/tasks';
import { groupsOf } from '../../../../functions/http/caller';
import { apiEvent, context, reply } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { NOW, openTaskItem } from '../support/fixtures';
import { ddbMock, namedError, resetMocks, s3Mock, sfnMock } from '../support/mocks';

const health = healthWith(testDependencies());
const programs = programsWith(testDependencies());
const tasks = tasksWith(testDependencies());

beforeEach(() => {
  resetMocks();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('GET /me and the claims', () => {
  it('returns the actor from the JWT claims', async () => {
    const result = reply(await me(apiEvent({ path: '/me', user: 'he.zhujian' }), context));

    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      username: 'he.zhujian',
      roles: ['construction'],
      county: '522327',
      township: '522327100',
    });
  });

  it('reads cognito:groups in the API Gateway, JSON and array forms, ignoring unknown groups', () => {
    expect(groupsOf('[construction finance]')).toEqual(['construction', 'finance']);
    expect(groupsOf('["inspector","admin"]')).toEqual(['inspector', 'admin']);
    expect(groupsOf(['auditor'])).toEqual(['auditor']);
    expect(groupsOf(undefined)).toEqual([]);
  });

  it('answers 401 without claims', async () => {
    const result = reply(await me(apiEvent({ path: '/me' }), context));

    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({
      error: 'UnauthorizedError',
      message: { zh: expect.any(String), en: expect.any(String) },
    });
  });
});

describe('GET /tasks', () => {
  const taskItem = (dueAt: string, id: string) =>
    openTaskItem('township-review', {
      householdId: id,
      dueAt,
      GSI1PK: 'Q#522327100#township-review',
      GSI1SK: `${dueAt}#${id}`,
    });

  it("returns the caller's queue earliest due first, marking overdue tasks, without tokens", async () => {
    ddbMock.on(QueryCommand).resolves({
      Items: [taskItem('2026-02-20T00:00:00.000Z', 'hh-a'), taskItem('2026-03-20T00:00:00.000Z', 'hh-b')],
    });

    const result = reply<{ items: { householdId: string; overdue: boolean }[] }>(
      await tasks(apiEvent({ path: '/tasks', query: { step: 'township-review' }, user: 'he.zhujian' }), context),
    );

    expect(result.status).toBe(200);
    expect(ddbMock.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'GSI1',
      ScanIndexForward: true,
      ExpressionAttributeValues: { ':pk': 'Q#522327100#township-review' },
    });
    expect(result.body.items.map((t) => [t.householdId, t.overdue])).toEqual([
      ['hh-a', true],
      ['hh-b', false],
    ]);
    expect(JSON.stringify(result.body)).not.toContain('token');
  });

  it('uses the county queue for county staff and refuses steps the caller does not own or other townships', async () => {
    ddbMock.on(QueryCommand).resolves({ Items: [] });

    const county = reply(await tasks(apiEvent({ path: '/tasks', user: 'li.zhujian' }), context));
    const notOwned = reply(
      await tasks(apiEvent({ path: '/tasks', query: { step: 'installment-release' }, user: 'he.zhujian' }), context),
    );
    const otherTownship = reply(
      await tasks(apiEvent({ path: '/tasks', query: { township: '522327101' }, user: 'he.zhujian' }), context),
    );
    const badStep = reply(
      await tasks(apiEvent({ path: '/tasks', query: { step: 'nowhere' }, user: 'he.zhujian' }), context),
    );

    expect(county.status).toBe(200);
    const partitions = ddbMock
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk']);
    expect(partitions).toContain('QC#522327#county-approval');
    expect(partitions).toContain('QC#522327#township-review');
    expect(notOwned.status).toBe(403);
    expect(otherTownship.status).toBe(403);
    expect(badStep.status).toBe(400);
  });
});

describe('/programs/{programId}', () => {
  const put = (user: string, body: unknown) =>
    programs(
      apiEvent({
        method: 'PUT',
        path: `/programs/${demoProgram.programId}`,
        pathParameters: { programId: demoProgram.programId },
        body,
        user,
      }),
      context,
    ).then((r) => reply(r));

  it('lets an admin of the county store a valid configuration', async () => {
    ddbMock.on(GetCommand).resolves({});
    ddbMock.on(PutCommand).resolves({});

    const result = await put('sun.guanli', demoProgram);

    expect(result.status).toBe(200);
    expect(ddbMock.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
      PK: `PROGRAM#${demoProgram.programId}`,
      SK: 'CONFIG',
      config: { programId: demoProgram.programId },
      updatedBy: 'sun.guanli',
    });
  });

  it('refuses a non-admin (403) and an invalid configuration (400)', async () => {
    const notAdmin = await put('li.zhujian', demoProgram);
    const invalid = await put('sun.guanli', { ...demoProgram, noticeDays: 3 });

    expect(notAdmin.status).toBe(403);
    expect(invalid.status).toBe(400);
    expect((invalid.body.fields as { path: string }[]).map((f) => f.path)).toContain('noticeDays');
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('lets anyone of the county read it; 404 when unknown', async () => {
    ddbMock.on(GetCommand).resolves({ Item: { config: demoProgram } });
    const read = reply(
      await programs(
        apiEvent({ path: '/programs/x', pathParameters: { programId: demoProgram.programId }, user: 'zhang.minzheng' }),
        context,
      ),
    );
    ddbMock.on(GetCommand).resolves({});
    const unknown = reply(
      await programs(
        apiEvent({ path: '/programs/x', pathParameters: { programId: 'nope-nope' }, user: 'zhang.minzheng' }),
        context,
      ),
    );

    expect(read.status).toBe(200);
    expect(read.body.programId).toBe(demoProgram.programId);
    expect(unknown.status).toBe(404);
  });
});

describe('GET /health', () => {
  it('answers ok when table, bucket and state machine answer', async () => {
    ddbMock.on(DescribeTableCommand).resolves({});
    s3Mock.on(HeadBucketCommand).resolves({});
    sfnMock.on(DescribeStateMachineCommand).resolves({} as never);

    const result = reply(await health(apiEvent({ path: '/health' }), context));

    expect(result).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('answers 503 naming the part that failed', async () => {
    ddbMock.on(DescribeTableCommand).resolves({});
    s3Mock.on(HeadBucketCommand).rejects(namedError('NotFound'));
    sfnMock.on(DescribeStateMachineCommand).resolves({} as never);

    const result = reply(await health(apiEvent({ path: '/health' }), context));

    expect(result.status).toBe(503);
    expect(result.body.failed).toEqual(['bucket']);
  });
});

describe('GET /openapi.json', () => {
  it('describes every action with its schema and an example body', async () => {
    const result = reply<{ openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> }>(
      await openapi(apiEvent({ path: '/openapi.json' }), context),
    );

    expect(result.status).toBe(200);
    expect(result.body.openapi).toBe('3.1.0');
    for (const action of ACTIONS) {
      const operation = result.body.paths[`/households/{id}/actions/${action}`]?.post as {
        requestBody: { content: { 'application/json': { example: unknown; schema: unknown } } };
      };
      expect(operation.requestBody.content['application/json'].example).toMatchObject({ version: expect.any(Number) });
      expect(operation.requestBody.content['application/json'].schema).toBeDefined();
    }
    const register = result.body.paths['/households']?.post as {
      requestBody: { content: { 'application/json': { example: unknown } } };
    };
    expect(register.requestBody.content['application/json'].example).toEqual(demoApplication(1));
    expect(Object.keys(result.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/me', '/households', '/households/{id}', '/tasks', '/programs/{programId}']),
    );
  });
});

describe('the API error contract', () => {
  it('turns an unexpected failure into a generic 500 with a request id and no stack', async () => {
    ddbMock.on(GetCommand).rejects(new Error('socket hang up at secret-internal-host'));

    const result = reply(
      await programs(
        apiEvent({ path: '/programs/x', pathParameters: { programId: 'demo-x' }, user: 'zhang.minzheng' }),
        context,
      ),
    );

    expect(result.status).toBe(500);
    expect(result.body).toEqual({
      error: 'InternalError',
      message: { zh: expect.any(String), en: expect.any(String) },
      requestId: 'aws-req-1',
    });
    expect(JSON.stringify(result.body)).not.toContain('secret-internal-host');
  });

  it('answers 429 when DynamoDB throttles', async () => {
    ddbMock.on(GetCommand).rejects(namedError('ProvisionedThroughputExceededException'));

    const result = reply(
      await programs(
        apiEvent({ path: '/programs/x', pathParameters: { programId: 'demo-x' }, user: 'zhang.minzheng' }),
        context,
      ),
    );

    expect(result.status).toBe(429);
  });
});
