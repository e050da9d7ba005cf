/** `GET /tasks`: the caller's work queue, earliest due first, with `overdue`. */
import { actorOf } from '../commons/auth';
import { apiHandler } from '../commons/http';
import { lambdaEntry } from '../config/handler';
import type { Dependencies } from '../use-cases/dependencies';
import { workQueue } from '../use-cases/work-queue';
import { queryParameters } from './params';

export const handlerWith = (deps: Dependencies) =>
  apiHandler(async ({ event }) => ({
    status: 200,
    body: await workQueue(deps, actorOf(event), queryParameters(event)),
  }));

export const handler = lambdaEntry(handlerWith);
