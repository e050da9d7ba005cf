/**
 * `POST /households/{id}/actions/{action}`: a person performs a human step; returns the updated file.
 * `POST /households/{id}/overrides`: a second person lets a step held by a blocking flag go on.
 */

import { lambdaEntry } from '../config/handler';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { grantFlagOverride } from '../use-cases/grant-override';
import { IDEMPOTENCY_HEADER, idempotent } from '../use-cases/idempotent';
import { performAction } from '../use-cases/perform-action';

export const handlerWith = (deps: Dependencies) =>
  contractHandler('ActionsFn', {
    'POST /households/{id}/actions/{action}': async ({ actor, params, body, sentBody, header, ok }) =>
      idempotent(deps.store.idempotency, actor, header(IDEMPOTENCY_HEADER), sentBody, async () =>
        ok(await performAction(deps, actor, params.id, params.action, body)),
      ),
    'POST /households/{id}/overrides': async ({ actor, params, body, sentBody, header, ok }) =>
      idempotent(deps.store.idempotency, actor, header(IDEMPOTENCY_HEADER), sentBody, async () =>
        ok(await grantFlagOverride(deps, actor, params.id, body)),
      ),
  });

export const handler = lambdaEntry(handlerWith);
