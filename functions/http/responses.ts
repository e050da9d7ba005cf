/**
 * What a handler answers, and how an answer becomes API Gateway's response: JSON by default;
 * documents that name their own type (the printable ledger card, CSV files) as they are; Excel
 * workbooks base64-encoded (binary through API Gateway).
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CSV_TYPE, HTML_TYPE, XLSX_TYPE } from '../../contract/routes';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResponse = APIGatewayProxyStructuredResultV2;

/** A status and a body the stack serializes (also what the idempotency store keeps and replays). */
export interface ApiReply<B = unknown> {
  readonly status: number;
  readonly body: B;
  readonly headers?: Readonly<Record<string, string>>;
}

export function toResponse(reply: ApiReply): ApiResponse {
  // A document that names its own type (the printable ledger card) is sent as it is.
  if (typeof reply.body === 'string' && reply.headers?.['content-type'] !== undefined) {
    return { statusCode: reply.status, headers: { ...reply.headers }, body: reply.body };
  }
  return {
    statusCode: reply.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...reply.headers },
    body: JSON.stringify(reply.body),
  };
}

export function htmlResponse(html: string): ApiResponse {
  return { statusCode: 200, headers: { 'content-type': `${HTML_TYPE}; charset=utf-8` }, body: html };
}

/** A CSV download (the bank's batch file, the funds disclosure). */
export function csvResponse(file: { filename: string; csv: string; count: number }): ApiResponse {
  return {
    statusCode: 200,
    headers: {
      'content-type': `${CSV_TYPE}; charset=utf-8`,
      'content-disposition': `attachment; filename="${file.filename}"`,
      'x-row-count': String(file.count),
    },
    body: file.csv,
  };
}

/** An Excel download (binary, so base64 through API Gateway). */
export function xlsxResponse(workbook: { filename: string; content: Buffer }): ApiResponse {
  return {
    statusCode: 200,
    headers: {
      'content-type': XLSX_TYPE,
      'content-disposition': `attachment; filename="${workbook.filename}"`,
    },
    body: workbook.content.toString('base64'),
    isBase64Encoded: true,
  };
}
