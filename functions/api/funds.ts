/**
 * Payments after a release was prepared, and the funds report:
 * `POST /payments/{householdId}/{installment}/approve`, `POST /payments/{householdId}/{installment}/retry`,
 * `GET /payments/batch?county=&date=` (CSV for the bank), `POST /payments/results?county=` (the bank's
 * CSV result file), `GET /reports/funds?county=&format=json|csv`.
 *
 * Two routes carry CSV instead of JSON, so this handler reads the raw body itself rather than through
 * the shared JSON body parser; errors still go through the API's one error mapper.
 */
import middy from '@middy/core';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { actorOf } from '../commons/auth';
import { type ApiEvent, type ApiResponse, httpErrorMapper, toResponse, xlsxResponse } from '../commons/http';
import { lambdaEntry } from '../config/handler';
import type { Dependencies } from '../use-cases/dependencies';
import {
  approvePreparedPayment,
  type BatchFile,
  fundsReportFor,
  importBankResults,
  paymentBatch,
  retryFailedPayment,
} from '../use-cases/funds';
import { decodedPathValue, queryParameters } from './params';

/** Bank files are small; a larger body is not a result file of one county. */
const MAX_RESULT_FILE_BYTES = 5 * 1024 * 1024;

function csvResponse(file: BatchFile): ApiResponse {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${file.filename}"`,
      'x-row-count': String(file.count),
    },
    body: file.csv,
  };
}

function rawBody(event: ApiEvent): string {
  const body = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (text.trim() === '') {
    throw ValidationError.field('', {
      zh: '请上传银行回盘文件（CSV）',
      en: 'Send the bank result file (CSV) as the body',
    });
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_RESULT_FILE_BYTES) {
    throw ValidationError.field('', { zh: '回盘文件过大', en: 'The result file is too large' });
  }
  return text;
}

function paymentPath(event: ApiEvent) {
  const params = event.pathParameters ?? {};
  return {
    householdId: params.householdId === undefined ? undefined : decodedPathValue(params.householdId),
    installment: params.installment,
  };
}

async function route(deps: Dependencies, event: ApiEvent): Promise<ApiResponse> {
  const actor = actorOf(event);
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  const query = queryParameters(event);
  if (method === 'POST' && path.endsWith('/approve')) {
    return toResponse({ status: 200, body: await approvePreparedPayment(deps, actor, paymentPath(event)) });
  }
  if (method === 'POST' && path.endsWith('/retry')) {
    return toResponse({ status: 200, body: await retryFailedPayment(deps, actor, paymentPath(event)) });
  }
  if (method === 'GET' && path.endsWith('/payments/batch')) {
    return csvResponse(await paymentBatch(deps, actor, query));
  }
  if (method === 'POST' && path.endsWith('/payments/results')) {
    return toResponse({ status: 200, body: await importBankResults(deps, actor, query, rawBody(event)) });
  }
  if (method === 'GET' && path.endsWith('/reports/funds')) {
    const answer = await fundsReportFor(deps, actor, query);
    if (answer.kind === 'xlsx') return xlsxResponse(answer.workbook);
    return answer.kind === 'csv' ? csvResponse(answer.file) : toResponse({ status: 200, body: answer.report });
  }
  throw new NotFoundError({ zh: '请求的资源不存在', en: 'No such resource' });
}

export const handlerWith = (deps: Dependencies) =>
  middy<ApiEvent, ApiResponse>()
    .use(httpErrorMapper())
    .handler((event) => route(deps, event));

export const handler = lambdaEntry(handlerWith);
