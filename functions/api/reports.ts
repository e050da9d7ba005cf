/**
 * `GET /reports/progress?county=&program=&format=json|xlsx` (households per township: quota, mode,
 * site, area, status, overdue steps, spot checks), `GET /reports/households?county=&township=&format=json|xlsx`
 * (the masked household list). Excel answers are binary, so this handler builds its own base64
 * response instead of the JSON one; errors still go through the API's one error mapper.
 */
import middy from '@middy/core';
import { NotFoundError } from '../../domain/errors';
import { actorOf } from '../commons/auth';
import { type ApiEvent, type ApiResponse, httpErrorMapper, toResponse, xlsxResponse } from '../commons/http';
import { lambdaEntry } from '../config/handler';
import type { Dependencies } from '../use-cases/dependencies';
import { householdExportFor } from '../use-cases/household-export';
import { progressReportFor } from '../use-cases/progress-report';
import { queryParameters } from './params';

async function route(deps: Dependencies, event: ApiEvent): Promise<ApiResponse> {
  const actor = actorOf(event);
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  if (method === 'GET' && path.endsWith('/reports/progress')) {
    const answer = await progressReportFor(deps, actor, queryParameters(event));
    return answer.kind === 'json' ? toResponse({ status: 200, body: answer.report }) : xlsxResponse(answer.workbook);
  }
  if (method === 'GET' && path.endsWith('/reports/households')) {
    const answer = await householdExportFor(deps, actor, queryParameters(event));
    return answer.kind === 'json' ? toResponse({ status: 200, body: answer.page }) : xlsxResponse(answer.workbook);
  }
  throw new NotFoundError({ zh: '请求的资源不存在', en: 'No such resource' });
}

export const handlerWith = (deps: Dependencies) =>
  middy<ApiEvent, ApiResponse>()
    .use(httpErrorMapper())
    .handler((event) => route(deps, event));

export const handler = lambdaEntry(handlerWith);
