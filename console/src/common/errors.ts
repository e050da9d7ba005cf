/**
 * Every failure the console shows is a sentence in the user's language: the API's bilingual message
 * when it sent one (domain/errors.ts), a friendly sentence for network trouble and each status, and
 * never an error object, a stack, a raw status line or a schema message.
 */
import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type { FieldMessage } from '../../../domain/errors';
import { ApiError } from '../api/client';
import { languageOf } from './format';
import { looksLikeSchemaMessage, sentenceOfFieldMessage, sentenceOfIssue, type Words } from './sentences';

export function pick(messages: { zh: string; en: string }, language: string): string {
  return language === 'en' ? messages.en : messages.zh;
}

const STATUS_SENTENCES: Readonly<Record<number, string>> = {
  401: 'errors.sessionExpired',
  403: 'errors.forbidden',
  404: 'errors.notFound',
  409: 'errors.conflict',
  429: 'errors.throttled',
};

export function errorSentence(error: unknown, t: TFunction, language: string): string {
  if (error instanceof ApiError) {
    if (error.kind === 'network') return t('errors.network');
    if (error.kind === 'timeout') return t('errors.timeout');
    if (error.messages && !looksLikeSchemaMessage(pick(error.messages, language)))
      return pick(error.messages, language);
    if (error.status === 400 && error.fields.length > 0) return t('errors.fixFields');
    const known = STATUS_SENTENCES[error.status];
    if (known) return t(known);
    return t('errors.status');
  }
  return t('errors.unexpected');
}

/** A field's error text, placed by path (`head.idNumber`, `members.0.name`, `spotCheck.by`). */
export interface FieldText {
  path: string;
  text: string;
}

/** `spotCheck.by` -> ['spotCheck', 'by'], `members.0.name` -> ['members', 0, 'name'] (antd Form names). */
function namePath(path: string): (string | number)[] {
  return path.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/**
 * Puts field errors next to their fields. Returns the texts of paths the form has no field for
 * (or of the body itself), for the form-level alert.
 */
export function showFieldErrors(
  form: FormInstance,
  fields: readonly FieldText[],
  rename: (path: string) => string = (path) => path,
): string[] {
  const known = new Set(
    form
      .getFieldsError()
      .map((f) => f.name.join('.'))
      .filter((name) => name !== ''),
  );
  const byField = new Map<string, string[]>();
  const unplaced: string[] = [];
  for (const field of fields) {
    const path = rename(field.path);
    // A message about a checklist item or array entry goes to the closest field the form has.
    let target = path;
    while (target !== '' && !known.has(target))
      target = target.includes('.') ? target.slice(0, target.lastIndexOf('.')) : '';
    if (target === '') unplaced.push(field.text);
    else if (!byField.get(target)?.includes(field.text))
      byField.set(target, [...(byField.get(target) ?? []), field.text]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name: namePath(name), errors })));
  return unplaced;
}

/** A message placed by `showFieldErrors` goes once the person edits that field. */
export function clearErrorsOf(
  form: FormInstance,
  changed: readonly { name: unknown; touched?: boolean; errors?: string[] }[],
): void {
  const edited = changed.filter(
    (field) => field.touched && (field.errors?.length ?? 0) > 0 && Array.isArray(field.name),
  );
  if (edited.length > 0)
    form.setFields(edited.map((field) => ({ name: field.name as (string | number)[], errors: [] })));
}

/** The label of the field at a path, in the user's language. */
export type LabelOfPath = (path: string) => string;

/** Client-side check with the API's own schema, its issues as sentences with the fields' labels. */
export function validateWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  labelOf: LabelOfPath,
  t: TFunction,
  i18nLanguage: string,
): { ok: true; data: z.output<S> } | { ok: false; fields: FieldText[] } {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  const language = languageOf(i18nLanguage);
  return {
    ok: false,
    fields: result.error.issues.flatMap((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((key) => ({ path: path ? `${path}.${key}` : key, text: t('errors.unknownField') }));
      return [{ path, text: sentenceOfIssue(issue, labelOf(path), t as unknown as Words, language) }];
    }),
  };
}

/** The API's field messages as sentences (a schema message becomes "请检查" with the field's label). */
export function apiFieldTexts(
  fields: readonly FieldMessage[],
  labelOf: LabelOfPath,
  t: TFunction,
  i18nLanguage: string,
): FieldText[] {
  const language = languageOf(i18nLanguage);
  return fields.map((field) => ({
    path: field.path,
    text: sentenceOfFieldMessage(field.message, field.path, labelOf(field.path), t as unknown as Words, language),
  }));
}
