import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../../../twin/assembly/assembly';
import {
  answerFromResult,
  apiGatewayTime,
  buildEvent,
  compileRoutes,
  matchRoute,
  startApiServer,
} from '../../../../twin/services/api-gateway';
import { createIdentityProvider } from '../../../../twin/services/identity';

const route = (routeKey: string, functionName: string, authorizationType: 'JWT' | 'NONE' = 'JWT'): RouteSpec => {
  const [method = 'ANY', routePath = '$default'] = routeKey.split(' ');
  return { routeKey, method, path: routePath, authorizationType, authorizationScopes: [], functionName };
};

describe('route matching', () => {
  const routes = compileRoutes([
    route('GET /households/{id}', 'GetFn'),
    route('GET /households/stats', 'StatsFn'),
    route('POST /households/{id}/actions/{action}', 'ActionsFn'),
    route('ANY /files/{proxy+}', 'FilesFn'),
  ]);

  it('prefers literal segments and decodes path parameters', () => {
    expect(matchRoute(routes, 'GET', '/households/stats')?.route.spec.functionName).toBe('StatsFn');
    const match = matchRoute(routes, 'POST', '/households/hh%2D1/actions/township-review');
    expect(match?.route.spec.functionName).toBe('ActionsFn');
    expect(match?.pathParameters).toEqual({ id: 'hh-1', action: 'township-review' });
    expect(matchRoute(routes, 'DELETE', '/files/a/b.jpg')?.pathParameters).toEqual({ proxy: 'a/b.jpg' });
  });

  it('matches nothing for another method or path', () => {
    expect(matchRoute(routes, 'DELETE', '/households/1')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/households/1/extra')).toBeUndefined();
  });
});

describe('buildEvent (payload format 2.0)', () => {
  const now = new Date(Date.UTC(2020, 2, 12, 19, 3, 58));

  it('builds the event API Gateway sends, with JWT claims', () => {
    const event = buildEvent({
      routeKey: 'POST /households/{id}/actions/{action}',
      method: 'POST',
      url: '/households/h1/actions/inspect?a=1&a=2&b=x%20y',
      headers: {
        host: '127.0.0.1:3000',
        'content-type': 'application/json',
        cookie: 'c1=v1; c2=v2',
        'x-multi': ['p', 'q'],
      },
      body: Buffer.from('{"version":3}'),
      pathParameters: { id: 'h1', action: 'inspect' },
      sourceIp: '127.0.0.1',
      requestId: 'req-1',
      now,
      jwt: { claims: { 'cognito:groups': '[construction]' }, scopes: null },
    });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /households/{id}/actions/{action}',
      rawPath: '/households/h1/actions/inspect',
      rawQueryString: 'a=1&a=2&b=x%20y',
      cookies: ['c1=v1', 'c2=v2'],
      headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', 'x-multi': 'p,q' },
      queryStringParameters: { a: '1,2', b: 'x y' },
      pathParameters: { id: 'h1', action: 'inspect' },
      body: '{"version":3}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        http: { method: 'POST', path: '/households/h1/actions/inspect', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        requestId: 'req-1',
        stage: '$default',
        time: '12/Mar/2020:19:03:58 +0000',
        timeEpoch: now.getTime(),
        authorizer: { jwt: { claims: { 'cognito:groups': '[construction]' }, scopes: null } },
      },
    });
    expect(event.headers).not.toHaveProperty('cookie');
  });

  it('omits absent parts and base64-encodes binary bodies', () => {
    const event = buildEvent({
      routeKey: 'GET /health',
      method: 'GET',
      url: '/health',
      headers: {},
      body: Buffer.alloc(0),
      pathParameters: {},
      sourceIp: '127.0.0.1',
      requestId: 'r',
      now,
    });
    expect(event).not.toHaveProperty('body');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event.requestContext).not.toHaveProperty('authorizer');
    const binary = buildEvent({
      routeKey: 'PUT /x',
      method: 'PUT',
      url: '/x',
      headers: { 'content-type': 'image/jpeg' },
      body: Buffer.from([0xff, 0xd8]),
      pathParameters: {},
      sourceIp: '127.0.0.1',
      requestId: 'r',
      now,
    });
    expect(binary).toMatchObject({ body: '/9g=', isBase64Encoded: true });
  });

  it('formats requestContext.time like API Gateway', () => {
    expect(apiGatewayTime(new Date(Date.UTC(2024, 0, 5, 3, 4, 5)))).toBe('05/Jan/2024:03:04:05 +0000');
  });
});

describe('answerFromResult', () => {
  it('uses statusCode, headers and body of a structured result', () => {
    const answer = answerFromResult({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    expect(answer.status).toBe(201);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.body.toString()).toBe('{"a":1}');
  });

  it('treats a plain object as a 200 JSON body', () => {
    const answer = answerFromResult({ householdId: 'h1' });
    expect(answer).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(answer.body.toString())).toEqual({ householdId: 'h1' });
  });

  it('decodes base64 bodies', () => {
    expect(answerFromResult({ statusCode: 200, body: 'aGk=', isBase64Encoded: true }).body.toString()).toBe('hi');
  });
});

describe('the API server', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'anju-api-'));
  const identity = createIdentityProvider({ dataDir });
  const users = [
    { username: 'he.zhujian', displayName: '何勇', roles: ['construction'], county: '522327', township: '522327100' },
  ];
  const seen: unknown[] = [];
  let url = '';
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const server = await startApiServer(
      {
        routes: [
          route('GET /me', 'MeFn'),
          route('GET /health', 'HealthFn', 'NONE'),
          route('POST /boom', 'BoomFn', 'NONE'),
        ],
        identity,
        devUsers: users,
        bodyLimitBytes: 1024,
        lambdas: {
          invoke: async (name, event) => {
            seen.push(event);
            if (name === 'BoomFn') throw new Error('secret internal detail');
            return { statusCode: 200, body: JSON.stringify({ name }) };
          },
        },
      },
      0,
    );
    url = `http://127.0.0.1:${server.port}`;
    close = server.close;
  });
  afterAll(async () => {
    await close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 401 without or with a bad token, as API Gateway does', async () => {
    const missing = await fetch(`${url}/me`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: 'Unauthorized' });
    expect((await fetch(`${url}/me`, { headers: { authorization: 'Bearer not.a.token' } })).status).toBe(401);
  });

  it('logs in a demo user and passes the claims to the function', async () => {
    const login = await fetch(`${url}/auth/dev-login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'he.zhujian' }),
    });
    const { token } = (await login.json()) as { token: string };
    const answer = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ name: 'MeFn' });
    expect(seen.at(-1)).toMatchObject({
      requestContext: {
        authorizer: { jwt: { claims: { 'cognito:username': 'he.zhujian', 'cognito:groups': '[construction]' } } },
      },
    });
  });

  it('refuses unknown demo users and lists the known ones', async () => {
    expect((await fetch(`${url}/auth/dev-login`, { method: 'POST', body: '{"username":"nobody"}' })).status).toBe(404);
    expect((await fetch(`${url}/auth/dev-login`, { method: 'POST', body: 'not json' })).status).toBe(400);
    expect(await (await fetch(`${url}/auth/dev-users`)).json()).toEqual({ users });
  });

  it('answers 413 for a body over the limit, 404 for unknown routes, and never leaks an error', async () => {
    expect((await fetch(`${url}/boom`, { method: 'POST', body: 'x'.repeat(2048) })).status).toBe(413);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    const failed = await fetch(`${url}/boom`, { method: 'POST', body: '{}' });
    expect(failed.status).toBe(500);
    const text = await failed.text();
    expect(text).toBe('{"message":"Internal Server Error"}');
  });

  it('serves the placeholder page listing the demo users', async () => {
    const page = await fetch(`${url}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('he.zhujian');
  });
});
