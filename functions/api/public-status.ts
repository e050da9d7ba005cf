/**
 * `POST /public/status`: the household's own view, without a staff login (no authorizer on the route; API Gateway
 * throttles it, the use case limits lookups per source address and per ID number and logs each one).
 */
import { lambdaEntry } from '../config/handler';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { lookupStatus } from '../use-cases/monitoring/public-status';

export const handlerWith = (deps: Dependencies) =>
  contractHandler('PublicStatusFn', {
    'POST /public/status': async ({ event, requestId, body, ok }) =>
      ok(
        await lookupStatus(deps, body, {
          sourceIp: event.requestContext?.http?.sourceIp ?? 'unknown',
          requestId,
        }),
      ),
  });

export const handler = lambdaEntry(handlerWith);
