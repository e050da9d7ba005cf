/** `POST /households/{id}/actions/{action}`: a person performs a human step; returns the updated file. */
import { NotFoundError } from '../../domain/errors';
import { Action } from '../../domain/model';
import { actorOf } from '../commons/auth';
import { apiHandler } from '../commons/http';
import { IDEMPOTENCY_HEADER, idempotent } from '../commons/idempotency';
import { performAction } from '../use-cases/perform-action';
import { pathParameter } from './params';

export const handler = apiHandler(async ({ event, body, header }) => {
  const actor = actorOf(event);
  const householdId = pathParameter(event, 'id');
  const action = Action.safeParse(pathParameter(event, 'action'));
  if (!action.success) {
    throw new NotFoundError({ zh: '没有这个操作', en: `No such action; one of: ${Action.options.join(', ')}` });
  }
  return idempotent(actor, header(IDEMPOTENCY_HEADER), body, async () => ({
    status: 200,
    body: await performAction(actor, householdId, action.data, body),
  }));
});
