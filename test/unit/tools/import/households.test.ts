import { describe, expect, it } from 'vitest';
import { demoIdNumber, demoProgram } from '../../../../contract/examples';
import { IMPORT_COLUMNS, parseHouseholdRows } from '../../../../domain/import';
import { ProgramConfig } from '../../../../domain/model';
import { idCheckChar } from '../../../../domain/rules/idCheck';

const C = IMPORT_COLUMNS;

/** The same ID with a wrong check character. */
function withWrongCheck(id: string): string {
  const right = id.charAt(17);
  return `${id.slice(0, 17)}${right === '1' ? '2' : '1'}`;
}

function row(overrides: Partial<Record<string, string>> & { id: string }): Record<string, string> {
  const { id, ...rest } = overrides;
  const base: Record<string, string> = {
    [C.headName]: '韦明光',
    [C.idNumber]: id,
    [C.persons]: '3',
    [C.category]: '低保户',
    [C.village]: '者楼村',
    [C.structure]: '土木',
    [C.areaM2]: '45',
    [C.bankAccount]: '',
    [C.site]: '',
  };
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) base[key] = value;
  return base;
}

// Birth date 1990-02-30 does not exist; the check character is right for the 17 digits.
const badDateFirst17 = '52232719900230001';
const badDateId = `${badDateFirst17}${idCheckChar(badDateFirst17)}`;

const FILE: Record<string, string>[] = [
  // line 2: valid, village by name, account printed in groups
  row({ id: demoIdNumber(1), [C.bankAccount]: '6217 9900 0000 0000 001', [C.site]: '分散' }),
  // line 3: valid, village by code, one person, centralized, decimal area, spaces around the ID
  row({
    id: ` ${demoIdNumber(2)} `,
    [C.village]: '522327101201',
    [C.category]: '特困人员',
    [C.structure]: '砖木',
    [C.persons]: '1',
    [C.areaM2]: '30.5',
    [C.site]: '集中',
  }),
  // line 4: wrong check character
  row({ id: withWrongCheck(demoIdNumber(3)) }),
  // line 5: the ID of line 2 again
  row({ id: demoIdNumber(1), [C.headName]: '王秀英' }),
  // line 6: not a priority category
  row({ id: demoIdNumber(5), [C.category]: '一般户' }),
  // line 7: area zero (schema: must be positive)
  row({ id: demoIdNumber(6), [C.areaM2]: '0' }),
  // line 8: area not a number
  row({ id: demoIdNumber(7), [C.areaM2]: '四十' }),
  // line 9: area above the schema maximum
  row({ id: demoIdNumber(8), [C.areaM2]: '1200' }),
  // line 10: village outside the program
  row({ id: demoIdNumber(9), [C.village]: '不存在村' }),
  // line 11: three problems at once
  row({ id: demoIdNumber(10), [C.headName]: '', [C.persons]: '0', [C.structure]: '茅草' }),
  // line 12: impossible birth date
  row({ id: badDateId }),
  // line 13: bank account too short
  row({ id: demoIdNumber(12), [C.bankAccount]: '1234' }),
  // line 14: bad site word and a wrong check character with a schema error on the same row
  row({ id: withWrongCheck(demoIdNumber(13)), [C.site]: '集体', [C.areaM2]: '0' }),
  // line 15: ID of the wrong shape
  row({ id: '52232719' }),
  // line 16: village code not in the program
  row({ id: demoIdNumber(15), [C.village]: '522327999201' }),
];

describe('parseHouseholdRows', () => {
  const result = parseHouseholdRows(FILE, demoProgram);
  const fieldsAt = (line: number) =>
    result.errors
      .filter((e) => e.line === line)
      .map((e) => e.field)
      .sort();

  it('keeps exactly the good rows, with their file lines', () => {
    expect(result.valid.map((v) => v.line)).toEqual([2, 3]);
  });

  it('maps the Chinese columns to an application', () => {
    const [first, second] = result.valid;
    expect(first?.application).toMatchObject({
      programId: demoProgram.programId,
      head: { name: '韦明光', idNumber: demoIdNumber(1) },
      category: 'minimum-living-guarantee',
      villageCode: '522327100201',
      house: { structure: 'earth', areaM2: 45 },
      site: 'dispersed',
      bankAccount: '6217990000000000001',
    });
    expect(first?.application.members).toHaveLength(2);
    expect(second?.application).toMatchObject({
      head: { idNumber: demoIdNumber(2) },
      category: 'extremely-poor',
      villageCode: '522327101201',
      house: { structure: 'brick-wood', areaM2: 30.5 },
      site: 'centralized',
    });
    expect(second?.application.members).toEqual([]);
    expect(second?.application.bankAccount).toBeUndefined();
  });

  it('reports each bad row at its line and column', () => {
    expect(fieldsAt(2)).toEqual([]);
    expect(fieldsAt(3)).toEqual([]);
    expect(fieldsAt(4)).toEqual([C.idNumber]);
    expect(fieldsAt(5)).toEqual([C.idNumber]);
    expect(fieldsAt(6)).toEqual([C.category]);
    expect(fieldsAt(7)).toEqual([C.areaM2]);
    expect(fieldsAt(8)).toEqual([C.areaM2]);
    expect(fieldsAt(9)).toEqual([C.areaM2]);
    expect(fieldsAt(10)).toEqual([C.village]);
    expect(fieldsAt(11)).toEqual([C.persons, C.structure, C.headName].sort());
    expect(fieldsAt(12)).toEqual([C.idNumber]);
    expect(fieldsAt(13)).toEqual([C.bankAccount]);
    expect(fieldsAt(14)).toEqual([C.idNumber, C.site, C.areaM2].sort());
    expect(fieldsAt(15)).toEqual([C.idNumber]);
    expect(fieldsAt(16)).toEqual([C.village]);
    expect(result.errors.every((e) => e.message.zh !== '' && e.message.en !== '')).toBe(true);
  });

  it('names the earlier line of a repeated ID number and the check digit problem', () => {
    const duplicate = result.errors.find((e) => e.line === 5);
    expect(duplicate?.message.zh).toContain('第 2 行');
    const checkDigit = result.errors.find((e) => e.line === 4);
    expect(checkDigit?.message.en).toMatch(/check digit/);
    expect(result.errors.find((e) => e.line === 12)?.message.en).toMatch(/birth date/);
  });

  it('uses the lines it is given (a quoted field may span lines)', () => {
    const lined = parseHouseholdRows([FILE[0] ?? {}, FILE[2] ?? {}], demoProgram, { lines: [2, 5] });
    expect(lined.valid.map((v) => v.line)).toEqual([2]);
    expect(lined.errors.map((e) => e.line)).toEqual([5]);
  });

  it('refuses a file missing a required column, at line 1, and registers nothing', () => {
    const withoutArea = FILE.slice(0, 2).map(({ [C.areaM2]: _area, ...rest }) => rest);
    const answer = parseHouseholdRows(withoutArea, demoProgram);
    expect(answer.valid).toEqual([]);
    expect(answer.errors).toEqual([
      { line: 1, field: C.areaM2, message: expect.objectContaining({ zh: expect.any(String) }) },
    ]);
  });

  it('asks for the village code when two villages share a name', () => {
    const [first, second, ...rest] = demoProgram.townships;
    if (!first || !second) throw new Error('the demo program has townships');
    const twin = ProgramConfig.parse({
      ...demoProgram,
      townships: [
        first,
        { ...second, villages: [...second.villages, { code: '522327101299', name: '者楼村' }] },
        ...rest,
      ],
    });
    const answer = parseHouseholdRows([row({ id: demoIdNumber(1) })], twin);
    expect(answer.valid).toEqual([]);
    expect(answer.errors.map((e) => [e.line, e.field])).toEqual([[2, C.village]]);
    expect(answer.errors[0]?.message.en).toMatch(/village code/);
  });
});
