/** `GET /me`: the caller's user name, roles and jurisdiction. */
import { actorOf } from '../commons/auth';
import { apiHandler } from '../commons/http';
import { withLambdaContext } from '../config/handler';

export const handler = withLambdaContext(apiHandler(async ({ event }) => ({ status: 200, body: actorOf(event) })));
