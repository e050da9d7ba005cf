/** `GET /tasks`: the caller's work queue, earliest due first, with `overdue`. */
import { contractHandler } from '../http/router';
import { workQueue } from '../use-cases/work-queue';

export const handler = contractHandler('TasksFn', {
  'GET /tasks': async ({ actor, query, ok }) => ok(await workQueue(actor, query)),
});
