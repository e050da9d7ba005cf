/** `GET /tasks`: the caller's work queue, earliest due first, with `overdue`; `GET /tasks/counts`: how many per step. */
import { lambdaEntry } from '../config/handler';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { workCounts, workQueue } from '../use-cases/work-queue';

export const handlerWith = (deps: Dependencies) =>
  contractHandler(
    'TasksFn',
    {
      'GET /tasks': async ({ actor, query, ok }) => ok(await workQueue(deps, actor, query)),
      'GET /tasks/counts': async ({ actor, query, ok }) => ok(await workCounts(deps, actor, query)),
    },
    deps.callers,
  );

export const handler = lambdaEntry(handlerWith);
