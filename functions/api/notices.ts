/** `GET /notices?county=&township=&village=`: the public notice list of an area, personal data masked. */
import { contractHandler } from '../http/router';
import { publicNoticeFor } from '../use-cases/public-notice';

export const handler = contractHandler('NoticesFn', {
  'GET /notices': async ({ actor, query, ok }) => ok(await publicNoticeFor(actor, query)),
});
