/**
 * `POST /households` (register), `GET /households` (paged list), `GET /households/{id}`,
 * `GET /households/{id}/ledger-card` (the printable card, once archived).
 */
import { IDEMPOTENCY_HEADER, idempotent } from '../commons/idempotency';
import { htmlResponse } from '../http/responses';
import { contractHandler } from '../http/router';
import { listHouseholdsFor, readHousehold, readLedgerCard } from '../use-cases/read-households';
import { registerHousehold } from '../use-cases/register-household';

export const handler = contractHandler('HouseholdsFn', {
  'POST /households': async ({ actor, body, sentBody, header, ok }) =>
    idempotent(actor, header(IDEMPOTENCY_HEADER), sentBody, async () => ok(await registerHousehold(actor, body))),
  'GET /households': async ({ actor, query, ok }) => ok(await listHouseholdsFor(actor, query)),
  'GET /households/{id}': async ({ actor, params, ok }) => ok(await readHousehold(actor, params.id)),
  'GET /households/{id}/ledger-card': async ({ actor, params }) => htmlResponse(await readLedgerCard(actor, params.id)),
});
