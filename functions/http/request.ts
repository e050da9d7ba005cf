/**
 * Reading a request as API Gateway hands it over: headers (case-insensitive), query parameters,
 * percent-encoded path parameters and the body (JSON or text). A body that is not what the route
 * takes is the client's mistake: 400 with the API's bilingual message, never middy's 415.
 */
import { type Bilingual, NotFoundError, ValidationError } from '../../domain/errors';
import type { ApiEvent } from './responses';

export const NO_SUCH_RESOURCE: Bilingual = { zh: '请求的资源不存在', en: 'No such resource' };

export function headerOf(event: ApiEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** A percent-encoded path segment; a malformed escape (a lone `%`) names no resource: 404, not 500. */
export function decodedPathValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (error) {
    throw new NotFoundError(NO_SUCH_RESOURCE, { cause: error });
  }
}

/** The path parameters, decoded; an empty one names no resource. */
export function pathParameters(event: ApiEvent): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
    if (value === undefined || value === '') throw new NotFoundError(NO_SUCH_RESOURCE);
    params[name] = decodedPathValue(value);
  }
  return params;
}

export function queryParameters(event: ApiEvent): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[key] = value;
  }
  return query;
}

function bodyText(event: ApiEvent): string {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

const MALFORMED_JSON: Bilingual = { zh: '请求体不是有效的 JSON', en: 'The request body is not valid JSON' };
const NOT_JSON: Bilingual = {
  zh: '请求体须为 JSON（Content-Type: application/json）',
  en: 'The request body must be JSON (Content-Type: application/json)',
};

/**
 * The largest JSON body taken (a roster import of 1,000 rows is well inside; photos go straight to S3). API
 * Gateway would pass up to 10 MB and Lambda 6 MB: a body is refused here before it is parsed.
 */
export const MAX_JSON_BODY_BYTES = 2 * 1024 * 1024;
/**
 * The deepest nesting a JSON body may have: every body the API takes is a few levels deep (a
 * program's villages are five). Checked on the text before it is parsed, so nothing that walks a
 * value recursively (the Idempotency-Key's body hash, zod, the audit hash) ever meets a deeper one.
 */
export const MAX_JSON_DEPTH = 32;

const TOO_LARGE: Bilingual = {
  zh: `请求体不能超过 ${MAX_JSON_BODY_BYTES / 1024 / 1024} MB`,
  en: `The request body may be at most ${MAX_JSON_BODY_BYTES / 1024 / 1024} MB`,
};
const TOO_DEEP: Bilingual = {
  zh: `请求体嵌套层级过深（最多 ${MAX_JSON_DEPTH} 层）`,
  en: `The request body is nested too deeply (at most ${MAX_JSON_DEPTH} levels)`,
};

/** The deepest nesting of arrays and objects in a JSON text, counting only brackets outside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** The JSON body, undefined when there is none; any other content, or one too large or too deep, is a 400. */
export function jsonBody(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const contentType = headerOf(event, 'content-type') ?? '';
  if (!/^application\/([a-z0-9.+-]+\+)?json\b/i.test(contentType.trim())) throw ValidationError.field('', NOT_JSON);
  const text = bodyText(event);
  if (Buffer.byteLength(text, 'utf8') > MAX_JSON_BODY_BYTES) throw ValidationError.field('', TOO_LARGE);
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw ValidationError.field('', TOO_DEEP);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw ValidationError.field('', MALFORMED_JSON, { cause: error });
  }
}

/** Files the API takes as text (the bank's result file) are small; a larger body is not one. */
const MAX_TEXT_BODY_BYTES = 5 * 1024 * 1024;

/** A text body (CSV) as sent; empty or oversized is a 400. */
export function textBody(event: ApiEvent): string {
  const text = bodyText(event);
  if (text.trim() === '') {
    throw ValidationError.field('', { zh: '请求体为空，请上传文件', en: 'The request body is empty: send the file' });
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BODY_BYTES) {
    throw ValidationError.field('', { zh: '上传的文件过大', en: 'The file is too large' });
  }
  return text;
}
