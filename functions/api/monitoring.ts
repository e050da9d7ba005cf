/**
 * The housing-safety ledger (`/monitoring/...`), its monthly report (`GET /reports/monitoring`) and the code printed
 * on a renovation agreement (`/households/{id}/status-code`). Writes accept an `Idempotency-Key`.
 */
import { lambdaEntry } from '../config/handler';
import { xlsxResponse } from '../http/responses';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { performLedgerAction, reportDisaster } from '../use-cases/monitoring/actions';
import { ledgerOfMonth, ledgerTasks, readLedgerFile } from '../use-cases/monitoring/ledger';
import { confirmLedgerPhoto, requestLedgerPhoto } from '../use-cases/monitoring/photos';
import { monitoringReportFor, monitoringWorkbook } from '../use-cases/monitoring/report';
import { importRoster, readRoster } from '../use-cases/monitoring/roster';
import { putSettings, readSettings } from '../use-cases/monitoring/settings';
import { issueStatusCode, readStatusCode } from '../use-cases/monitoring/status-code';
import { idempotentWrite } from '../use-cases/replays';

export const handlerWith = (deps: Dependencies) =>
  contractHandler(
    'MonitoringFn',
    {
      'POST /monitoring/rosters': async ({ actor, body, sentBody, header, ok }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => {
          const answer = await importRoster(deps, actor, body);
          // A small answer with no link: kept as it is.
          return { reply: ok(answer), replay: { kind: 'body', body: answer } };
        }),
      'GET /monitoring/rosters/{id}': async ({ actor, params, ok }) => ok(await readRoster(deps, actor, params.id)),
      'GET /monitoring/cases': async ({ actor, query, ok }) => ok(await ledgerOfMonth(deps, actor, query)),
      'POST /monitoring/cases': async ({ actor, body, sentBody, header, ok }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => {
          const answer = await reportDisaster(deps, actor, body);
          // A small answer with no link: kept as it is.
          return { reply: ok(answer), replay: { kind: 'body', body: answer } };
        }),
      'GET /monitoring/cases/{id}': async ({ actor, params, ok }) => ok(await readLedgerFile(deps, actor, params.id)),
      'POST /monitoring/cases/{id}/actions/check': async ({ actor, params, body, sentBody, header, ok }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => ({
          reply: ok(await performLedgerAction(deps, actor, params.id, 'check', body)),
          replay: { kind: 'ledger', ledgerId: params.id },
        })),
      'POST /monitoring/cases/{id}/actions/request-reappraisal': async ({
        actor,
        params,
        body,
        sentBody,
        header,
        ok,
      }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => ({
          reply: ok(await performLedgerAction(deps, actor, params.id, 'request-reappraisal', body)),
          replay: { kind: 'ledger', ledgerId: params.id },
        })),
      'POST /monitoring/cases/{id}/actions/choose-measure': async ({ actor, params, body, sentBody, header, ok }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => ({
          reply: ok(await performLedgerAction(deps, actor, params.id, 'choose-measure', body)),
          replay: { kind: 'ledger', ledgerId: params.id },
        })),
      'POST /monitoring/cases/{id}/actions/close': async ({ actor, params, body, sentBody, header, ok }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => ({
          reply: ok(await performLedgerAction(deps, actor, params.id, 'close', body)),
          replay: { kind: 'ledger', ledgerId: params.id },
        })),
      'POST /monitoring/cases/{id}/actions/visit': async ({ actor, params, body, sentBody, header, ok }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => ({
          reply: ok(await performLedgerAction(deps, actor, params.id, 'visit', body)),
          replay: { kind: 'ledger', ledgerId: params.id },
        })),
      'POST /monitoring/cases/{id}/photos': async ({ actor, params, body, sentBody, header, ok }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => {
          const upload = await requestLedgerPhoto(deps, actor, params.id, body);
          return {
            reply: ok(upload),
            replay: { kind: 'ledger-photo-upload', ledgerId: params.id, photoId: upload.photoId },
          };
        }),
      'POST /monitoring/cases/{id}/photos/{photoId}/confirm': async ({ actor, params, ok }) =>
        ok(await confirmLedgerPhoto(deps, actor, params.id, params.photoId)),
      'GET /monitoring/tasks': async ({ actor, query, ok }) => ok(await ledgerTasks(deps, actor, query)),
      'GET /reports/monitoring': async ({ actor, query, ok }) => {
        const report = await monitoringReportFor(deps, actor, query);
        return query.format === 'xlsx' ? xlsxResponse(await monitoringWorkbook(report)) : ok(report);
      },
      'GET /monitoring/settings/{county}': async ({ actor, params, ok }) =>
        ok(await readSettings(deps, actor, params.county)),
      'PUT /monitoring/settings/{county}': async ({ actor, params, body, ok }) =>
        ok(await putSettings(deps, actor, params.county, body)),
      'GET /households/{id}/status-code': async ({ actor, params, ok }) =>
        ok(await readStatusCode(deps, actor, params.id)),
      'POST /households/{id}/status-code': async ({ actor, params, body, ok }) =>
        ok(await issueStatusCode(deps, actor, params.id, body.reissue)),
    },
    deps.callers,
  );

export const handler = lambdaEntry(handlerWith);
