/**
 * `GET /reports/progress?county=&program=&format=json|xlsx`: households per township and phase
 * against the quota. The Excel answer is binary, so this handler builds its own base64 response
 * instead of the JSON one; errors still go through the API's one error mapper.
 */
import middy from '@middy/core';
import { NotFoundError } from '../../domain/errors';
import { actorOf } from '../commons/auth';
import { type ApiEvent, type ApiResponse, httpErrorMapper, toResponse } from '../commons/http';
import { progressReportFor } from '../use-cases/progress-report';
import { queryParameters } from './params';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function route(event: ApiEvent): Promise<ApiResponse> {
  const actor = actorOf(event);
  if (event.requestContext.http.method !== 'GET' || !event.rawPath.endsWith('/reports/progress')) {
    throw new NotFoundError({ zh: '请求的资源不存在', en: 'No such resource' });
  }
  const answer = await progressReportFor(actor, queryParameters(event));
  if (answer.kind === 'json') return toResponse({ status: 200, body: answer.report });
  return {
    statusCode: 200,
    headers: {
      'content-type': XLSX,
      'content-disposition': `attachment; filename="${answer.workbook.filename}"`,
    },
    body: answer.workbook.content.toString('base64'),
    isBase64Encoded: true,
  };
}

export const handler = middy<ApiEvent, ApiResponse>().use(httpErrorMapper()).handler(route);
