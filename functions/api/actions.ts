/**
 * `POST /households/{id}/actions/{action}`: a person performs a human step; returns the updated file.
 * `POST /households/{id}/overrides`: a second person lets a step held by a blocking flag go on.
 */
import { IDEMPOTENCY_HEADER, idempotent } from '../commons/idempotency';
import { contractHandler } from '../http/router';
import { grantFlagOverride } from '../use-cases/grant-override';
import { performAction } from '../use-cases/perform-action';

export const handler = contractHandler('ActionsFn', {
  'POST /households/{id}/actions/{action}': async ({ actor, params, body, sentBody, header, ok }) =>
    idempotent(actor, header(IDEMPOTENCY_HEADER), sentBody, async () =>
      ok(await performAction(actor, params.id, params.action, body)),
    ),
  'POST /households/{id}/overrides': async ({ actor, params, body, sentBody, header, ok }) =>
    idempotent(actor, header(IDEMPOTENCY_HEADER), sentBody, async () =>
      ok(await grantFlagOverride(actor, params.id, body)),
    ),
});
