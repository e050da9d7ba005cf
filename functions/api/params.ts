import { NotFoundError } from '../../domain/errors';
import type { ApiEvent } from '../commons/http';

/** A path parameter the route guarantees; its absence means the route does not exist. */
export function pathParameter(event: ApiEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') {
    throw new NotFoundError({ zh: '请求的资源不存在', en: 'No such resource' });
  }
  return decodeURIComponent(value);
}

export function queryParameters(event: ApiEvent): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[key] = value;
  }
  return query;
}
