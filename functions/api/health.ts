/** `GET /health` (no auth): every part of the stack answers, or 503 naming the parts that did not. */
import { lambdaEntry } from '../config/handler';
import { logger } from '../config/logger';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';

export const handlerWith = ({ store, evidence, outbox }: Dependencies) => {
  const checks = {
    table: () => store.reachable(),
    bucket: () => evidence.reachable(),
    stateMachine: () => outbox.reachable(),
  } as const;
  return contractHandler('HealthFn', {
    'GET /health': async ({ ok }) => {
      const results = await Promise.all(
        Object.entries(checks).map(async ([part, check]) => {
          try {
            await check();
            return { part, ok: true };
          } catch (error) {
            logger.warn('health check failed', { part, error: error instanceof Error ? error.name : String(error) });
            return { part, ok: false };
          }
        }),
      );
      const failed = results.filter((result) => !result.ok).map((result) => result.part);
      if (failed.length === 0) return ok({ status: 'ok' });
      return { status: 503, body: { status: 'unavailable', failed } };
    },
  });
};

export const handler = lambdaEntry(handlerWith);
