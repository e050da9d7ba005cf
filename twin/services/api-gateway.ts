/**
 * The local HTTP API: the routes of the template's `AWS::ApiGatewayV2::Route`s, served by a
 * node:http server that builds API Gateway v2 (payload format 2.0) events exactly as AWS does,
 * runs the JWT authorizer against the local identity provider, invokes the function in-process
 * and maps its result back as API Gateway would. Plus the local-only login routes.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { RouteSpec } from '../assembly/assembly';
import { LOCAL_ACCOUNT } from '../assembly/local-names';
import { isRecord } from '../json';
import { BodyTooLargeError, listen, type RunningServer, readBody } from '../net/http';
import type { StaticSite } from './console';
import { claimsAsApiGatewayStrings, type DevUser, type IdentityProvider, scopesOf } from './identity';
import type { LambdaRuntime } from './lambda';
import { FunctionTimeoutError } from './lambda';

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const LOCAL_API_ID = 'anjulocal';

export type RequestLogger = (line: { method: string; path: string; status: number; ms: number }) => void;
export type ErrorLogger = (message: string, error: unknown) => void;

export type ApiServerOptions = {
  readonly routes: readonly RouteSpec[];
  readonly lambdas: Pick<LambdaRuntime, 'invoke'>;
  readonly identity: IdentityProvider;
  readonly devUsers: readonly DevUser[];
  readonly logRequest?: RequestLogger;
  readonly logError?: ErrorLogger;
  readonly bodyLimitBytes?: number;
  /**
   * The console's static files (console.ts), asked only for GET and HEAD requests that no API
   * route matched. @default a placeholder page at `/` listing the demo users
   */
  readonly site?: StaticSite;
};

// ---------------------------------------------------------------- route matching

export type CompiledRoute = {
  readonly spec: RouteSpec;
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
  /** Higher is tried first: literal segments beat parameters, a method beats ANY, greedy goes last. */
  readonly rank: number;
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileRoutes(routes: readonly RouteSpec[]): CompiledRoute[] {
  const compiled = routes.map((spec): CompiledRoute => {
    if (spec.path === '$default') return { spec, pattern: /^/, parameterNames: [], rank: -1 };
    const parameterNames: string[] = [];
    let literalSegments = 0;
    let greedy = false;
    const source = spec.path
      .split('/')
      .map((segment) => {
        const parameter = /^\{([^}+]+)(\+?)\}$/.exec(segment);
        if (!parameter?.[1]) {
          literalSegments += 1;
          return escapeRegExp(segment);
        }
        parameterNames.push(parameter[1]);
        if (parameter[2] === '+') {
          greedy = true;
          return '(.+)';
        }
        return '([^/]+)';
      })
      .join('/');
    const rank = (greedy ? 0 : 1_000_000) + literalSegments * 1000 + (spec.method === 'ANY' ? 0 : 1);
    return { spec, pattern: new RegExp(`^${source}$`), parameterNames, rank };
  });
  return compiled.sort((a, b) => b.rank - a.rank);
}

export type RouteMatch = { readonly route: CompiledRoute; readonly pathParameters: Record<string, string> };

export function matchRoute(routes: readonly CompiledRoute[], method: string, path: string): RouteMatch | undefined {
  for (const route of routes) {
    if (route.spec.method !== 'ANY' && route.spec.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const pathParameters: Record<string, string> = {};
    route.parameterNames.forEach((name, index) => {
      const raw = match[index + 1] ?? '';
      try {
        pathParameters[name] = decodeURIComponent(raw);
      } catch {
        pathParameters[name] = raw;
      }
    });
    return { route, pathParameters };
  }
  return undefined;
}

// ---------------------------------------------------------------- the event

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestContext.time`: `12/Mar/2020:19:03:58 +0000`. */
export function apiGatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000`;
}

/** Content types API Gateway passes as text; everything else arrives base64-encoded. */
function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return true;
  return /^(text\/|application\/(json|.*\+json|xml|.*\+xml|x-www-form-urlencoded|javascript))/i.test(contentType);
}

export type EventInput = {
  readonly routeKey: string;
  readonly method: string;
  /** The raw request target: path and query string. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly pathParameters: Record<string, string>;
  readonly sourceIp: string;
  readonly requestId: string;
  readonly now: Date;
  readonly jwt?: { readonly claims: Record<string, string>; readonly scopes: string[] | null };
};

/** Builds the payload format 2.0 event API Gateway sends to a Lambda integration. */
export function buildEvent(input: EventInput): APIGatewayProxyEventV2WithJWTAuthorizer {
  const questionMark = input.url.indexOf('?');
  const rawPath = questionMark >= 0 ? input.url.slice(0, questionMark) : input.url;
  const rawQueryString = questionMark >= 0 ? input.url.slice(questionMark + 1) : '';

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(input.headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const joined = Array.isArray(value) ? value.join(',') : value;
    // Payload 2.0 moves cookies out of the headers into their own list.
    if (key === 'cookie') cookies = joined.split(/;\s*/).filter((c) => c !== '');
    else headers[key] = joined;
  }

  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString !== '') {
    queryStringParameters = {};
    for (const [key, value] of new URLSearchParams(rawQueryString)) {
      const previous = queryStringParameters[key];
      queryStringParameters[key] = previous === undefined ? value : `${previous},${value}`;
    }
  }

  const textual = isTextual(headers['content-type']);
  const host = headers.host ?? 'localhost';
  const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: LOCAL_API_ID,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: input.jwt ?? { claims: {}, scopes: [] },
      },
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: input.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: input.routeKey,
      stage: '$default',
      time: apiGatewayTime(input.now),
      timeEpoch: input.now.getTime(),
    },
    ...(Object.keys(input.pathParameters).length > 0 ? { pathParameters: input.pathParameters } : {}),
    ...(input.body.length > 0 ? { body: textual ? input.body.toString('utf8') : input.body.toString('base64') } : {}),
    isBase64Encoded: input.body.length > 0 && !textual,
  };
  if (!input.jwt) {
    // A route without an authorizer carries no `authorizer` in its request context.
    delete (event.requestContext as { authorizer?: unknown }).authorizer;
  }
  return event;
}

// ---------------------------------------------------------------- the response

export type HttpAnswer = { status: number; headers: Record<string, string>; cookies: string[]; body: Buffer };

const json = (status: number, value: unknown): HttpAnswer => ({
  status,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify(value)),
});

/** Maps a handler's result the way API Gateway does for payload format 2.0. */
export function answerFromResult(result: unknown): HttpAnswer {
  const structured =
    isRecord(result) && 'statusCode' in result
      ? (result as {
          statusCode: unknown;
          headers?: unknown;
          body?: unknown;
          isBase64Encoded?: unknown;
          cookies?: unknown;
        })
      : undefined;
  if (!structured) {
    // Without a statusCode API Gateway assumes 200 and JSON; a string is passed as the body.
    if (result === undefined)
      return { status: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.alloc(0) };
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      cookies: [],
      body: Buffer.from(typeof result === 'string' ? result : JSON.stringify(result)),
    };
  }
  const status = Number(structured.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return json(500, { message: 'Internal Server Error' });
  const headers: Record<string, string> = {};
  if (structured.headers && typeof structured.headers === 'object') {
    for (const [key, value] of Object.entries(structured.headers)) {
      if (value !== undefined && value !== null) headers[key.toLowerCase()] = String(value);
    }
  }
  const body =
    typeof structured.body === 'string'
      ? Buffer.from(structured.body, structured.isBase64Encoded === true ? 'base64' : 'utf8')
      : Buffer.alloc(0);
  const cookies = Array.isArray(structured.cookies) ? structured.cookies.map(String) : [];
  return { status, headers, cookies, body };
}

// ---------------------------------------------------------------- the server

function send(response: ServerResponse, answer: HttpAnswer): void {
  if (response.headersSent) return;
  const headers: Record<string, string | string[]> = {
    ...answer.headers,
    'content-length': String(answer.body.length),
  };
  if (answer.cookies.length > 0) headers['set-cookie'] = answer.cookies;
  response.writeHead(answer.status, headers);
  response.end(answer.body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function placeholderPage(users: readonly DevUser[]): string {
  const rows = users
    .map(
      (u) =>
        `<tr><td><code>${escapeHtml(u.username)}</code></td><td>${escapeHtml(u.displayName)}</td><td>${escapeHtml(
          u.roles.join(', '),
        )}</td><td>${escapeHtml(u.county)}</td><td>${escapeHtml(u.township ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Anju 安居 (local)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}td,th{padding:.25rem .75rem;text-align:left}</style>
</head><body>
<h1>Anju 安居: local mode</h1>
<p>The staff console is not built: run <code>npm run build:console</code> (<code>npm start</code> builds it) and reload. The API runs here: see <a href="/openapi.json">/openapi.json</a> and <a href="/health">/health</a>.</p>
<p>Get a token with <code>POST /auth/dev-login {"username": "..."}</code> and send it as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<h2>Demo users</h2>
<table><thead><tr><th>username</th><th>name</th><th>roles</th><th>county</th><th>township</th></tr></thead>
<tbody>${rows}</tbody></table>
</body></html>`;
}

/** The HTTP API as a request listener (routes, authorizer, local login). */
export function createApiHandler(
  options: ApiServerOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const routes = compileRoutes(options.routes);
  const limit = options.bodyLimitBytes ?? BODY_LIMIT_BYTES;
  const usersByName = new Map(options.devUsers.map((user) => [user.username, user]));
  const site: StaticSite =
    options.site ??
    (async (method, path) =>
      method === 'GET' && path === '/'
        ? {
            status: 200,
            headers: { 'content-type': 'text/html; charset=utf-8' },
            cookies: [],
            body: Buffer.from(placeholderPage(options.devUsers)),
          }
        : undefined);
  const logError = options.logError ?? (() => {});

  async function localRoute(method: string, path: string, body: Buffer): Promise<HttpAnswer | undefined> {
    if (method === 'GET' && path === '/auth/dev-users') return json(200, { users: options.devUsers });
    if (method === 'POST' && path === '/auth/dev-login') {
      let username: unknown;
      try {
        username = (JSON.parse(body.toString('utf8') || '{}') as { username?: unknown }).username;
      } catch {
        username = undefined;
      }
      if (typeof username !== 'string' || username === '') {
        return json(400, {
          message: 'Invalid request body',
          fields: [{ path: 'username', message: { zh: '请填写用户名', en: 'username is required' } }],
        });
      }
      const user = usersByName.get(username);
      if (!user) return json(404, { message: `Unknown demo user: ${username}` });
      return json(200, { token: await options.identity.issue(user) });
    }
    return undefined;
  }

  async function authorize(
    route: RouteSpec,
    headers: IncomingHttpHeaders,
  ): Promise<EventInput['jwt'] | HttpAnswer | undefined> {
    if (route.authorizationType !== 'JWT') return undefined;
    const header = headers.authorization;
    const token = typeof header === 'string' ? header.replace(/^Bearer\s+/i, '').trim() : '';
    if (token === '') return json(401, { message: 'Unauthorized' });
    let payload: Awaited<ReturnType<IdentityProvider['verify']>>;
    try {
      payload = await options.identity.verify(token, route.authorizer);
    } catch {
      return json(401, { message: 'Unauthorized' });
    }
    const scopes = scopesOf(payload);
    if (route.authorizationScopes.length > 0 && !route.authorizationScopes.some((s) => scopes?.includes(s))) {
      return json(403, { message: 'Forbidden' });
    }
    return { claims: claimsAsApiGatewayStrings(payload), scopes };
  }

  async function handle(request: IncomingMessage): Promise<HttpAnswer> {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    let body: Buffer;
    try {
      body = await readBody(request, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return json(413, { message: 'Request Entity Too Large' });
      throw error;
    }
    const local = await localRoute(method, path, body);
    if (local) return local;
    const match = matchRoute(routes, method, path);
    if (!match) return (await site(method, path)) ?? json(404, { message: 'Not Found' });
    const jwt = await authorize(match.route.spec, request.headers);
    if (jwt && 'status' in jwt) return jwt;
    const requestId = randomUUID();
    const event = buildEvent({
      routeKey: match.route.spec.routeKey,
      method,
      url,
      headers: request.headers,
      body,
      pathParameters: match.pathParameters,
      sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      requestId,
      now: new Date(),
      ...(jwt ? { jwt } : {}),
    });
    try {
      const answer = answerFromResult(await options.lambdas.invoke(match.route.spec.functionName, event));
      answer.headers['apigw-requestid'] = requestId;
      return answer;
    } catch (error) {
      logError(`${match.route.spec.functionName} failed on ${method} ${path} (request ${requestId})`, error);
      // API Gateway's own answers: the function's error never reaches the client.
      if (error instanceof FunctionTimeoutError) return json(503, { message: 'Service Unavailable' });
      return json(500, { message: 'Internal Server Error' });
    }
  }

  return (request, response) => {
    const started = performance.now();
    handle(request)
      .catch((error: unknown) => {
        logError(`unexpected error on ${request.method} ${request.url}`, error);
        return json(500, { message: 'Internal Server Error' });
      })
      .then((answer) => {
        send(response, answer);
        options.logRequest?.({
          method: request.method ?? 'GET',
          path: (request.url ?? '/').split('?')[0] ?? '/',
          status: answer.status,
          ms: Math.round(performance.now() - started),
        });
      });
  };
}

/** Starts the API; resolves with the bound port. A taken port rejects with `PortInUseError`. */
export function startApiServer(options: ApiServerOptions, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  return listen(createApiHandler(options), port, host);
}
