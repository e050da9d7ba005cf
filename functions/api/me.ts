/** `GET /me`: the caller's user name, roles and jurisdiction. */
import { contractHandler } from '../http/router';

export const handler = contractHandler('MeFn', {
  'GET /me': async ({ actor, ok }) => ok(actor),
});
