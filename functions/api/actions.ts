/** `POST /households/{id}/actions/{action}`: a person performs a human step; returns the updated file. */
import { NotFoundError } from '../../domain/errors';
import { Action } from '../../domain/model';
import { actorOf } from '../commons/auth';
import { apiHandler } from '../commons/http';
import { lambdaEntry } from '../config/handler';
import type { Dependencies } from '../use-cases/dependencies';
import { IDEMPOTENCY_HEADER, idempotent } from '../use-cases/idempotent';
import { performAction } from '../use-cases/perform-action';
import { pathParameter } from './params';

export const handlerWith = (deps: Dependencies) =>
  apiHandler(async ({ event, body, header }) => {
    const actor = actorOf(event);
    const householdId = pathParameter(event, 'id');
    const action = Action.safeParse(pathParameter(event, 'action'));
    if (!action.success) {
      throw new NotFoundError({ zh: '没有这个操作', en: `No such action; one of: ${Action.options.join(', ')}` });
    }
    return idempotent(deps.store.idempotency, actor, header(IDEMPOTENCY_HEADER), body, async () => ({
      status: 200,
      body: await performAction(deps, actor, householdId, action.data, body),
    }));
  });

export const handler = lambdaEntry(handlerWith);
