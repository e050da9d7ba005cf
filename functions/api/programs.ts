/**
 * `PUT /programs/{programId}` (admin), `GET /programs/{programId}` and
 * `POST /programs/{programId}/progress-counters/rebuild` (admin).
 */
import { actorOf } from '../commons/auth';
import { apiHandler } from '../commons/http';
import { lambdaEntry } from '../config/handler';
import type { Dependencies } from '../use-cases/dependencies';
import { readProgram, rebuildProgressCountersOf, writeProgram } from '../use-cases/programs';
import { pathParameter } from './params';

export const handlerWith = (deps: Dependencies) =>
  apiHandler(async ({ event, body }) => {
    const actor = actorOf(event);
    const programId = pathParameter(event, 'programId');
    if (event.requestContext.http.method === 'POST' && event.rawPath.endsWith('/progress-counters/rebuild')) {
      return { status: 200, body: await rebuildProgressCountersOf(deps, actor, programId) };
    }
    if (event.requestContext.http.method === 'PUT') {
      return { status: 200, body: await writeProgram(deps, actor, programId, body) };
    }
    return { status: 200, body: await readProgram(deps, actor, programId) };
  });

export const handler = lambdaEntry(handlerWith);
