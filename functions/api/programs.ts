/**
 * `GET /programs/{programId}`, `PUT /programs/{programId}` (admin) and
 * `POST /programs/{programId}/progress-counters/rebuild` (admin).
 */
import { contractHandler } from '../http/router';
import { readProgram, rebuildProgressCountersOf, writeProgram } from '../use-cases/programs';

export const handler = contractHandler('ProgramsFn', {
  'GET /programs/{programId}': async ({ actor, params, ok }) => ok(await readProgram(actor, params.programId)),
  'PUT /programs/{programId}': async ({ actor, params, body, ok }) =>
    ok(await writeProgram(actor, params.programId, body)),
  'POST /programs/{programId}/progress-counters/rebuild': async ({ actor, params, ok }) =>
    ok(await rebuildProgressCountersOf(actor, params.programId)),
});
