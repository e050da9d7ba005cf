/** `PUT /programs/{programId}` (admin) and `GET /programs/{programId}`. */
import { actorOf } from '../commons/auth';
import { apiHandler } from '../commons/http';
import { readProgram, writeProgram } from '../use-cases/programs';
import { pathParameter } from './params';

export const handler = apiHandler(async ({ event, body }) => {
  const actor = actorOf(event);
  const programId = pathParameter(event, 'programId');
  if (event.requestContext.http.method === 'PUT') {
    return { status: 200, body: await writeProgram(actor, programId, body) };
  }
  return { status: 200, body: await readProgram(actor, programId) };
});
