/**
 * Domain errors. Each class has its own `name` so the HTTP layer (`functions/commons/http.ts`) maps
 * it to a status code in one place, and a bilingual `messages` for the person who caused it.
 * Field-level validation messages come in zh-CN and en, rendered with zod's own locales.
 */
import { z } from 'zod';

/** A message shown to people: Chinese first, English available. */
export interface Bilingual {
  zh: string;
  en: string;
}

export interface FieldMessage {
  /** Dotted path into the request body, e.g. `head.idNumber` or `members.0.name`; '' is the body itself. */
  path: string;
  message: Bilingual;
}

export interface DomainErrorOptions {
  cause?: unknown;
}

export class DomainError extends Error {
  readonly messages: Bilingual;

  constructor(messages: Bilingual, options?: DomainErrorOptions) {
    super(messages.en, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.messages = messages;
  }
}

export class ValidationError extends DomainError {
  readonly fields: FieldMessage[];

  constructor(fields: FieldMessage[], options?: DomainErrorOptions & { messages?: Bilingual }) {
    super(
      options?.messages ?? {
        zh: `提交的内容有 ${fields.length} 处错误`,
        en: `The request has ${fields.length} invalid field${fields.length === 1 ? '' : 's'}`,
      },
      options,
    );
    this.name = 'ValidationError';
    this.fields = fields;
  }

  /** One failing field, the common case for a rule that checks one value. */
  static field(path: string, message: Bilingual, options?: DomainErrorOptions): ValidationError {
    return new ValidationError([{ path, message }], { ...options, messages: message });
  }
}

export class UnauthorizedError extends DomainError {
  constructor(
    messages: Bilingual = { zh: '未登录或登录已失效', en: 'Missing or invalid credentials' },
    options?: DomainErrorOptions,
  ) {
    super(messages, options);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends DomainError {
  constructor(messages: Bilingual = { zh: '无权执行此操作', en: 'Not allowed' }, options?: DomainErrorOptions) {
    super(messages, options);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends DomainError {
  constructor(messages: Bilingual = { zh: '记录不存在', en: 'Not found' }, options?: DomainErrorOptions) {
    super(messages, options);
    this.name = 'NotFoundError';
  }
}

/** The action does not fit the current phase, or the version the client saw is stale. */
export class ConflictError extends DomainError {
  constructor(
    messages: Bilingual = { zh: '记录已被修改或当前阶段不允许此操作', en: 'Conflict with the current state' },
    options?: DomainErrorOptions,
  ) {
    super(messages, options);
    this.name = 'ConflictError';
  }
}

/** Too many requests of one kind (the household's own view, per source and per ID number): 429. */
export class TooManyRequestsError extends DomainError {
  constructor(messages: Bilingual, options?: DomainErrorOptions) {
    super(messages, options);
    this.name = 'TooManyRequestsError';
  }
}

/** The same Idempotency-Key was sent with a different body. */
export class IdempotencyMismatchError extends DomainError {
  constructor(
    messages: Bilingual = {
      zh: '同一幂等键（Idempotency-Key）对应了不同的请求内容',
      en: 'The Idempotency-Key was already used with a different request body',
    },
    options?: DomainErrorOptions,
  ) {
    super(messages, options);
    this.name = 'IdempotencyMismatchError';
  }
}

/**
 * Error names a Lambda throws to Step Functions. The state machine's `Catch`/`Retry` match on
 * `ErrorEquals` by name, so the workflow builder and the handlers both use these constants.
 */
export const WORKFLOW_ERROR_NAMES = {
  /** The household record the execution refers to does not exist. */
  HouseholdNotFound: 'HouseholdNotFound',
  /** The callback task no longer matches the household (phase moved on, or a newer task exists). */
  StaleTask: 'StaleTask',
  /** The program configuration of the household is missing or invalid. */
  ProgramNotFound: 'ProgramNotFound',
  /** A system step was asked for a task it does not know. */
  UnknownSystemTask: 'UnknownSystemTask',
  /**
   * The one name under which a function reports any error that a later attempt can clear (throttling,
   * a service's internal error, a transaction conflict that outlasted the store's own tries, a network
   * error). The state machine retries it with backoff for minutes; see `process/healing.ts`.
   */
  TransientError: 'TransientError',
} as const;
export type WorkflowErrorName = (typeof WORKFLOW_ERROR_NAMES)[keyof typeof WORKFLOW_ERROR_NAMES];

/** An error whose `name` is one of WORKFLOW_ERROR_NAMES; Lambda reports `name` as the Step Functions error. */
export class WorkflowError extends Error {
  constructor(name: WorkflowErrorName, message: string, options?: DomainErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
  }
}

// ---------------------------------------------------------------- zod issues -> bilingual field messages

type LocaleErrorMap = (issue: z.core.$ZodRawIssue) => string | { message: string } | undefined | null;

const zhLocale: LocaleErrorMap = z.locales.zhCN().localeError;
const enLocale: LocaleErrorMap = z.locales.en().localeError;

function render(locale: LocaleErrorMap, issue: z.core.$ZodIssue): string {
  // Locale maps read the issue's own fields (code, expected, minimum, input...) and never mutate it.
  const out = locale(issue as unknown as z.core.$ZodRawIssue);
  if (typeof out === 'string') return out;
  return out?.message ?? issue.message;
}

const CJK = /[\u3400-\u9fff]/;

function isBilingual(value: unknown): value is Bilingual {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.zh === 'string' && typeof candidate.en === 'string';
}

function pathString(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}

function isMissing(issue: z.core.$ZodIssue): boolean {
  if (issue.code !== 'invalid_type') return false;
  // With `reportInput` the input is on the issue; without it zod's English message still says so.
  return ('input' in issue && issue.input === undefined) || issue.message.endsWith('received undefined');
}

function messagesOf(issue: z.core.$ZodIssue): Bilingual {
  const params = 'params' in issue ? issue.params : undefined;
  if (isBilingual(params)) return { zh: params.zh, en: params.en };
  if (isMissing(issue)) {
    return { zh: `必填项缺失：${render(zhLocale, issue)}`, en: `Required: ${render(enLocale, issue)}` };
  }
  const en = render(enLocale, issue);
  const zh = render(zhLocale, issue);
  // The message zod produced with the (English) default locale: keep locale output in both languages.
  if (issue.message === en || issue.code === 'invalid_type') return { zh, en };
  // A schema author's own message: it is the best English text; use it in Chinese too when it has Chinese.
  return { zh: CJK.test(issue.message) ? issue.message : zh, en: issue.message };
}

function fieldsOf(issue: z.core.$ZodIssue): FieldMessage[] {
  if (issue.code === 'unrecognized_keys') {
    // One entry per unknown key, so a form can mark the offending field itself.
    return issue.keys.map((key) => ({
      path: pathString([...issue.path, key]),
      message: { zh: `不允许的字段：${key}`, en: `Unknown field: ${key}` },
    }));
  }
  return [{ path: pathString(issue.path), message: messagesOf(issue) }];
}

/**
 * Turns a ZodError into a ValidationError with zh-CN and en messages per field. The ZodError is
 * deliberately not kept as `cause`: its issues may carry the submitted input (ID numbers, bank
 * accounts), which must not reach logs.
 */
export function validationErrorFromZod(error: z.ZodError): ValidationError {
  return new ValidationError(error.issues.flatMap(fieldsOf));
}

/** Returns the parsed value or throws a ValidationError with bilingual field messages. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  // reportInput keeps the offending value on each issue so locale messages name what was received.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw validationErrorFromZod(result.error);
}

/** Options for `.refine(...)` / `ctx.addIssue(...)` carrying a bilingual message (read back by validationErrorFromZod). */
export function bilingualIssue(message: Bilingual): { message: string; params: Bilingual } {
  return { message: message.en, params: { zh: message.zh, en: message.en } };
}
