/**
 * `GET /reports/progress?county=&program=&township=&asOf=&format=json|xlsx|text` (per township: quota, mode,
 * site, rooms, area, status, the works in the seed's words, money, overdue steps, spot checks; the year-end
 * paragraph), `GET /reports/households?county=&township=&format=json|xlsx` (the masked household list),
 * `GET /reports/audit?county=&from=&to=&format=json|xlsx` (the auditor's view). Excel answers are binary,
 * base64 through API Gateway.
 */
import { lambdaEntry } from '../config/handler';
import { textResponse, xlsxResponse } from '../http/responses';
import { contractHandler } from '../http/router';
import { auditReport, auditWorkbook } from '../use-cases/audit-report';
import type { Dependencies } from '../use-cases/dependencies';
import { householdExportFor } from '../use-cases/household-export';
import { progressReportFor } from '../use-cases/progress-report';

export const handlerWith = (deps: Dependencies) =>
  contractHandler(
    'ReportsFn',
    {
      'GET /reports/progress': async ({ actor, query, ok }) => {
        const answer = await progressReportFor(deps, actor, query);
        if (answer.kind === 'json') return ok(answer.report);
        return answer.kind === 'xlsx' ? xlsxResponse(answer.workbook) : textResponse(answer);
      },
      'GET /reports/households': async ({ actor, query, ok }) => {
        const answer = await householdExportFor(deps, actor, query);
        return answer.kind === 'json' ? ok(answer.page) : xlsxResponse(answer.workbook);
      },
      'GET /reports/audit': async ({ actor, query, ok }) => {
        const report = await auditReport(deps, actor, query);
        return query.format === 'xlsx' ? xlsxResponse(await auditWorkbook(report)) : ok(report);
      },
    },
    deps.callers,
  );

export const handler = lambdaEntry(handlerWith);
