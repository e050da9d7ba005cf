import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ApiEvent } from '../../../../functions/http/responses';
import { type DemoUser, demoUser } from '../../../../tools/demo/users';

export interface EventOptions {
  method?: string;
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as is (for malformed bodies). */
  body?: unknown;
  headers?: Record<string, string>;
  /** A demo user name, or null for an anonymous call. */
  user?: string | null;
  claims?: Record<string, string>;
}

export function claimsOf(user: DemoUser): Record<string, string> {
  const claims: Record<string, string> = {
    sub: `sub-${user.username}`,
    'cognito:username': user.username,
    'cognito:groups': `[${user.roles.join(' ')}]`,
    'custom:county': user.county,
  };
  if (user.township) claims['custom:township'] = user.township;
  return claims;
}

/** An API Gateway HTTP API (v2) event with the JWT authorizer's claims. */
export function apiEvent(options: EventOptions = {}): ApiEvent {
  const method = options.method ?? 'GET';
  const path = options.path ?? '/';
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  const claims = options.claims ?? (options.user ? claimsOf(demoUser(options.user)) : undefined);
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers,
    queryStringParameters: options.query,
    pathParameters: options.pathParameters,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: [] } },
    },
  } as ApiEvent;
}

export const context = {
  awsRequestId: 'aws-req-1',
  functionName: 'test',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

export function reply<T = Record<string, unknown>>(
  response: APIGatewayProxyStructuredResultV2 | string | unknown,
): Reply<T> {
  const structured = response as APIGatewayProxyStructuredResultV2;
  return {
    status: structured.statusCode ?? 0,
    body: JSON.parse(String(structured.body)) as T,
    headers: (structured.headers ?? {}) as Record<string, unknown>,
  };
}
