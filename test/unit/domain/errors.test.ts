import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  bilingualIssue,
  ConflictError,
  DomainError,
  ForbiddenError,
  IdempotencyMismatchError,
  NotFoundError,
  parseOrThrow,
  UnauthorizedError,
  ValidationError,
  validationErrorFromZod,
  WORKFLOW_ERROR_NAMES,
  WorkflowError,
} from '../../../domain/errors';
import { CountyCode, IdNumber } from '../../../domain/model';

const CJK = /[\u3400-\u9fff]/;

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('error classes', () => {
  it.each([
    [UnauthorizedError, 'UnauthorizedError'],
    [ForbiddenError, 'ForbiddenError'],
    [NotFoundError, 'NotFoundError'],
    [ConflictError, 'ConflictError'],
    [IdempotencyMismatchError, 'IdempotencyMismatchError'],
  ])('%o has its own name, bilingual default messages and keeps its cause', (ErrorClass, name) => {
    const cause = new Error('underlying');
    const error = new ErrorClass(undefined, { cause });
    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe(name);
    expect(error.messages.zh).toMatch(CJK);
    expect(error.messages.en).not.toMatch(CJK);
    expect(error.message).toBe(error.messages.en);
    expect(error.cause).toBe(cause);
  });

  it('ValidationError.field carries one field with the same message', () => {
    const error = ValidationError.field('villageCode', { zh: '村代码无效', en: 'Unknown village' });
    expect(error.name).toBe('ValidationError');
    expect(error.fields).toEqual([{ path: 'villageCode', message: { zh: '村代码无效', en: 'Unknown village' } }]);
    expect(error.messages.en).toBe('Unknown village');
  });

  it('workflow error names are their own values, used as the thrown error name', () => {
    for (const [key, value] of Object.entries(WORKFLOW_ERROR_NAMES)) expect(value).toBe(key);
    expect(new WorkflowError(WORKFLOW_ERROR_NAMES.StaleTask, 'task superseded').name).toBe('StaleTask');
  });
});

describe('validationErrorFromZod and parseOrThrow', () => {
  const Body = z.strictObject({
    name: z.string().min(2),
    count: z.number().int(),
    county: CountyCode,
    idNumber: IdNumber,
    kind: z.enum(['a', 'b']),
    nested: z.object({
      code: z.string().refine((v) => v === 'ok', bilingualIssue({ zh: '代码必须为ok', en: 'code must be ok' })),
    }),
  });
  const bad = { name: 'x', county: '12', idNumber: '123', kind: 'c', nested: { code: 'no' }, extra: true };

  it('gives every failing field a Chinese and an English message at its dotted path', () => {
    const error = caught(() => parseOrThrow(Body, bad));
    expect(error).toBeInstanceOf(ValidationError);
    const fields = (error as ValidationError).fields;
    expect(fields.map((f) => f.path).sort()).toEqual([
      'count',
      'county',
      'extra',
      'idNumber',
      'kind',
      'name',
      'nested.code',
    ]);
    for (const field of fields) {
      expect(field.message.zh, field.path).toMatch(CJK);
      expect(field.message.en, field.path).not.toBe('');
    }
    const byPath = Object.fromEntries(fields.map((f) => [f.path, f.message]));
    expect(byPath['nested.code']).toEqual({ zh: '代码必须为ok', en: 'code must be ok' });
    expect(byPath.count?.en).toMatch(/^Required/);
    expect(byPath.count?.zh).toMatch(/^必填项缺失/);
    expect(byPath.kind?.en).toContain('expected one of');
    expect(byPath.kind?.zh).toContain('期望以下之一');
    // A schema author's English-only message stays in English; Chinese falls back to the zh locale.
    expect(byPath.county?.en).toBe('county code is 6 digits');
    // A mixed message that already has Chinese is kept in both.
    expect(byPath.idNumber?.zh).toContain('居民身份证号为18位');
    expect(byPath.extra).toEqual({ zh: '不允许的字段：extra', en: 'Unknown field: extra' });
  });

  it('works on a ZodError from a plain safeParse (no reported input)', () => {
    const result = Body.safeParse(bad);
    if (result.success) throw new Error('expected failure');
    const error = validationErrorFromZod(result.error);
    const count = error.fields.find((f) => f.path === 'count');
    expect(count?.message.en).toMatch(/^Required/);
    expect(error.fields.every((f) => CJK.test(f.message.zh))).toBe(true);
  });

  it('does not change zod’s global locale', () => {
    caught(() => parseOrThrow(Body, bad));
    const result = z.string().safeParse(1);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/^Invalid input/);
  });

  it('returns the parsed value with defaults applied', () => {
    const Schema = z.object({ a: z.number(), b: z.string().default('x') });
    expect(parseOrThrow(Schema, { a: 1 })).toEqual({ a: 1, b: 'x' });
  });
});
