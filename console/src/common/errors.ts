/**
 * Every failure the console shows is a sentence in the user's language: the API's bilingual message
 * when it sent one (domain/errors.ts), a friendly sentence for network trouble, and never an error
 * object, a stack or a raw status line.
 */
import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { type FieldMessage, validationErrorFromZod } from '../../../domain/errors';
import { ApiError } from '../api/client';

export function pick(messages: { zh: string; en: string }, language: string): string {
  return language === 'en' ? messages.en : messages.zh;
}

export function errorSentence(error: unknown, t: TFunction, language: string): string {
  if (error instanceof ApiError) {
    if (error.kind === 'network') return t('errors.network');
    if (error.kind === 'timeout') return t('errors.timeout');
    if (error.messages) return pick(error.messages, language);
    if (error.status === 401) return t('errors.sessionExpired');
    if (error.status === 404) return t('errors.notFoundFeature');
    return t('errors.status', { status: error.status });
  }
  return t('errors.unexpected');
}

/** `spotCheck.by` -> ['spotCheck', 'by'], `members.0.name` -> ['members', 0, 'name'] (antd Form names). */
function namePath(path: string): (string | number)[] {
  return path.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/**
 * Puts field messages next to their fields. Returns the messages of paths the form has no field for
 * (or of the body itself), for the form-level alert.
 */
export function showFieldErrors(
  form: FormInstance,
  fields: readonly FieldMessage[],
  language: string,
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
    const text = pick(field.message, language);
    if (target === '') unplaced.push(text);
    else byField.set(target, [...(byField.get(target) ?? []), text]);
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

/** Client-side check with the API's own schema: the same bilingual messages before a round trip. */
export function validateWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; data: z.output<S> } | { ok: false; fields: FieldMessage[] } {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, fields: validationErrorFromZod(result.error).fields };
}
