/**
 * Field errors as sentences a clerk understands, in the user's language, named by the field's own
 * label: "请填写鉴定人", "身份证号应为 18 位…", never "期望 string，实际接收 undefined", an enum
 * list or a regular expression. The one place that turns zod issues (the domain's schemas, run in
 * the browser before a request) and the API's field messages into such sentences.
 */
import type { z } from 'zod';

/** i18next's `t`, or anything that renders a dictionary key with values. */
export type Words = (key: string, values?: Record<string, unknown>) => string;

function lastSegment(path: readonly PropertyKey[] | string): string {
  const segments = typeof path === 'string' ? path.split('.') : path.map(String);
  return [...segments].reverse().find((segment) => !/^\d+$/.test(segment)) ?? '';
}

/** Fields whose form has its own sentence, whatever the schema's wording. */
const FORMAT_SENTENCES: Readonly<Record<string, string>> = {
  idNumber: 'errors.idNumber',
  bankAccount: 'errors.bankAccount',
};

function bilingualParams(issue: z.core.$ZodIssue): { zh: string; en: string } | undefined {
  const params = 'params' in issue ? (issue.params as Record<string, unknown> | undefined) : undefined;
  return params && typeof params.zh === 'string' && typeof params.en === 'string'
    ? { zh: params.zh, en: params.en }
    : undefined;
}

function limit(value: unknown): string {
  return typeof value === 'bigint' || typeof value === 'number' ? String(value) : '';
}

/** One zod issue as a sentence; `label` is the field's label in the user's language. */
export function sentenceOfIssue(issue: z.core.$ZodIssue, label: string, t: Words, language: 'zh' | 'en'): string {
  // A rule's own bilingual message (domain/actions.ts) is already a sentence.
  const own = bilingualParams(issue);
  if (own) return own[language];
  const special = FORMAT_SENTENCES[lastSegment(issue.path)];
  const input = 'input' in issue ? issue.input : undefined;
  const missing = input === undefined || input === null || input === '';
  // Nothing entered: ask for it, whatever the schema would have checked next.
  if (missing && (issue.code === 'invalid_value' || issue.code === 'invalid_type')) {
    const typed = issue.code === 'invalid_type' && issue.expected === 'string';
    return t(typed ? 'errors.required' : 'errors.requiredChoice', { label });
  }
  switch (issue.code) {
    case 'invalid_type': {
      if (special) return t(special);
      if (issue.expected === 'int') return t('errors.integer', { label });
      if (issue.expected === 'number') return t('errors.number', { label });
      return t('errors.check', { label });
    }
    case 'too_small': {
      const min = limit(issue.minimum);
      if (issue.origin === 'string') {
        if (special) return t(special);
        return min === '1' ? t('errors.required', { label }) : t('errors.tooShort', { label, min });
      }
      if (issue.origin === 'array' || issue.origin === 'set') return t('errors.fewItems', { label, min });
      return t(issue.inclusive === false ? 'errors.minExclusive' : 'errors.min', { label, min });
    }
    case 'too_big': {
      const max = limit(issue.maximum);
      if (issue.origin === 'string') return special ? t(special) : t('errors.tooLong', { label, max });
      if (issue.origin === 'array' || issue.origin === 'set') return t('errors.manyItems', { label, max });
      return t(issue.inclusive === false ? 'errors.maxExclusive' : 'errors.max', { label, max });
    }
    case 'invalid_format':
      if (special) return t(special);
      if (issue.format === 'date' || issue.format === 'datetime') return t('errors.date', { label });
      return t('errors.format', { label });
    case 'invalid_value':
      return t('errors.choice', { label });
    case 'unrecognized_keys':
      return t('errors.unknownField');
    default:
      return t('errors.check', { label });
  }
}

/**
 * Words that only zod's locales write (zh-CN and en): a field message from the API that reads like
 * one is a schema message, replaced by "请检查…" with the field's label.
 */
const SCHEMA_WORDING = [
  /期望/,
  /实际接收/,
  /无效输入/,
  /无效(字符串|数字|选项|值|格式)/,
  /(数值|字符串|数组)?过(大|小|长|短)/,
  /必填项缺失/,
  /不允许的字段/,
  /\bexpected\b/i,
  /\breceived\b/i,
  /^Invalid /,
  /^Too (small|big)/,
  /^Required: /,
  /^Unknown field/,
  /\/\^.*\$\//,
  /[|"][a-z]+(-[a-z]+)+["|]/,
];

export function looksLikeSchemaMessage(text: string): boolean {
  return SCHEMA_WORDING.some((pattern) => pattern.test(text));
}

/** A field message from the API in the user's language, as a sentence. */
export function sentenceOfFieldMessage(
  message: { zh: string; en: string },
  path: string,
  label: string,
  t: Words,
  language: 'zh' | 'en',
): string {
  const text = message[language];
  if (!looksLikeSchemaMessage(text)) return text;
  const special = FORMAT_SENTENCES[lastSegment(path)];
  return special ? t(special) : t('errors.check', { label });
}
