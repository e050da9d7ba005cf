/**
 * `GET /programs?county=` (the county's programs), `GET /programs/{programId}`, `PUT /programs/{programId}` (admin)
 * and `POST /programs/{programId}/progress-counters/rebuild` (admin); the county's outside rosters:
 * `POST /rosters`, `GET /rosters?county=`, `GET /rosters/{rosterId}`.
 */
import { lambdaEntry } from '../config/handler';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { listPrograms, readProgram, rebuildProgressCountersOf, writeProgram } from '../use-cases/programs';
import { idempotentWrite } from '../use-cases/replays';
import { importRoster, listRosters, readRoster } from '../use-cases/rosters';

export const handlerWith = (deps: Dependencies) =>
  contractHandler(
    'ProgramsFn',
    {
      'GET /programs': async ({ actor, query, ok }) => ok(await listPrograms(deps, actor, query.county)),
      'GET /programs/{programId}': async ({ actor, params, ok }) =>
        ok(await readProgram(deps, actor, params.programId)),
      'PUT /programs/{programId}': async ({ actor, params, body, ok }) =>
        ok(await writeProgram(deps, actor, params.programId, body)),
      'POST /programs/{programId}/progress-counters/rebuild': async ({ actor, params, ok }) =>
        ok(await rebuildProgressCountersOf(deps, actor, params.programId)),
      // The answer is small (row errors are capped), so its record keeps it as it was.
      'POST /rosters': async ({ actor, body, sentBody, header, ok }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => {
          const roster = await importRoster(deps, actor, body);
          return { reply: ok(roster), replay: { kind: 'body', body: roster } };
        }),
      'GET /rosters': async ({ actor, query, ok }) => ok(await listRosters(deps, actor, query.county)),
      'GET /rosters/{rosterId}': async ({ actor, params, ok }) => ok(await readRoster(deps, actor, params.rosterId)),
    },
    deps.callers,
  );

export const handler = lambdaEntry(handlerWith);
