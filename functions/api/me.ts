/** `GET /me`: the caller's user name, roles and jurisdiction. */
import { withLambdaContext } from '../config/handler';
import { contractHandler } from '../http/router';

export const handler = withLambdaContext(
  contractHandler('MeFn', {
    'GET /me': async ({ actor, ok }) => ok(actor),
  }),
);
