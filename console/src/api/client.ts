/**
 * The one HTTP client of the console: bearer token, JSON in and out, and every failure turned into
 * an ApiError that carries the API's bilingual message and field messages (functions/http/errors.ts).
 * Nothing else in the console calls `fetch` on the API, so no screen can show a raw error.
 */
import type { Bilingual, FieldMessage } from '../../../domain/errors';
import { apiUrl } from './config';
import { earlyGet } from './early';
import { currentToken, endSession } from './session';

export type ApiErrorKind = 'api' | 'network' | 'timeout';

export class ApiError extends Error {
  readonly status: number;
  readonly kind: ApiErrorKind;
  /** The API's error name (`ValidationError`, `ConflictError`...), when it sent one. */
  readonly code: string | undefined;
  readonly messages: Bilingual | undefined;
  readonly fields: FieldMessage[];

  constructor(
    kind: ApiErrorKind,
    status: number,
    body?: { error?: string; message?: Bilingual; fields?: FieldMessage[] },
    options?: { cause?: unknown },
  ) {
    super(body?.message?.en ?? `${kind} error ${status}`, options);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.code = body?.error;
    this.messages = body?.message;
    this.fields = body?.fields ?? [];
  }
}

function isBilingual(value: unknown): value is Bilingual {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Bilingual).zh === 'string' &&
    typeof (value as Bilingual).en === 'string'
  );
}

/** Reads the API's error body; anything else (an HTML proxy page, plain text) keeps only the status. */
async function errorBody(
  response: Response,
): Promise<{ error?: string; message?: Bilingual; fields?: FieldMessage[] }> {
  try {
    const body = (await response.json()) as Record<string, unknown>;
    const fields = Array.isArray(body.fields)
      ? body.fields.filter(
          (f): f is FieldMessage => typeof f === 'object' && f !== null && isBilingual((f as FieldMessage).message),
        )
      : [];
    return {
      ...(typeof body.error === 'string' ? { error: body.error } : {}),
      ...(isBilingual(body.message) ? { message: body.message } : {}),
      fields,
    };
  } catch {
    return {};
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Milliseconds before the request is abandoned. */
  timeoutMs?: number;
}

/** A request to the API; resolves the raw Response of a 2xx answer, throws ApiError otherwise. */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const token = currentToken();
  const headers: Record<string, string> = { ...options.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${apiUrl()}${path}`, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    throw new ApiError(timedOut ? 'timeout' : 'network', 0, undefined, { cause: error });
  }
  if (response.ok) return response;
  const body = await errorBody(response);
  // A token that expired mid-session: back to the login page rather than a dead end.
  if (response.status === 401 && token) endSession();
  throw new ApiError('api', response.status, body);
}

export async function getJson<T>(path: string): Promise<T> {
  const early = await earlyGet(path, currentToken());
  if (early !== undefined) return early as T;
  return (await (await request(path)).json()) as T;
}

export async function postJson<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  const response = await request(path, { method: 'POST', body: body ?? {}, ...(headers ? { headers } : {}) });
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Downloads a file the API serves behind the bearer token (a plain link cannot send it). */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await request(path, { timeoutMs: 120_000 });
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
