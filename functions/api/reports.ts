/**
 * `GET /reports/progress?county=&program=&format=json|xlsx` (households per township: quota, mode,
 * site, area, status, overdue steps, spot checks), `GET /reports/households?county=&township=&format=json|xlsx`
 * (the masked household list). Excel answers are binary, base64 through API Gateway.
 */
import { xlsxResponse } from '../http/responses';
import { contractHandler } from '../http/router';
import { householdExportFor } from '../use-cases/household-export';
import { progressReportFor } from '../use-cases/progress-report';

export const handler = contractHandler('ReportsFn', {
  'GET /reports/progress': async ({ actor, query, ok }) => {
    const answer = await progressReportFor(actor, query);
    return answer.kind === 'json' ? ok(answer.report) : xlsxResponse(answer.workbook);
  },
  'GET /reports/households': async ({ actor, query, ok }) => {
    const answer = await householdExportFor(actor, query);
    return answer.kind === 'json' ? ok(answer.page) : xlsxResponse(answer.workbook);
  },
});
