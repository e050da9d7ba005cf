/**
 * `POST /households/{id}/actions/{action}`: a person performs a human step; returns the updated file.
 * `POST /households/{id}/overrides`: a second person lets a step held by a blocking flag go on.
 */

import { lambdaEntry } from '../config/handler';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { grantFlagOverride } from '../use-cases/grant-override';
import { performAction } from '../use-cases/perform-action';
import { idempotentWrite } from '../use-cases/replays';

export const handlerWith = (deps: Dependencies) =>
  contractHandler(
    'ActionsFn',
    {
      'POST /households/{id}/actions/{action}': async ({ actor, params, body, sentBody, header, ok }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => ({
          reply: ok(await performAction(deps, actor, params.id, params.action, body)),
          replay: { kind: 'household', householdId: params.id },
        })),
      'POST /households/{id}/overrides': async ({ actor, params, body, sentBody, header, ok }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => ({
          reply: ok(await grantFlagOverride(deps, actor, params.id, body)),
          replay: { kind: 'household', householdId: params.id },
        })),
    },
    deps.callers,
  );

export const handler = lambdaEntry(handlerWith);
