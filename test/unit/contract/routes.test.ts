/**
 * The contract against what serves it: each API function's handler module (the entry the API
 * construct deploys) routes every contract route of that function and no other, and the route
 * keys agree with their path parameter schemas. The template's routes are checked against the
 * contract in test/infra/stack.test.ts; the document's in test/unit/security/openapi.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_FUNCTION_IDS,
  type ApiFunctionId,
  CONTRACT_ROUTES,
  type ContractRoute,
  isPublic,
} from '../../../contract/routes';
import type { ApiEvent, ApiResponse } from '../../../functions/http/responses';
import { NO_SUCH_ROUTE } from '../../../functions/http/router';
import { API_FUNCTIONS } from '../../../infra/constructs/api';
import { apiEvent, context } from '../functions/support/api';
import { testDependencies } from '../functions/support/dependencies';
import { resetMocks } from '../functions/support/mocks';

type Handler = (event: ApiEvent, ctx: typeof context) => Promise<ApiResponse>;

const handlers = new Map<ApiFunctionId, Handler>();

beforeAll(async () => {
  // The health check describes the table with the plain client.
  mockClient(DynamoDBClient).resolves({});
  resetMocks();
  for (const id of API_FUNCTION_IDS) {
    const entry = new URL(`../../../functions/${API_FUNCTIONS[id].entry}.ts`, import.meta.url);
    const module = (await import(/* @vite-ignore */ entry.pathname)) as {
      handler: Handler;
      handlerWith?: (dependencies: ReturnType<typeof testDependencies>) => Handler;
    };
    // The deployed entry, built with the test's dependencies where it takes any (GET /me and the document take none).
    handlers.set(id, module.handlerWith ? module.handlerWith(testDependencies()) : module.handler);
  }
});

/** A request for the route with every path parameter filled in, and no token. */
function anonymousCall(route: ContractRoute): ApiEvent {
  const pathParameters: Record<string, string> = {};
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    pathParameters[name] = name === 'action' ? 'inspect' : name === 'installment' ? '0' : `some-${name}`;
    return pathParameters[name] ?? '';
  });
  return apiEvent({ method: route.method, path, pathParameters, user: null });
}

async function answer(fn: ApiFunctionId, route: ContractRoute) {
  const handler = handlers.get(fn);
  if (!handler) throw new Error(`no handler for ${fn}`);
  const response = (await handler(anonymousCall(route), context)) as APIGatewayProxyStructuredResultV2;
  const body = String(response.body);
  return { status: response.statusCode ?? 0, body, noSuchRoute: body.includes(NO_SUCH_ROUTE.en) };
}

describe('the handlers', () => {
  it.each(CONTRACT_ROUTES)('$key is served by its function, which asks for a token unless public', async (route) => {
    const served = await answer(route.spec.fn, route);

    expect(served.noSuchRoute, served.body).toBe(false);
    if (!isPublic(route.spec)) expect(served.status, served.body).toBe(401);
    else expect(served.status, served.body).toBeLessThan(500);
  });

  it.each(API_FUNCTION_IDS)('%s answers "no such route" for every route of the other functions', async (fn) => {
    const others = CONTRACT_ROUTES.filter((route) => route.spec.fn !== fn);
    const answers = await Promise.all(others.map((route) => answer(fn, route)));

    expect(answers.map((a) => (a.status === 404 && a.noSuchRoute ? 'no such route' : a.body))).toEqual(
      others.map(() => 'no such route'),
    );
  });
});

describe('the routes', () => {
  it.each(CONTRACT_ROUTES)('$key names exactly the path parameters its schema checks', (route) => {
    const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
    expect(Object.keys(route.spec.params?.shape ?? {}).sort()).toEqual(inPath.sort());
  });

  it('gives every function of the construct at least one route', () => {
    const serving = new Set(CONTRACT_ROUTES.map((route) => route.spec.fn));
    expect(API_FUNCTION_IDS.filter((fn) => !serving.has(fn))).toEqual([]);
  });
});

describe('the contract folder', () => {
  const folder = new URL('../../../contract/', import.meta.url);

  it.each(readdirSync(folder).filter((file) => file.endsWith('.ts')))(
    '%s imports nothing the browser lacks and nothing from the server side',
    (file) => {
      const source = readFileSync(new URL(file, folder), 'utf8');
      const imported = [...source.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((match) => match[1]);

      expect(
        imported.filter((path) => /^node:|^@aws-sdk\/|^aws-lambda$|\/(functions|infra|twin|local)\//.test(path ?? '')),
      ).toEqual([]);
    },
  );
});
