/**
 * The state machine's functions report an error that a later attempt can clear (throttling, a service's internal
 * error, a conflict that outlasted the store's tries, a broken connection: `classifyError` in process/healing.ts)
 * under the one name `TransientError`, which every Task state retries for minutes with backoff. Any other error
 * keeps its name: the workflow's own are caught and routed, the rest end the execution in `Unrecoverable`.
 */
import type { MiddlewareObj } from '@middy/core';
import { WORKFLOW_ERROR_NAMES, WorkflowError } from '../../domain/errors';
import { classifyError } from '../../process/healing';
import { logger } from '../config/logger';

export function asTransientError(error: unknown): unknown {
  if (!(error instanceof Error) || error.name === WORKFLOW_ERROR_NAMES.TransientError) return error;
  if (classifyError(error) !== 'transient') return error;
  return new WorkflowError(WORKFLOW_ERROR_NAMES.TransientError, `${error.name}: ${error.message}`, { cause: error });
}

export function transientErrors(): MiddlewareObj {
  return {
    onError: async (request) => {
      const reported = asTransientError(request.error);
      if (reported !== request.error && reported instanceof Error) {
        logger.warn('a transient error; the state machine retries the step', {
          error: request.error instanceof Error ? request.error.name : String(request.error),
        });
        request.error = reported;
      }
    },
  };
}
