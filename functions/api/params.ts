import { NotFoundError } from '../../domain/errors';
import type { ApiEvent } from '../commons/http';

const NO_SUCH_RESOURCE = { zh: '请求的资源不存在', en: 'No such resource' };

/** A percent-encoded path segment; a malformed escape (a lone `%`) names no resource: 404, not 500. */
export function decodedPathValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (error) {
    throw new NotFoundError(NO_SUCH_RESOURCE, { cause: error });
  }
}

/** A path parameter the route guarantees; its absence means the route does not exist. */
export function pathParameter(event: ApiEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') throw new NotFoundError(NO_SUCH_RESOURCE);
  return decodedPathValue(value);
}

export function queryParameters(event: ApiEvent): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[key] = value;
  }
  return query;
}
