/**
 * `POST /households` (register), `GET /households` (paged list or search), `GET /households/{id}`,
 * `POST /households/{id}/reveal` (a personal number in full, recorded), `GET /households/{id}/ledger-card` (the
 * printable card, once archived), `GET /households/import-template` (the ledger template for bulk import, Excel).
 */
import { lambdaEntry } from '../config/handler';
import { htmlResponse, xlsxResponse } from '../http/responses';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { importTemplateFor } from '../use-cases/import-template';
import { listHouseholdsFor, readHousehold, readLedgerCard } from '../use-cases/read-households';
import { registerHousehold } from '../use-cases/register-household';
import { idempotentWrite } from '../use-cases/replays';
import { revealNumber } from '../use-cases/reveal';

export const handlerWith = (deps: Dependencies) =>
  contractHandler(
    'HouseholdsFn',
    {
      'POST /households': async ({ actor, body, sentBody, header, ok }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => {
          const registered = await registerHousehold(deps, actor, body);
          // Three small fields and no link: kept as they are.
          return { reply: ok(registered), replay: { kind: 'body', body: registered } };
        }),
      'GET /households': async ({ actor, query, ok }) => ok(await listHouseholdsFor(deps, actor, query)),
      'GET /households/{id}': async ({ actor, params, ok }) => ok(await readHousehold(deps, actor, params.id)),
      'POST /households/{id}/reveal': async ({ actor, params, body, ok }) =>
        ok(await revealNumber(deps, actor, params.id, body)),
      'GET /households/{id}/ledger-card': async ({ actor, params }) =>
        htmlResponse(await readLedgerCard(deps, actor, params.id)),
      'GET /households/import-template': async ({ actor, query }) =>
        xlsxResponse(await importTemplateFor(deps, actor, query)),
    },
    deps.callers,
  );

export const handler = lambdaEntry(handlerWith);
