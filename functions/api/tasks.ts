/** `GET /tasks`: the caller's work queue, earliest due first, with `overdue`. */
import { actorOf } from '../commons/auth';
import { apiHandler } from '../commons/http';
import { workQueue } from '../use-cases/work-queue';
import { queryParameters } from './params';

export const handler = apiHandler(async ({ event }) => ({
  status: 200,
  body: await workQueue(actorOf(event), queryParameters(event)),
}));
