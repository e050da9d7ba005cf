/**
 * `GET /programs/{programId}`, `PUT /programs/{programId}` (admin) and
 * `POST /programs/{programId}/progress-counters/rebuild` (admin).
 */
import { lambdaEntry } from '../config/handler';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { readProgram, rebuildProgressCountersOf, writeProgram } from '../use-cases/programs';

export const handlerWith = (deps: Dependencies) =>
  contractHandler('ProgramsFn', {
    'GET /programs/{programId}': async ({ actor, params, ok }) => ok(await readProgram(deps, actor, params.programId)),
    'PUT /programs/{programId}': async ({ actor, params, body, ok }) =>
      ok(await writeProgram(deps, actor, params.programId, body)),
    'POST /programs/{programId}/progress-counters/rebuild': async ({ actor, params, ok }) =>
      ok(await rebuildProgressCountersOf(deps, actor, params.programId)),
  });

export const handler = lambdaEntry(handlerWith);
