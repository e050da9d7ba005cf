/**
 * `POST /households` (register), `GET /households/{id}`, `GET /households` (paged list),
 * `GET /households/{id}/ledger-card` (the printable card, once archived).
 */
import { actorOf } from '../commons/auth';
import { apiHandler } from '../commons/http';
import { lambdaEntry } from '../config/handler';
import type { Dependencies } from '../use-cases/dependencies';
import { IDEMPOTENCY_HEADER, idempotent } from '../use-cases/idempotent';
import { listHouseholdsFor, readHousehold, readLedgerCard } from '../use-cases/read-households';
import { registerHousehold } from '../use-cases/register-household';
import { pathParameter, queryParameters } from './params';

export const handlerWith = (deps: Dependencies) =>
  apiHandler(async ({ event, body, header }) => {
    const actor = actorOf(event);
    if (event.requestContext.http.method === 'POST') {
      return idempotent(deps.store.idempotency, actor, header(IDEMPOTENCY_HEADER), body, async () => ({
        status: 201,
        body: await registerHousehold(deps, actor, body),
      }));
    }
    if (event.pathParameters?.id !== undefined && event.rawPath.endsWith('/ledger-card')) {
      return {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: await readLedgerCard(deps, actor, pathParameter(event, 'id')),
      };
    }
    if (event.pathParameters?.id !== undefined) {
      return { status: 200, body: await readHousehold(deps, actor, pathParameter(event, 'id')) };
    }
    return { status: 200, body: await listHouseholdsFor(deps, actor, queryParameters(event)) };
  });

export const handler = lambdaEntry(handlerWith);
