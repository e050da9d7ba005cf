/**
 * The one middleware stack of the API handlers: JSON body parsing with the API's own 400 (middy's
 * body parser answers 415 and logs to stderr), JSON responses, and the mapping of domain errors to
 * HTTP status codes in this single place. Unknown errors become a generic 500 with a request id;
 * their stack goes to the log only.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { z } from 'zod';
import {
  type Bilingual,
  DomainError,
  type FieldMessage,
  ValidationError,
  validationErrorFromZod,
} from '../../domain/errors';
import { logger } from '../config/logger';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResponse = APIGatewayProxyStructuredResultV2;

/** What a handler sees: the event, its parsed JSON body, and a case-insensitive header lookup. */
export interface ApiRequest {
  readonly event: ApiEvent;
  readonly body: unknown;
  readonly requestId: string;
  header(name: string): string | undefined;
}

/** What a handler returns; the stack serializes it. */
export interface ApiReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ErrorBody {
  error: string;
  message: Bilingual;
  fields?: FieldMessage[];
  requestId?: string;
}

const STATUS_BY_ERROR_NAME: Readonly<Record<string, number>> = {
  ValidationError: 400,
  UnauthorizedError: 401,
  ForbiddenError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  IdempotencyMismatchError: 422,
};

/** SDK errors that mean "slow down", surfaced as 429 rather than a server fault. */
const THROTTLING_ERROR_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

const parsedBodies = new WeakMap<object, unknown>();

export function headerOf(event: ApiEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

const MALFORMED_JSON: Bilingual = { zh: '请求体不是有效的 JSON', en: 'The request body is not valid JSON' };
const NOT_JSON: Bilingual = {
  zh: '请求体须为 JSON（Content-Type: application/json）',
  en: 'The request body must be JSON (Content-Type: application/json)',
};

/** Parses a JSON body when there is one; a body that is not JSON is the client's mistake: 400. */
export function jsonBodyParser(): middy.MiddlewareObj<ApiEvent, ApiResponse> {
  return {
    name: 'jsonBodyParser',
    before: (request) => {
      const { event } = request;
      if (event.body === undefined || event.body === null || event.body === '') return;
      const contentType = headerOf(event, 'content-type') ?? '';
      if (!/^application\/([a-z0-9.+-]+\+)?json\b/i.test(contentType.trim())) {
        throw ValidationError.field('', NOT_JSON);
      }
      const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      try {
        parsedBodies.set(event, JSON.parse(text));
      } catch (error) {
        throw ValidationError.field('', MALFORMED_JSON, { cause: error });
      }
    },
  };
}

/** The status and body a thrown error becomes. Exported for the idempotency store and tests. */
export function errorReply(error: unknown, requestId: string): ApiReply {
  const domainError = error instanceof z.ZodError ? validationErrorFromZod(error) : error;
  if (domainError instanceof DomainError) {
    const status = STATUS_BY_ERROR_NAME[domainError.name] ?? 400;
    const body: ErrorBody = { error: domainError.name, message: domainError.messages };
    if (domainError instanceof ValidationError) body.fields = domainError.fields;
    logger.info('request refused', { error: domainError.name, status, reason: domainError.message });
    return { status, body };
  }
  if (error instanceof Error && THROTTLING_ERROR_NAMES.has(error.name)) {
    logger.warn('throttled', { error: error.name });
    return {
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        error: 'Throttled',
        message: { zh: '请求过于频繁，请稍后再试', en: 'Too many requests, please retry shortly' },
        requestId,
      } satisfies ErrorBody,
    };
  }
  if (error instanceof Error && error.name === 'TimeoutError') {
    // middy's early timeout or an SDK request timeout: the service is overloaded, not broken, and
    // the client should retry (with its Idempotency-Key) as it would after a Lambda timeout's 503.
    logger.warn('timed out', { error: error.name, requestId });
    return {
      status: 503,
      headers: { 'retry-after': '1' },
      body: {
        error: 'Unavailable',
        message: { zh: '服务繁忙，请稍后重试', en: 'The service is busy, please retry shortly' },
        requestId,
      } satisfies ErrorBody,
    };
  }
  logger.error('unexpected error', { error: error instanceof Error ? error : String(error), requestId });
  return {
    status: 500,
    body: {
      error: 'InternalError',
      message: { zh: '服务器内部错误，请稍后再试', en: 'Internal error, please retry later' },
      requestId,
    } satisfies ErrorBody,
  };
}

export function toResponse(reply: ApiReply): ApiResponse {
  // A document that names its own type (the printable ledger card) is sent as it is.
  if (typeof reply.body === 'string' && reply.headers?.['content-type'] !== undefined) {
    return { statusCode: reply.status, headers: { ...reply.headers }, body: reply.body };
  }
  return {
    statusCode: reply.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...reply.headers },
    body: JSON.stringify(reply.body),
  };
}

function requestIdOf(event: ApiEvent, context: Context | undefined): string {
  return context?.awsRequestId ?? event.requestContext?.requestId ?? 'unknown';
}

/** Maps every error to the API's error body, in one place. */
export function httpErrorMapper(): middy.MiddlewareObj<ApiEvent, ApiResponse> {
  return {
    name: 'httpErrorMapper',
    onError: (request) => toResponse(errorReply(request.error, requestIdOf(request.event, request.context))),
  };
}

/** Wraps a handler in the API's middleware stack. */
export function apiHandler(
  handle: (request: ApiRequest) => Promise<ApiReply>,
): middy.MiddyfiedHandler<ApiEvent, ApiResponse> {
  return middy<ApiEvent, ApiResponse>()
    .use(httpErrorMapper())
    .use(jsonBodyParser())
    .handler(async (event, context) => {
      const reply = await handle({
        event,
        body: parsedBodies.get(event),
        requestId: requestIdOf(event, context),
        header: (name) => headerOf(event, name),
      });
      return toResponse(reply);
    });
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An Excel download (binary, so base64 through API Gateway). */
export function xlsxResponse(workbook: { filename: string; content: Buffer }): ApiResponse {
  return {
    statusCode: 200,
    headers: {
      'content-type': XLSX_TYPE,
      'content-disposition': `attachment; filename="${workbook.filename}"`,
    },
    body: workbook.content.toString('base64'),
    isBase64Encoded: true,
  };
}
