/**
 * Payments after a release was prepared, and the funds report:
 * `POST /payments/{householdId}/{installment}/approve`, `POST /payments/{householdId}/{installment}/retry`,
 * `GET /payments/batch?county=&date=` (CSV for the bank), `POST /payments/results?county=` (the bank's
 * CSV result file), `GET /reports/funds?county=&format=json|csv|xlsx`.
 */
import { lambdaEntry } from '../config/handler';
import { csvResponse, xlsxResponse } from '../http/responses';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import {
  approvePreparedPayment,
  fundsReportFor,
  importBankResults,
  paymentBatch,
  retryFailedPayment,
} from '../use-cases/funds';

export const handlerWith = (deps: Dependencies) =>
  contractHandler('FundsFn', {
    'POST /payments/{householdId}/{installment}/approve': async ({ actor, params, ok }) =>
      ok(await approvePreparedPayment(deps, actor, params)),
    'POST /payments/{householdId}/{installment}/retry': async ({ actor, params, ok }) =>
      ok(await retryFailedPayment(deps, actor, params)),
    'GET /payments/batch': async ({ actor, query }) => csvResponse(await paymentBatch(deps, actor, query)),
    'POST /payments/results': async ({ actor, query, body, ok }) =>
      ok(await importBankResults(deps, actor, query, body)),
    'GET /reports/funds': async ({ actor, query, ok }) => {
      const answer = await fundsReportFor(deps, actor, query);
      if (answer.kind === 'xlsx') return xlsxResponse(answer.workbook);
      return answer.kind === 'csv' ? csvResponse(answer.file) : ok(answer.report);
    },
  });

export const handler = lambdaEntry(handlerWith);
