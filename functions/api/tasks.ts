/** `GET /tasks`: the caller's work queue, earliest due first, with `overdue`. */
import { lambdaEntry } from '../config/handler';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { workQueue } from '../use-cases/work-queue';

export const handlerWith = (deps: Dependencies) =>
  contractHandler('TasksFn', {
    'GET /tasks': async ({ actor, query, ok }) => ok(await workQueue(deps, actor, query)),
  });

export const handler = lambdaEntry(handlerWith);
