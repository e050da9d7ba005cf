/** `GET /notices?county=&township=&village=`: the public notice list of an area, personal data masked. */
import { actorOf } from '../commons/auth';
import { apiHandler } from '../commons/http';
import { publicNoticeFor } from '../use-cases/public-notice';
import { queryParameters } from './params';

export const handler = apiHandler(async ({ event }) => ({
  status: 200,
  body: await publicNoticeFor(actorOf(event), queryParameters(event)),
}));
