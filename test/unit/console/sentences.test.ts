import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { looksLikeSchemaMessage, sentenceOfFieldMessage, sentenceOfIssue } from '../../../console/src/common/sentences';
import { en } from '../../../console/src/i18n/en';
import { zhCN } from '../../../console/src/i18n/zh-CN';
import { ActionBodies } from '../../../domain/actions';
import { HouseholdApplication } from '../../../domain/model';

/** i18next's rendering, enough for the dictionaries' `{{name}}` placeholders. */
function words(dictionary: Record<string, unknown>) {
  return (key: string, values: Record<string, unknown> = {}) => {
    const template = key.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown>)?.[part], dictionary);
    if (typeof template !== 'string') throw new Error(`no text for ${key}`);
    return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name]));
  };
}

const zh = words(zhCN);
const english = words(en);

function sentences(schema: z.ZodType, value: unknown, label: string, language: 'zh' | 'en' = 'zh'): string[] {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.map((issue) => sentenceOfIssue(issue, label, language === 'zh' ? zh : english, language));
}

describe('field errors as sentences', () => {
  it('asks for a missing field by its label', () => {
    expect(sentences(z.object({ technician: z.string() }), {}, '鉴定人')).toEqual(['请填写鉴定人']);
    expect(sentences(z.object({ technician: z.string() }), {}, 'Technician', 'en')).toEqual(['Fill in Technician']);
    expect(sentences(z.object({ votes: z.number() }), {}, '赞成票')).toEqual(['请选择赞成票']);
    expect(sentences(z.object({ name: z.string().trim().min(1) }), { name: '  ' }, '户主姓名')).toEqual([
      '请填写户主姓名',
    ]);
  });

  it('names the limits in words, not in schema terms', () => {
    expect(sentences(z.number().int().min(0), -1, '反对票')).toEqual(['反对票不能小于 0']);
    expect(sentences(z.number().positive(), 0, '房屋面积')).toEqual(['房屋面积应大于 0']);
    expect(sentences(z.number().int(), 1.5, '赞成票')).toEqual(['赞成票应填写整数']);
    expect(sentences(z.string().max(4), 'abcdef', '备注')).toEqual(['备注最多 4 个字']);
    expect(sentences(z.array(z.string()).min(1), [], '照片')).toEqual(['照片至少需要 1 项']);
  });

  it('explains the ID number, the bank account and dates instead of showing a regex', () => {
    const body = {
      programId: 'demo-2025',
      head: { name: '王', idNumber: '52232719' },
      category: 'minimum-living-guarantee',
      villageCode: '522327100001',
      house: { structure: 'earth', areaM2: 40 },
      bankAccount: '6217-99',
    };
    const texts = sentences(HouseholdApplication, body, '—');
    expect(texts).toContain('身份证号应为 18 位：前 17 位是数字，最后一位是数字或 X');
    expect(texts).toContain('银行账号应为 12 到 30 位数字（可以带空格）');
    expect(sentences(ActionBodies.supervise.shape.date, '2026/12/4', '日期')).toEqual([
      '日期请填写日期，例如 2026-12-04、2026/12/4 或 20261204',
    ]);
  });

  it('offers the list instead of naming the allowed codes', () => {
    const [text] = sentences(z.enum(['approve', 'reject', 'send-back']), 'maybe', '决定');
    expect(text).toBe('请从列表中选择决定');
  });

  it('keeps a rule’s own bilingual sentence', () => {
    const body = {
      version: 1,
      meetingDate: '2025-03-20',
      votesFor: 2,
      votesAgainst: 2,
      abstentions: 0,
      minutes: 'm',
      result: 'approved',
    };
    expect(sentences(ActionBodies['village-appraisal'], body, '结论')).toEqual([
      '赞成票未超过反对票，评议结果不能为通过',
    ]);
    expect(sentences(ActionBodies['village-appraisal'], body, 'Result', 'en')).toEqual([
      'Votes for do not exceed votes against, so the result cannot be approved',
    ]);
  });

  it('never lets a schema message through: none of its words, no codes, no regex', () => {
    const schemaTexts = [
      '期望 string，实际接收 undefined',
      '必填项缺失：无效输入',
      'Invalid input: expected string, received undefined',
      'Invalid option: expected one of "approve"|"reject"|"send-back"',
      'Too small: expected number to be >=0',
      'Invalid string: must match pattern /^\\d{12,30}$/',
    ];
    for (const text of schemaTexts) {
      expect(looksLikeSchemaMessage(text)).toBe(true);
      expect(sentenceOfFieldMessage({ zh: text, en: text }, 'house.areaM2', '房屋面积', zh, 'zh')).toBe(
        '请检查房屋面积',
      );
    }
    expect(sentenceOfFieldMessage({ zh: 'x', en: 'Invalid input' }, 'bankAccount', 'Bank', english, 'en')).toBe(
      'A bank account has 12 to 30 digits (spaces are fine)',
    );
    // A rule's sentence from the API passes as it is.
    const rule = { zh: '只有低保户等重点对象可以申请', en: 'Only priority households may apply' };
    expect(looksLikeSchemaMessage(rule.zh)).toBe(false);
    expect(sentenceOfFieldMessage(rule, 'category', '对象类别', zh, 'zh')).toBe(rule.zh);
  });
});

describe('a choice left empty', () => {
  it('asks to choose, not to choose "from the list"', () => {
    expect(sentences(z.object({ category: z.enum(['a-b', 'c-d']) }), {}, '对象类别')).toEqual(['请选择对象类别']);
    expect(sentences(z.object({ category: z.enum(['a-b', 'c-d']) }), {}, 'Category', 'en')).toEqual([
      'Choose Category',
    ]);
  });
});
