/**
 * Hostile input against every route of the contract on the local stack (not mocks): mutated,
 * garbage, oversized and wrong-typed bodies, odd content types, hostile path parameters, query
 * strings and headers, forged and tampered tokens. Whatever arrives: no 5xx, no stack trace, and the
 * household, its audit trail, its task and the money are exactly as before. A made-up or replayed
 * Step Functions task token is refused by the local service, and the workflow follows only the
 * decision stored through the API.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApplication, demoProgram, exampleActionBody } from '../../contract/examples';
import { CONTRACT_ROUTES, isPublic } from '../../contract/routes';
import { api, login } from '../../tools/api-client/client';
import { driveTo, householdFile, registerHousehold, waitForTask } from '../../tools/api-client/household-driver';
import { type Staff, staffFor } from '../../tools/api-client/staff';
import { demoUsers } from '../../tools/demo/users';
import { type RunningStack, startStack } from '../../twin/stack-process';

/** Runs per property and route: bounded so the whole file stays around a minute. */
const RUNS = 12;
const application = demoApplication(51);
const COUNTY = demoProgram.county.code;
const STACK_TRACE = /\n\s+at |\bat [\w$.<>]+ \(|\.[cm]?[jt]s:\d+:\d+|node_modules/;

let stack: RunningStack;
let users: Staff;
let tokens: Record<string, string> = {};
let householdId = '';
let snapshotBefore: unknown;

type Concrete = { method: string; template: string; path: string; token: string; validBody?: unknown };
let routes: Concrete[] = [];

/** What must not change: the household, its audit chain and task, confirmed photos, payments, the county's money and its program. */
async function snapshot(): Promise<unknown> {
  const file = await householdFile(stack.url, tokens.auditor ?? '', householdId);
  const funds = await api(stack.url, tokens.auditor).get(`/reports/funds?county=${COUNTY}`);
  const list = await api(stack.url, tokens.auditor).get(`/households?county=${COUNTY}`);
  const program = await api(stack.url, tokens.auditor).get(`/programs/${demoProgram.programId}`);
  if (program.status !== 200) throw new Error(`the program read answered ${program.status}`);
  const photos = ((file as unknown as { photos?: { status: string }[] }).photos ?? []).filter(
    (p) => p.status === 'confirmed',
  );
  const { timeline, household, version, phase, task } = file;
  const payments = (file as unknown as { payments?: unknown[] }).payments;
  // The report's own time stamp is the only thing allowed to move.
  const { generatedAt: _generatedAt, ...money } = funds.body as Record<string, unknown>;
  return { timeline, household, version, phase, task, photos, payments, money, list: list.body, program: program.body };
}

/** The owner of each route (so requests get past authorization to validation) and a body that is valid but changes nothing. */
function concrete(method: string, template: string): Concrete {
  const path = template
    .replace('{id}', householdId)
    .replace('{householdId}', householdId)
    .replace('{action}', 'township-review')
    .replace('{photoId}', 'no-such-photo')
    .replace('{programId}', demoProgram.programId)
    .replace('{installment}', '0');
  const by = (username: keyof typeof tokens) => tokens[username] ?? '';
  if (template === '/households' && method === 'POST') {
    // Valid: the head's ID number is already claimed by the household under test, so it is refused (409).
    return { method, template, path, token: users.civil.token, validBody: application };
  }
  if (template.endsWith('/actions/{action}')) {
    // Valid but with a stale version: refused (409).
    return {
      method,
      template,
      path,
      token: users.construction.token,
      validBody: exampleActionBody('township-review', 1),
    };
  }
  if (template.endsWith('/photos')) {
    // Valid but for a step the household is not at: refused.
    const validBody = {
      step: 'final-acceptance',
      kind: 'after',
      contentType: 'image/jpeg',
      size: 1000,
      sha256: 'a'.repeat(64),
    };
    return { method, template, path, token: by('inspector'), validBody };
  }
  if (template.startsWith('/payments') || template.startsWith('/reports/funds')) {
    return { method, template, path, token: by('finance') };
  }
  if (template.startsWith('/programs')) return { method, template, path, token: by('admin') };
  if (template.includes('/photos/')) return { method, template, path, token: by('inspector') };
  return { method, template, path, token: by('auditor') };
}

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  users = await staffFor(stack.url, application.villageCode);
  const township = demoProgram.townships.find((t) => t.villages.some((v) => v.code === application.villageCode));
  const names = {
    auditor: 'liu.shenji',
    finance: 'chen.caizheng',
    admin: 'sun.guanli',
    inspector: demoUsers.find((u) => u.roles.includes('inspector') && u.township === township?.code)?.username ?? '',
  };
  tokens = Object.fromEntries(
    await Promise.all(Object.entries(names).map(async ([key, name]) => [key, await login(stack.url, name)])),
  );
  householdId = await registerHousehold(stack.url, users, application);
  await driveTo(stack.url, users, householdId, 'township-review');
  await waitForTask(stack.url, users.construction.token, householdId, 'township-review');
  routes = CONTRACT_ROUTES.map((route) => concrete(route.method, route.path));
  snapshotBefore = await snapshot();
}, 240_000);

afterAll(async () => {
  await stack?.discard();
});

// ---------------------------------------------------------------- arbitraries

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom('', ' ', '\u0000', '%', '%00', '../../etc/passwd', '<script>alert(1)</script>', "' OR 1=1 --"),
  fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
);
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileText,
  fc.constantFrom(null, true, -1, 1e308, 0.5, 2 ** 53 + 2, [], {}),
  fc.constant(JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown),
);

function bodyFor(route: Concrete): fc.Arbitrary<string> {
  const garbage = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.constantFrom('{', '{"version":', '{"a":1,}', "{'a':1}", '\uFEFF{}', 'NaN', '[1,2,', 'null', '[]'),
    fc.integer({ min: 50, max: 5_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
    // Over the API's 1 MB body limit.
    fc.constant(`{"x":"${'y'.repeat(1_100_000)}"}`),
    hostileValue.map((value) => JSON.stringify(value) ?? 'null'),
  );
  const valid = route.validBody as Record<string, unknown> | undefined;
  if (!valid) return garbage;
  // The stale version stays, so a mutation that happens to be valid is still refused (409) and changes nothing.
  const keys = Object.keys(valid).filter((key) => key !== 'version');
  const mutated = fc.oneof(
    fc.tuple(fc.constantFrom(...keys), hostileValue).map(([key, value]) => JSON.stringify({ ...valid, [key]: value })),
    fc
      .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'extra'), hostileValue)
      .map(
        ([key, value]) =>
          `{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'},${JSON.stringify(valid).slice(1)}`,
      ),
    fc.constantFrom(...keys).map((key) => JSON.stringify({ ...valid, [key]: undefined })),
  );
  return fc.oneof({ weight: 2, arbitrary: mutated }, { weight: 1, arbitrary: garbage });
}

const contentType = fc.constantFrom<string | undefined>(
  'application/json',
  'application/json',
  undefined,
  'text/plain',
  'text/csv',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
);

async function send(route: Concrete, init: { path?: string; body?: string; headers?: Record<string, string> }) {
  const response = await fetch(`${stack.url}${init.path ?? route.path}`, {
    method: route.method,
    headers: init.headers ?? { authorization: `Bearer ${route.token}` },
    ...(init.body === undefined || route.method === 'GET' ? {} : { body: init.body }),
  });
  return { status: response.status, text: await response.text() };
}

function expectClean(answer: { status: number; text: string }, what: string): void {
  expect(answer.status, `${what}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.text, what).not.toMatch(STACK_TRACE);
  if (answer.status >= 400 && answer.text.startsWith('{"error"')) {
    const body = JSON.parse(answer.text) as { message?: { zh?: unknown; en?: unknown } };
    expect(typeof body.message?.zh, what).toBe('string');
    expect(typeof body.message?.en, what).toBe('string');
  }
}

/** A token with the right shape and claims, signed by someone else, expired, or not signed at all. */
async function forgedTokens(real: string): Promise<string[]> {
  const [header = '', payload = ''] = real.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const otherKey = randomBytes(32);
  const resign = (extra: Record<string, unknown>) =>
    new SignJWT({ ...claims, ...extra }).setProtectedHeader({ alg: 'HS256' }).sign(otherKey);
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
  const elevated = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['admin', 'finance'] })).toString(
    'base64url',
  );
  return [
    await resign({}),
    await resign({ exp: Math.floor(Date.now() / 1000) - 60 }),
    none,
    `${header}.${elevated}.${real.split('.')[2] ?? ''}`,
    `${real}x`,
    'a.b.c',
    '',
  ];
}

// ---------------------------------------------------------------- the properties

describe('hostile input on the local stack', () => {
  it('covers every route of the contract', () => {
    const templates = CONTRACT_ROUTES.map((route) => route.key);
    expect(routes.map((route) => `${route.method} ${route.template}`).sort()).toEqual(templates.sort());
  });

  it('answers mutated, garbage and oversized bodies on every write route without a 5xx', async () => {
    for (const route of routes.filter((r) => r.method !== 'GET')) {
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(bodyFor(route), contentType, async (body, type) => {
          const headers: Record<string, string> = { authorization: `Bearer ${route.token}` };
          if (type) headers['content-type'] = type;
          const answer = await send(route, { body, headers });
          statuses.add(answer.status);
          expectClean(answer, `${route.method} ${route.template}`);
        }),
        { numRuns: RUNS },
      );
      // The owner's token gets the bodies past authorization: at least some reach validation and are refused there.
      expect(
        [...statuses].some((status) => status >= 400 && status !== 401 && status !== 403),
        route.template,
      ).toBe(true);
    }
  });

  it('answers hostile path parameters and query strings on every route without a 5xx', async () => {
    const segment = fc.oneof(
      hostileText.filter((s) => s.length < 2_000).map((s) => encodeURIComponent(s)),
      fc.constantFrom('%', '%zz', '%E0%A4%A', '..%2F..', '%2F', 'HH%23x', '-1', '1e9', 'NaN', '0x10'),
    );
    for (const route of routes) {
      const params = route.template.match(/\{\w+\}/g) ?? [];
      await fc.assert(
        fc.asyncProperty(segment, segment, async (value, query) => {
          let path = route.template;
          for (const param of params) path = path.replace(param, value);
          path = path
            .replace('{id}', householdId)
            .replace('{householdId}', householdId)
            .replace('{action}', 'township-review');
          const body = route.validBody === undefined ? '{}' : JSON.stringify(route.validBody);
          const answer = await send(route, {
            path: `${params.length > 0 ? path : route.path}?county=${query}&township=${query}&cursor=${query}&phase=${query}&format=${query}`,
            body,
            headers: { authorization: `Bearer ${route.token}`, 'content-type': 'application/json' },
          });
          expectClean(answer, `${route.method} ${path}`);
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('refuses forged, tampered, expired and missing tokens with 401 on every non-public route', async () => {
    const forged = await forgedTokens(users.construction.token);
    const publicRoutes = new Set<string>(
      CONTRACT_ROUTES.filter((route) => isPublic(route.spec)).map((route) => route.key),
    );
    for (const route of routes.filter((r) => !publicRoutes.has(`${r.method} ${r.template}`))) {
      for (const authorization of [...forged.map((t) => `Bearer ${t}`), 'Basic YWRtaW46YWRtaW4=', 'Bearer', '']) {
        const answer = await send(route, {
          body: route.validBody === undefined ? '{}' : JSON.stringify(route.validBody),
          headers: { authorization, 'content-type': 'application/json' },
        });
        expect(answer.status, `${route.method} ${route.template} with ${authorization.slice(0, 30)}`).toBe(401);
      }
    }
  });

  it('answers hostile headers (Idempotency-Key, content type, oversized values) without a 5xx', async () => {
    const headerValue = fc.oneof(
      fc.string({ maxLength: 200 }).filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
      fc.constantFrom('', ' ', 'a'.repeat(129), 'key with spaces', '../..'),
    );
    for (const route of routes.filter((r) => r.method !== 'GET')) {
      await fc.assert(
        fc.asyncProperty(headerValue, headerValue, async (key, extra) => {
          const answer = await send(route, {
            body: route.validBody === undefined ? '{}' : JSON.stringify(route.validBody),
            headers: {
              authorization: `Bearer ${route.token}`,
              'content-type': 'application/json',
              ...(/^[\x20-\x7e]*$/.test(key) ? { 'idempotency-key': key, 'if-match': key } : {}),
              'x-forwarded-for': extra,
              'x-amzn-trace-id': extra,
            },
          });
          expectClean(answer, `${route.method} ${route.template} with key ${JSON.stringify(key).slice(0, 40)}`);
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('leaves the household, its audit trail, its task and the money exactly as they were', async () => {
    expect(await snapshot()).toEqual(snapshotBefore);
    // And the step is still open to its owner: nothing above decided it.
    await waitForTask(stack.url, users.construction.token, householdId, 'township-review');
  });

  it('refuses a made-up and a replayed task token; the workflow follows the stored decision only', async () => {
    // The local services, reached directly as a caller outside the API would.
    const local = {
      region: 'us-east-1',
      credentials: { accessKeyId: 'anjulocal', secretAccessKey: 'anjulocalsecret' },
    };
    const sfn = new SFNClient({ ...local, endpoint: stack.endpoints.sfn });
    const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ ...local, endpoint: stack.endpoints.dynamodb }));
    const task = await ddb.send(new GetCommand({ TableName: 'Table', Key: { PK: `HH#${householdId}`, SK: 'TASK' } }));
    const used = String(task.Item?.taskToken ?? '');
    expect(used).not.toBe('');
    const rejectDecision = JSON.stringify({ outcome: 'reject', next: 'rejected' });

    const madeUp = randomBytes(48).toString('base64url');
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: madeUp, output: rejectDecision }))).rejects.toThrow(
      /Task Does Not Exist|Invalid Token/i,
    );
    expect(await snapshot()).toEqual(snapshotBefore);

    const file = await householdFile(stack.url, users.construction.token, householdId);
    const approved = await api(stack.url, users.construction.token).post<{ version: number }>(
      `/households/${householdId}/actions/township-review`,
      exampleActionBody('township-review', file.version),
    );
    expect(approved.status).toBe(200);
    // The token the approval spent, replayed with another decision.
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: used, output: rejectDecision }))).rejects.toThrow(
      /Task Does Not Exist|Task Timed Out|Invalid Token/i,
    );
    await waitForTask(stack.url, users.county.token, householdId, 'county-approval');
    const after = await householdFile(stack.url, users.county.token, householdId);
    expect(after.phase).toBe('county-approval');
    expect(after.version).toBe(approved.body.version);
    sfn.destroy();
    ddb.destroy();
  });
});
