/**
 * A function's handler, routed from the contract: middy with the API's error mapper around
 * `@middy/http-router`, fed with the contract's routes of that function. Before a route's handler
 * runs, the caller is read from the JWT claims (401 without one, except on public routes), the path
 * parameters are checked with the contract's schema (a value that names nothing is a 404), and the
 * query and the body with theirs (400 with bilingual field messages). The handler gets the parsed
 * values, typed from the contract, and `ok(...)`, the success answer the contract names.
 *
 * A function's handlers are an object with exactly the contract's routes of that function as
 * keys: a route missing or extra is a type error, and a request for another route is a 404.
 */
import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import {
  type ApiFunctionId,
  type ContractRoute,
  isPublic,
  type RouteKey,
  type RouteOf,
  type RouteSpec,
  type RoutesOf,
  routesOf,
} from '../../contract/routes';
import { type Bilingual, NotFoundError, parseOrThrow } from '../../domain/errors';
import type { Actor } from '../../domain/model';
import { actorOf } from './caller';
import { httpErrorMapper, requestIdOf } from './errors';
import { headerOf, jsonBody, NO_SUCH_RESOURCE, pathParameters, queryParameters, textBody } from './request';
import { type ApiEvent, type ApiReply, type ApiResponse, toResponse } from './responses';

/** What a function answers for a route it does not serve (API Gateway never sends one there). */
export const NO_SUCH_ROUTE: Bilingual = { zh: '没有这个接口', en: 'No such route' };

export type ParamsOf<K extends RouteKey> =
  RouteOf<K> extends { params: infer P extends z.ZodType } ? z.output<P> : Record<string, never>;
export type QueryOf<K extends RouteKey> =
  RouteOf<K> extends { query: infer Q extends z.ZodType } ? z.output<Q> : Record<string, never>;
export type BodyOf<K extends RouteKey> =
  RouteOf<K> extends { body: { schema: infer B extends z.ZodType } }
    ? z.output<B>
    : RouteOf<K> extends { byAction: infer O }
      ? { [A in keyof O]: O[A] extends { body: infer B extends z.ZodType } ? z.output<B> : never }[keyof O]
      : undefined;
/** The JSON the route answers when it works; `unknown` for routes that answer other documents. */
export type SuccessBodyOf<K extends RouteKey> = RouteOf<K>['success'] extends {
  content: { 'application/json': infer S extends z.ZodType };
}
  ? z.input<S>
  : unknown;

interface RequestBase<K extends RouteKey> {
  readonly event: ApiEvent;
  readonly requestId: string;
  readonly params: ParamsOf<K>;
  readonly query: QueryOf<K>;
  readonly body: BodyOf<K>;
  /** The body as sent (parsed JSON, before validation): what an Idempotency-Key is bound to. */
  readonly sentBody: unknown;
  header(name: string): string | undefined;
  /** The route's success answer: the status the contract names, this body. */
  ok(body: SuccessBodyOf<K>, headers?: Readonly<Record<string, string>>): ApiReply<SuccessBodyOf<K>>;
}

export type RouteRequest<K extends RouteKey> = RequestBase<K> &
  (RouteOf<K> extends { access: { public: true } } ? unknown : { readonly actor: Actor });

export type RouteHandler<K extends RouteKey> = (request: RouteRequest<K>) => Promise<ApiReply | ApiResponse>;

export type RouteHandlers<F extends ApiFunctionId> = { readonly [K in RoutesOf<F>]: RouteHandler<K> };

/** Path parameters that do not fit the route name no resource: 404, listing the choices of an enum. */
function parsePath(schema: z.ZodType, raw: Record<string, string>): Record<string, unknown> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data as Record<string, unknown>;
  const issue = result.error.issues[0];
  if (issue?.code === 'invalid_value') {
    const choices = issue.values.map(String);
    throw new NotFoundError({
      zh: `${NO_SUCH_RESOURCE.zh}，可选：${choices.join('、')}`,
      en: `No such ${String(issue.path[0] ?? 'resource')}; one of: ${choices.join(', ')}`,
    });
  }
  throw new NotFoundError(NO_SUCH_RESOURCE);
}

function bodySchemaOf(spec: RouteSpec, params: Record<string, unknown>): z.ZodType | undefined {
  if ('byAction' in spec) return spec.byAction[params.action as keyof typeof spec.byAction].body;
  return spec.body?.schema;
}

function readBody(spec: RouteSpec, params: Record<string, unknown>, event: ApiEvent) {
  const schema = bodySchemaOf(spec, params);
  if (!schema) {
    // A route that takes no body ignores a JSON one (clients send `{}` with a bare POST); all bodies are JSON.
    jsonBody(event);
    return { sent: undefined, body: undefined };
  }
  const sent = 'body' in spec && spec.body?.contentType !== 'application/json' ? textBody(event) : jsonBody(event);
  return { sent, body: parseOrThrow(schema, sent) };
}

async function serve(
  route: ContractRoute,
  handle: (request: RequestBase<RouteKey> & { actor?: Actor }) => Promise<ApiReply | ApiResponse>,
  event: ApiEvent,
  context: Context,
): Promise<ApiResponse> {
  const { spec } = route;
  const actor = isPublic(spec) ? undefined : actorOf(event);
  const params = spec.params ? parsePath(spec.params, pathParameters(event)) : {};
  const query = spec.query ? parseOrThrow(spec.query, queryParameters(event)) : {};
  const { sent, body } = readBody(spec, params, event);
  const answer = await handle({
    event,
    requestId: requestIdOf(event, context),
    ...(actor ? { actor } : {}),
    params: params as never,
    query: query as never,
    body: body as never,
    sentBody: sent,
    header: (name) => headerOf(event, name),
    ok: (replyBody, headers) => ({ status: spec.success.status, body: replyBody, ...(headers ? { headers } : {}) }),
  });
  return 'status' in answer ? toResponse(answer) : answer;
}

/** The Lambda handler of function `fn`: the contract's routes of `fn`, each served by its handler. */
export function contractHandler<F extends ApiFunctionId>(
  fn: F,
  handlers: RouteHandlers<F>,
): middy.MiddyfiedHandler<ApiEvent, ApiResponse> {
  const served = handlers as unknown as Record<string, Parameters<typeof serve>[1] | undefined>;
  const routes = routesOf(fn).map((route) => {
    const handle = served[route.key];
    if (!handle) throw new Error(`${fn} has no handler for ${route.key}`);
    return {
      method: route.method,
      path: route.path,
      handler: (event: ApiEvent, context: Context) => serve(route, handle, event, context),
    };
  });
  const router = httpRouterHandler<ApiEvent, ApiResponse>({
    routes,
    notFoundResponse: () => {
      throw new NotFoundError(NO_SUCH_ROUTE);
    },
  });
  return middy<ApiEvent, ApiResponse>()
    .use(httpErrorMapper())
    .handler(router as unknown as (event: ApiEvent, context: Context) => Promise<ApiResponse>);
}
