/** `GET /notices?county=&township=&village=`: the public notice list of an area, personal data masked. */
import { actorOf } from '../commons/auth';
import { apiHandler } from '../commons/http';
import { lambdaEntry } from '../config/handler';
import type { Dependencies } from '../use-cases/dependencies';
import { publicNoticeFor } from '../use-cases/public-notice';
import { queryParameters } from './params';

export const handlerWith = (deps: Dependencies) =>
  apiHandler(async ({ event }) => ({
    status: 200,
    body: await publicNoticeFor(deps, actorOf(event), queryParameters(event)),
  }));

export const handler = lambdaEntry(handlerWith);
