/**
 * The mapping of errors to HTTP answers, in this single place: domain errors to their status with
 * their bilingual messages (and field messages for validation), throttling to 429, timeouts to 503;
 * anything else becomes a generic 500 with a request id, its stack in the log only.
 */
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import type { ErrorBody } from '../../contract/views';
import { DomainError, ValidationError, validationErrorFromZod } from '../../domain/errors';
import { logger } from '../config/logger';
import { type ApiEvent, type ApiReply, type ApiResponse, toResponse } from './responses';

export type { ErrorBody };

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

/** The status and body a thrown error becomes. Exported for the idempotency store and tests. */
export function errorReply(error: unknown, requestId: string): ApiReply<ErrorBody> {
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
      },
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
      },
    };
  }
  logger.error('unexpected error', { error: error instanceof Error ? error : String(error), requestId });
  return {
    status: 500,
    body: {
      error: 'InternalError',
      message: { zh: '服务器内部错误，请稍后再试', en: 'Internal error, please retry later' },
      requestId,
    },
  };
}

export function requestIdOf(event: ApiEvent, context: Context | undefined): string {
  return context?.awsRequestId ?? event.requestContext?.requestId ?? 'unknown';
}

/** Maps every error to the API's error body (middy's own error handler answers 415s and logs to stderr). */
export function httpErrorMapper(): middy.MiddlewareObj<ApiEvent, ApiResponse> {
  return {
    name: 'httpErrorMapper',
    onError: (request) => toResponse(errorReply(request.error, requestIdOf(request.event, request.context))),
  };
}
