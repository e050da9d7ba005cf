import { describe, expect, it } from 'vitest';
import { demoIdNumber, demoProgram } from '../../../../contract/examples';
import { DEFAULT_SETTINGS } from '../../../../domain/monitoring/model';
import { checksDueOn, classifyRow, parseRosterRows, ROSTER_COLUMNS } from '../../../../domain/monitoring/roster';

const settings = {
  ...DEFAULT_SETTINGS(demoProgram.county.code),
  countyCategories: [{ name: '因灾受损户', renovationCategory: 'disaster-hardship' as const }],
};
const options = { areas: demoProgram, settings, today: new Date('2026-05-03T00:00:00Z') };
const C = ROSTER_COLUMNS;

/** The ID number with another check character than its own. */
function wrongCheckDigit(id: string): string {
  return `${id.slice(0, 17)}${id.endsWith('1') ? '2' : '1'}`;
}

function row(overrides: Record<string, string> = {}) {
  return {
    [C.headName]: '韦明光',
    [C.idNumber]: demoIdNumber(9001),
    [C.persons]: '3',
    [C.category]: '低保户',
    [C.village]: '者楼村',
    ...overrides,
  };
}

describe('parseRosterRows', () => {
  it('reads a good row into a household of its township and village', () => {
    const { rows, errors } = parseRosterRows([row({ [C.phone]: '138 8590 0123' })], options);
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        headName: '韦明光',
        idNumber: demoIdNumber(9001),
        persons: 3,
        category: 'minimum-living-guarantee',
        categoryName: '低保户',
        township: '522327100',
        villageCode: '522327100201',
        phone: '13885900123',
      },
    ]);
  });

  it('reports every bad cell of every row at its line and column, in both languages', () => {
    const bad = row({
      [C.idNumber]: wrongCheckDigit(demoIdNumber(9002)),
      [C.persons]: '三',
      [C.category]: '困难户',
      [C.village]: '不存在村',
    });
    const { rows, errors } = parseRosterRows([row(), bad], { ...options, lines: [5, 9] });
    expect(rows).toHaveLength(1);
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [9, C.idNumber],
      [9, C.persons],
      [9, C.category],
      [9, C.village],
    ]);
    for (const error of errors) {
      expect(error.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(error.message.en).toMatch(/[a-z]/);
    }
  });

  it('refuses an ID number given twice, naming the first line', () => {
    const { rows, errors } = parseRosterRows([row(), row({ [C.headName]: '韦德才' })], options);
    expect(rows).toHaveLength(1);
    expect(errors).toEqual([
      expect.objectContaining({
        line: 3,
        field: C.idNumber,
        message: expect.objectContaining({ zh: '该身份证号已在第 2 行出现' }),
      }),
    ]);
  });

  it('takes the county’s own categories and the usual spellings, and villages by code', () => {
    const { rows, errors } = parseRosterRows(
      [
        row({ [C.category]: '因灾受损户', [C.village]: '522327101202' }),
        row({ [C.idNumber]: demoIdNumber(9003), [C.category]: '防止返贫监测对象' }),
        row({ [C.idNumber]: demoIdNumber(9004), [C.category]: '特困' }),
      ],
      options,
    );
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.category, r.categoryName, r.township])).toEqual([
      ['county-named', '因灾受损户', '522327101'],
      ['relapse-monitoring', '防止返贫监测对象', '522327100'],
      ['extremely-poor', '特困', '522327100'],
    ]);
  });

  it('says which columns are missing instead of failing every row', () => {
    const { rows, errors } = parseRosterRows([{ 姓名: '韦明光', 身份证: demoIdNumber(1) }], options);
    expect(rows).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message.zh).toContain('名单缺少列');
  });
});

describe('classifyRow', () => {
  const [parsed] = parseRosterRows([row()], options).rows;
  if (!parsed) throw new Error('no row');
  const known = { headName: '韦明光', persons: 3, categoryName: '低保户', villageCode: '522327100201' };

  it('calls a household unknown to the ledger, or not on the previous roster, new', () => {
    expect(classifyRow(parsed, undefined, false)).toEqual({ change: 'new', changedFields: [] });
    expect(classifyRow(parsed, known, false).change).toBe('new');
  });

  it('names the fields that changed since the previous roster', () => {
    expect(classifyRow(parsed, known, true)).toEqual({ change: 'unchanged', changedFields: [] });
    expect(classifyRow(parsed, { ...known, persons: 4, categoryName: '特困人员' }, true)).toEqual({
      change: 'changed',
      changedFields: ['persons', 'categoryName'],
    });
  });
});

describe('checksDueOn', () => {
  it('is the county’s day of the month unless the import names one', () => {
    expect(checksDueOn('2026-05', { checkDueDay: 20 })).toBe('2026-05-20');
    expect(checksDueOn('2026-05', { checkDueDay: 5 }, '2026-05-25')).toBe('2026-05-25');
  });
});
