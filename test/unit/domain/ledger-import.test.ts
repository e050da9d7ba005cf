import { describe, expect, it } from 'vitest';
import {
  columnOfHeader,
  IMPORT_COLUMNS,
  IMPORT_TEMPLATE,
  parseHouseholdRows,
  parseYuan,
  tableRows,
} from '../../../domain/import/households';
import { idCheckChar } from '../../../domain/rules/idCheck';
import { seedProgram } from './support/seed-county';

function id(n: number): string {
  const first17 = `52232719${60 + (n % 30)}0101${String(n).padStart(3, '0')}`;
  return `${first17}${idCheckChar(first17)}`;
}

/** A county's ledger as kept in Excel: two title rows, its own spellings, a row number and a remarks column. */
const HEADER = [
  '序号',
  '乡镇',
  '村',
  '户主',
  '身份证号码',
  '人口',
  '家庭成员',
  '类别',
  '危房等级',
  '改造方式',
  '集中/分散',
  '建房点',
  '间数',
  '面积（㎡）',
  '建房间数',
  '建筑面积',
  '自筹资金',
  '贷款',
  '一卡通账号',
  '备注',
];
const record = (line: number, cells: string[]) => ({ line, cells });
const LEDGER = [
  record(1, ['册亨县2008年农村危房改造试点对象花名册']),
  record(2, [
    '填报单位：县危改办',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '2008年12月',
  ]),
  record(3, HEADER),
  // line 4: centralized at a named site, members named, money in 万
  record(4, [
    '1',
    '者楼镇',
    '者楼村',
    '韦明光',
    id(1),
    '3',
    `韦秀英（配偶）、韦德才（子，${id(2)}）`,
    '五保户',
    '一级危房',
    '拆除重建',
    '集中',
    '岩下集中建房点',
    '2',
    '48',
    '4',
    '66',
    '3.5万',
    '1.5万',
    '6217 9900 0000 0000 001',
    '',
  ]),
  // line 5: dispersed repair, size only (members to be named later), general household covered by the program
  record(5, [
    '2',
    '巧马镇',
    '巧马新村',
    '罗正学',
    id(3),
    '2',
    '',
    '一般农户',
    '三级',
    '修缮加固',
    '',
    '',
    '3',
    '52.5',
    '',
    '',
    '9500',
    '',
    '',
    '屋面漏雨',
  ]),
  // line 6: the village is not in the township the row names
  record(6, [
    '3',
    '丫他镇',
    '者楼村',
    '黄桂芬',
    id(4),
    '1',
    '',
    '低保户',
    '一级',
    '拆除重建',
    '分散',
    '',
    '3',
    '40',
    '3',
    '40',
    '',
    '',
    '',
    '',
  ]),
  record(7, ['', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '']),
  // line 8: grade of the other scheme, members that disagree with the size, an unreadable loan
  record(8, [
    '4',
    '者楼镇',
    '者楼新村',
    '陆文忠',
    id(5),
    '4',
    '陆春梅（女）',
    '低保户',
    'D级',
    '新建',
    '',
    '',
    '3',
    '45',
    '',
    '',
    '',
    '两万',
    '',
    '',
  ]),
  // line 9: a site the program does not have, and a site for a dispersed household
  record(9, [
    '5',
    '者楼镇',
    '者楼村',
    '岑国庆',
    id(6),
    '1',
    '',
    '低保户',
    '一级',
    '拆除重建',
    '分散',
    '岩上点',
    '2',
    '30',
    '',
    '',
    '',
    '',
    '',
    '',
  ]),
  // line 10: a township the program does not have
  record(10, [
    '6',
    '不存在镇',
    '者楼村',
    '班金凤',
    id(7),
    '1',
    '',
    '低保户',
    '一级',
    '拆除重建',
    '',
    '',
    '2',
    '30',
    '',
    '',
    '',
    '',
    '',
    '',
  ]),
];

describe("importing a county's household ledger", () => {
  const table = tableRows(LEDGER);
  if (table === undefined) throw new Error('the ledger has a header');
  const result = parseHouseholdRows(table.rows, seedProgram, { lines: table.lines, headerLine: table.headerLine });
  const at = (line: number) =>
    result.errors
      .filter((e) => e.line === line)
      .map((e) => e.field)
      .sort();

  it('skips the title rows above the header and blank rows below it', () => {
    expect(table.headerLine).toBe(3);
    expect(table.lines).toEqual([4, 5, 6, 8, 9, 10]);
  });

  it('warns about a column it does not read, and says nothing about the row number', () => {
    expect(result.warnings).toEqual([
      {
        line: 3,
        field: '备注',
        message: expect.objectContaining({ zh: '“备注”列不是导入模板的列，该列内容未导入' }),
      },
    ]);
  });

  it('reads every column of a centralized household, members by name', () => {
    const [first] = result.valid;
    expect(first?.line).toBe(4);
    expect(first?.application).toEqual({
      programId: 'seed-2008',
      head: { name: '韦明光', idNumber: id(1) },
      members: [
        { name: '韦秀英', relation: '配偶' },
        { name: '韦德才', relation: '子', idNumber: id(2) },
      ],
      category: 'extremely-poor',
      villageCode: '522327100201',
      house: { structure: 'other', areaM2: 48, rooms: 2 },
      site: 'centralized',
      siteId: 'yanxia',
      plannedRooms: 4,
      plannedAreaM2: 66,
      proposedGrade: 'level-1',
      proposedMode: 'rebuild',
      ownFunds: 3_500_000,
      bankLoan: 1_500_000,
      bankAccount: '6217990000000000001',
      foundBy: 'application',
    });
  });

  it('reads a repair of a general household, with members to be named later when only the size is given', () => {
    const second = result.valid[1];
    expect(second?.line).toBe(5);
    expect(second?.application).toMatchObject({
      category: 'other',
      villageCode: '522327102202',
      house: { areaM2: 52.5, rooms: 3 },
      site: 'dispersed',
      proposedGrade: 'level-3',
      proposedMode: 'repair',
      ownFunds: 950_000,
    });
    expect(second?.application.members).toEqual([{ name: '待补录', relation: '待补录' }]);
    expect(result.valid).toHaveLength(2);
  });

  it('refuses a village outside the township the row names, on its line', () => {
    expect(at(6)).toEqual([IMPORT_COLUMNS.village]);
    expect(result.errors.find((e) => e.line === 6)?.message.zh).toBe('村“者楼村”不属于丫他镇（属于者楼镇）');
    expect(at(10)).toEqual([IMPORT_COLUMNS.township]);
  });

  it('reports a grade of the other scheme, members that disagree with the size and an unreadable amount', () => {
    expect(at(8)).toEqual([IMPORT_COLUMNS.bankLoan, IMPORT_COLUMNS.grade, IMPORT_COLUMNS.persons].sort());
    expect(result.errors.find((e) => e.line === 8 && e.field === IMPORT_COLUMNS.grade)?.message.zh).toContain(
      '不能评定为D级',
    );
  });

  it('reports a site the program does not have, and a site named for a dispersed household', () => {
    expect(at(9)).toEqual([IMPORT_COLUMNS.siteName]);
    const dispersedWithSite = tableRows([
      record(1, HEADER),
      record(2, [
        '1',
        '者楼镇',
        '者楼村',
        '岑国庆',
        id(6),
        '1',
        '',
        '低保户',
        '一级',
        '拆除重建',
        '分散',
        '岩下集中建房点',
        '2',
        '30',
        '',
        '',
        '',
        '',
        '',
        '',
      ]),
    ]);
    const answer = parseHouseholdRows(dispersedWithSite?.rows ?? [], seedProgram, { lines: dispersedWithSite?.lines });
    expect(answer.errors.map((e) => e.field)).toEqual([IMPORT_COLUMNS.siteName]);
  });

  it('asks a centralized household of a program with named sites for its site', () => {
    const noSite = tableRows([
      record(1, HEADER),
      record(2, [
        '1',
        '者楼镇',
        '者楼村',
        '岑国庆',
        id(6),
        '1',
        '',
        '低保户',
        '一级',
        '拆除重建',
        '集中',
        '',
        '2',
        '30',
        '',
        '',
        '',
        '',
        '',
        '',
      ]),
    ]);
    const answer = parseHouseholdRows(noSite?.rows ?? [], seedProgram, { lines: noSite?.lines });
    expect(answer.errors.map((e) => [e.line, e.field])).toEqual([[2, IMPORT_COLUMNS.siteName]]);
  });

  it('finds no header in a sheet without the ID number column', () => {
    expect(tableRows([record(1, ['姓名', '地址']), record(2, ['韦明光', '者楼村'])])).toBeUndefined();
  });
});

describe('the pieces of a ledger row', () => {
  it('reads amounts in yuan and in 万 to the fen', () => {
    expect(parseYuan('8000')).toBe(800_000);
    expect(parseYuan('8,000.50')).toBe(800_050);
    expect(parseYuan('0.8万')).toBe(800_000);
    expect(parseYuan('1.5万元')).toBe(1_500_000);
    expect(parseYuan('22.31万')).toBe(22_310_000);
    expect(parseYuan('8000元')).toBe(800_000);
    expect(parseYuan('8000.123')).toBeUndefined();
    expect(parseYuan('两万')).toBeUndefined();
    expect(parseYuan('-5')).toBeUndefined();
  });

  it("maps a ledger's spellings of a header to the template's column", () => {
    expect(columnOfHeader('户主')).toBe(IMPORT_COLUMNS.headName);
    expect(columnOfHeader(' 面积（m²） ')).toBe(IMPORT_COLUMNS.areaM2);
    expect(columnOfHeader('人口')).toBe(IMPORT_COLUMNS.persons);
    expect(columnOfHeader('备注')).toBeUndefined();
  });

  it('documents every template column, the required ones first among equals', () => {
    expect(IMPORT_TEMPLATE.map((c) => c.header).sort()).toEqual(Object.values(IMPORT_COLUMNS).sort());
    expect(IMPORT_TEMPLATE.filter((c) => c.required).map((c) => c.header)).toEqual([
      '村',
      '户主姓名',
      '身份证号',
      '家庭人口',
      '类别',
      '面积(平方米)',
    ]);
  });
});
