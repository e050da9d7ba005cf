/** `POST /households` (register), `GET /households/{id}`, `GET /households` (paged list). */
import { actorOf } from '../commons/auth';
import { apiHandler } from '../commons/http';
import { IDEMPOTENCY_HEADER, idempotent } from '../commons/idempotency';
import { listHouseholdsFor, readHousehold } from '../use-cases/read-households';
import { registerHousehold } from '../use-cases/register-household';
import { pathParameter, queryParameters } from './params';

export const handler = apiHandler(async ({ event, body, header }) => {
  const actor = actorOf(event);
  if (event.requestContext.http.method === 'POST') {
    return idempotent(actor, header(IDEMPOTENCY_HEADER), body, async () => ({
      status: 201,
      body: await registerHousehold(actor, body),
    }));
  }
  if (event.pathParameters?.id !== undefined) {
    return { status: 200, body: await readHousehold(actor, pathParameter(event, 'id')) };
  }
  return { status: 200, body: await listHouseholdsFor(actor, queryParameters(event)) };
});
