/**
 * `POST /households` (register), `GET /households` (paged list), `GET /households/{id}`,
 * `GET /households/{id}/ledger-card` (the printable card, once archived).
 */
import { lambdaEntry } from '../config/handler';
import { htmlResponse } from '../http/responses';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { IDEMPOTENCY_HEADER, idempotent } from '../use-cases/idempotent';
import { listHouseholdsFor, readHousehold, readLedgerCard } from '../use-cases/read-households';
import { registerHousehold } from '../use-cases/register-household';

export const handlerWith = (deps: Dependencies) =>
  contractHandler('HouseholdsFn', {
    'POST /households': async ({ actor, body, sentBody, header, ok }) =>
      idempotent(deps.store.idempotency, actor, header(IDEMPOTENCY_HEADER), sentBody, async () =>
        ok(await registerHousehold(deps, actor, body)),
      ),
    'GET /households': async ({ actor, query, ok }) => ok(await listHouseholdsFor(deps, actor, query)),
    'GET /households/{id}': async ({ actor, params, ok }) => ok(await readHousehold(deps, actor, params.id)),
    'GET /households/{id}/ledger-card': async ({ actor, params }) =>
      htmlResponse(await readLedgerCard(deps, actor, params.id)),
  });

export const handler = lambdaEntry(handlerWith);
