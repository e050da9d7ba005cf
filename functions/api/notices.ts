/** `GET /notices?county=&township=&village=`: the public notice list of an area, personal data masked. */
import { lambdaEntry } from '../config/handler';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { publicNoticeFor } from '../use-cases/public-notice';

export const handlerWith = (deps: Dependencies) =>
  contractHandler('NoticesFn', {
    'GET /notices': async ({ actor, query, ok }) => ok(await publicNoticeFor(deps, actor, query)),
  });

export const handler = lambdaEntry(handlerWith);
