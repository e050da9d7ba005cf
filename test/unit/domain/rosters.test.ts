import { describe, expect, it } from 'vitest';
import { demoIdNumber } from '../../../contract/examples';
import { parseOrThrow, ValidationError } from '../../../domain/errors';
import { MAX_ROSTER_ROWS, parseRosterRows, RosterImportBody } from '../../../domain/import/rosters';
import { hashIdNumber } from '../../../domain/rules/idNumber';

const A = demoIdNumber(11);
const B = demoIdNumber(12);

describe('parseRosterRows', () => {
  it('keeps each person as the hash, the masked number and the name, never the number itself', () => {
    const result = parseRosterRows([
      { 姓名: '王五', 身份证号: A, 村: '新寨村', 年度: '2019' },
      { 姓名: '赵六', 身份证号: ` ${B.toLowerCase()} ` },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.entries).toEqual([
      {
        line: 2,
        idHash: hashIdNumber(A),
        maskedId: `${A.slice(0, 6)}********${A.slice(-4)}`,
        name: '王五',
        village: '新寨村',
        year: 2019,
      },
      { line: 3, idHash: hashIdNumber(B), maskedId: `${B.slice(0, 6)}********${B.slice(-4)}`, name: '赵六' },
    ]);
    expect(JSON.stringify(result)).not.toContain(A);
  });

  it('reports every bad row at its line and column and keeps the good ones', () => {
    const bad = `${A.slice(0, 17)}${A.endsWith('0') ? '1' : '0'}`;
    const result = parseRosterRows([
      { 姓名: '', 身份证号: A },
      { 姓名: '钱七', 身份证号: bad },
      { 姓名: '孙八', 身份证号: B, 年度: '19' },
      { 姓名: '周九', 身份证号: B },
    ]);
    expect(result.errors.map((e) => [e.line, e.field])).toEqual([
      [2, '姓名'],
      [3, '身份证号'],
      [4, '年度'],
    ]);
    expect(result.errors[1]?.message.zh).toContain('校验位');
    expect(result.entries.map((e) => e.name)).toEqual(['周九']);
  });

  it('keeps a person named twice once, and counts the repeat', () => {
    const result = parseRosterRows([
      { 姓名: '王五', 身份证号: A },
      { 姓名: '王五', 身份证号: A },
    ]);
    expect(result.entries).toHaveLength(1);
    expect(result.repeated).toBe(1);
  });

  it('names each required column a sheet is missing, at line 1', () => {
    expect(parseRosterRows([{ 名字: '王五' }]).errors.map((e) => [e.line, e.field])).toEqual([
      [1, '姓名'],
      [1, '身份证号'],
    ]);
  });

  it('reports rows at the file lines it is given', () => {
    expect(parseRosterRows([{ 姓名: '', 身份证号: A }], { lines: [7] }).errors[0]?.line).toBe(7);
  });
});

describe('RosterImportBody', () => {
  const body = {
    county: '520123',
    kind: 'relocation',
    year: 2019,
    title: '县发改局易地扶贫搬迁名单',
    rows: [{ 姓名: '王五', 身份证号: A }],
  };

  it('takes a roster kind the matching knows, a year, a title and the rows', () => {
    expect(parseOrThrow(RosterImportBody, body).kind).toBe('relocation');
    expect(() => parseOrThrow(RosterImportBody, { ...body, kind: 'other' })).toThrow(ValidationError);
    expect(() => parseOrThrow(RosterImportBody, { ...body, rows: [] })).toThrow(ValidationError);
  });

  it('refuses more rows than one import takes', () => {
    const rows = Array.from({ length: MAX_ROSTER_ROWS + 1 }, () => ({ 姓名: '王五' }));
    expect(() => parseOrThrow(RosterImportBody, { ...body, rows })).toThrow(ValidationError);
  });
});
