/**
 * Bulk import of applications from a county's household ledger (批量导入): one row per household
 * with Chinese column headers, the way county ledgers are kept (seed 004: 乡镇, 村, 户主, 身份证号,
 * 人口 and members, 类别, 等级, 改造方式, 集中/分散, 建房点, 间数, 面积, 自筹, 贷款, 银行账号).
 * Every row is checked with the rules the API applies to `POST /households` (schema, ID check digit
 * and birth date, covered category, village covered by the program, site of the village) plus what
 * only a file can get wrong (an ID number twice, a column missing, a village outside the township
 * the row names), and every problem of every row is reported in one pass, at the line a person
 * sees in the file. A column the import does not know is reported as a warning, never dropped
 * silently; title rows above the header are skipped (`tableRows`).
 */
import { type Bilingual, type FieldMessage, parseOrThrow, ValidationError } from '../errors';
import { type Category, type Grade, HouseholdApplication, IdNumber, type Mode, type ProgramConfig } from '../model';
import { isCoveredCategory } from '../rules/eligibility';
import { gradeOutsideScheme } from '../rules/grades';
import { newHousehold } from '../rules/household';
import { isValidIdNumber, normalizeIdNumber } from '../rules/idNumber';

const INVALID_ID: Bilingual = {
  zh: '身份证号码校验位或出生日期无效，请核对',
  en: 'ID number check digit or birth date is invalid',
};

/** The column headers of the import template, in template order. */
export const IMPORT_COLUMNS = {
  township: '乡镇',
  village: '村',
  headName: '户主姓名',
  idNumber: '身份证号',
  phone: '联系电话',
  persons: '家庭人口',
  members: '家庭成员',
  category: '类别',
  grade: '等级',
  mode: '改造方式',
  site: '集中/分散',
  siteName: '建房点',
  structure: '房屋结构',
  rooms: '间数',
  areaM2: '面积(平方米)',
  plannedRooms: '改造后间数',
  plannedAreaM2: '改造后面积(平方米)',
  ownFunds: '自筹(元)',
  bankLoan: '贷款(元)',
  bankAccount: '银行账号',
} as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[keyof typeof IMPORT_COLUMNS];

/** Columns a ledger often carries that hold nothing to import (a row number): skipped without a warning. */
const IGNORED_COLUMNS: readonly string[] = ['序号', '编号'];

/**
 * Other spellings of each column found in county ledgers, compared after `normalizeHeader`. The
 * template's own header is always accepted.
 */
const COLUMN_ALIASES: Readonly<Record<ImportColumn, readonly string[]>> = {
  乡镇: ['乡(镇)', '乡镇名称', '乡镇(街道)'],
  村: ['行政村', '村名', '村委会', '村(居)'],
  户主姓名: ['户主', '姓名'],
  身份证号: ['身份证号码', '户主身份证号', '户主身份证号码', '身份证'],
  联系电话: ['电话', '手机号', '联系方式'],
  家庭人口: ['人口', '家庭人口数', '人口数', '家庭人数'],
  家庭成员: ['成员', '家庭成员姓名'],
  类别: ['对象类别', '户类别', '农户类别'],
  等级: ['危房等级', '鉴定等级'],
  改造方式: ['改造类型'],
  '集中/分散': ['集中或分散', '建房方式', '集中分散'],
  建房点: ['集中建房点', '建房点名称'],
  房屋结构: ['结构', '现住房结构'],
  间数: ['现住房间数', '房屋间数'],
  '面积(平方米)': ['面积', '现住房面积', '房屋面积', '现住房面积(平方米)', '房屋面积(平方米)'],
  改造后间数: ['建房间数', '计划间数'],
  '改造后面积(平方米)': ['改造后面积', '建筑面积', '计划建筑面积', '建筑面积(平方米)', '计划建筑面积(平方米)'],
  '自筹(元)': ['自筹', '自筹资金', '自筹资金(元)'],
  '贷款(元)': ['贷款', '银行贷款', '贷款金额'],
  银行账号: ['一卡通账号', '银行卡号', '账号'],
};

/** Required unless noted: `家庭人口` or `家庭成员` must be there (either gives the household size). */
const REQUIRED_COLUMNS: readonly ImportColumn[] = [
  IMPORT_COLUMNS.headName,
  IMPORT_COLUMNS.idNumber,
  IMPORT_COLUMNS.category,
  IMPORT_COLUMNS.village,
  IMPORT_COLUMNS.areaM2,
];

/** What a person filling in the template reads about each column (the template's second sheet). */
export interface TemplateColumn {
  header: ImportColumn;
  required: boolean;
  description: string;
  example: string;
}

export const IMPORT_TEMPLATE: readonly TemplateColumn[] = [
  { header: '乡镇', required: false, description: '乡镇名称；填写时村须属于该乡镇', example: '者楼镇' },
  { header: '村', required: true, description: '村名（同名村请填12位村代码）', example: '者楼村' },
  { header: '户主姓名', required: true, description: '户主姓名', example: '韦明光' },
  {
    header: '身份证号',
    required: true,
    description: '户主18位居民身份证号（请设为文本格式）',
    example: '522327194001010013',
  },
  { header: '联系电话', required: false, description: '户主联系电话', example: '13800000000' },
  {
    header: '家庭人口',
    required: true,
    description: '含户主的家庭人口数；填写家庭成员时可不填',
    example: '3',
  },
  {
    header: '家庭成员',
    required: false,
    description: '户主以外的成员，格式“姓名（关系）”或“姓名（关系，身份证号）”，以顿号分隔',
    example: '韦秀英（配偶）、韦德才（子）',
  },
  {
    header: '类别',
    required: true,
    description: '低保户、特困人员（五保户）、建档立卡贫困户、贫困残疾人家庭、因灾因病因残；项目兼顾的可填一般农户',
    example: '低保户',
  },
  {
    header: '等级',
    required: false,
    description: '危房等级：A/B/C/D级，或一级/二级/三级危房（按项目等级标准）',
    example: 'D级',
  },
  { header: '改造方式', required: false, description: '拆除重建或修缮加固', example: '拆除重建' },
  { header: '集中/分散', required: false, description: '集中或分散，不填为分散；填写建房点即为集中', example: '分散' },
  { header: '建房点', required: false, description: '集中建房户的建房点名称（项目配置的建房点）', example: '' },
  {
    header: '房屋结构',
    required: false,
    description: '现住房结构：土木、砖木、砖混、石木、木、其他；不填为其他',
    example: '土木',
  },
  { header: '间数', required: false, description: '现住房间数', example: '3' },
  { header: '面积(平方米)', required: true, description: '现住房面积（平方米）', example: '45' },
  { header: '改造后间数', required: false, description: '改造后（新建或维修后）房屋间数', example: '4' },
  { header: '改造后面积(平方米)', required: false, description: '改造后建筑面积（平方米）', example: '60' },
  { header: '自筹(元)', required: false, description: '农户自筹资金（元，可写“0.8万”）', example: '8000' },
  { header: '贷款(元)', required: false, description: '银行贷款（元，可写“1.5万”）', example: '15000' },
  {
    header: '银行账号',
    required: false,
    description: '一卡通账号（补助直接拨付到此账户）',
    example: '6217990000000000001',
  },
];

/** Spellings found in county ledgers for each category (the template's own word first). */
const CATEGORY_WORDS: Readonly<Record<string, Category>> = {
  低保户: 'minimum-living-guarantee',
  低保: 'minimum-living-guarantee',
  特困人员: 'extremely-poor',
  分散供养特困人员: 'extremely-poor',
  五保户: 'extremely-poor',
  建档立卡贫困户: 'registered-poor',
  易返贫致贫户: 'registered-poor',
  贫困残疾人家庭: 'disabled-poor',
  因灾因病因残: 'disaster-hardship',
  因灾因病因残失能: 'disaster-hardship',
  一般农户: 'other',
  一般户: 'other',
  其他: 'other',
};

const STRUCTURE_WORDS: Readonly<Record<string, HouseholdApplication['house']['structure']>> = {
  土木: 'earth',
  土坯: 'earth',
  土木结构: 'earth',
  砖木: 'brick-wood',
  砖木结构: 'brick-wood',
  砖混: 'brick-concrete',
  砖混结构: 'brick-concrete',
  石木: 'stone',
  石: 'stone',
  石结构: 'stone',
  木: 'wood',
  木结构: 'wood',
  其他: 'other',
};

const SITE_WORDS: Readonly<Record<string, HouseholdApplication['site']>> = {
  集中: 'centralized',
  集中建房: 'centralized',
  分散: 'dispersed',
  分散建房: 'dispersed',
};

const GRADE_WORDS: Readonly<Record<string, Grade>> = {
  A: 'A',
  A级: 'A',
  B: 'B',
  B级: 'B',
  C: 'C',
  C级: 'C',
  D: 'D',
  D级: 'D',
  一级: 'level-1',
  一级危房: 'level-1',
  二级: 'level-2',
  二级危房: 'level-2',
  三级: 'level-3',
  三级危房: 'level-3',
};

const MODE_WORDS: Readonly<Record<string, Mode>> = {
  拆除重建: 'rebuild',
  重建: 'rebuild',
  新建: 'rebuild',
  原址重建: 'rebuild',
  异地重建: 'rebuild',
  修缮加固: 'repair',
  维修加固: 'repair',
  修缮: 'repair',
  维修: 'repair',
  加固: 'repair',
};

/** Members named on the application later when the ledger only gives the household size. */
const UNNAMED_MEMBER = { name: '待补录', relation: '待补录' } as const;
const MAX_PERSONS = 21;

export interface ImportedRow {
  /** Line in the file (the header is line 1 unless title rows stand above it). */
  line: number;
  application: HouseholdApplication;
}

export interface ImportError {
  line: number;
  /** The column header the problem is in ('' for the row as a whole). */
  field: string;
  message: Bilingual;
}

/** Something a person should know that refuses nothing (a column the import does not read). */
export type ImportWarning = ImportError;

export interface ImportResult {
  valid: ImportedRow[];
  errors: ImportError[];
  warnings: ImportWarning[];
}

export interface ParseOptions {
  /** The file line of each row (a quoted CSV field may span lines); default: row index + 2. */
  lines?: readonly number[];
  /** The file line of the header (default 1): where problems with columns are reported. */
  headerLine?: number;
}

// ---------------------------------------------------------------- headers

/** Headers as people type them: no spaces, ASCII parentheses, 平方米 for m² / ㎡. */
export function normalizeHeader(header: string): string {
  return header
    .replace(/[\s\u3000]+/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/㎡|m²|m2|M2/g, '平方米');
}

const COLUMN_BY_HEADER: ReadonlyMap<string, ImportColumn> = new Map(
  (Object.entries(COLUMN_ALIASES) as [ImportColumn, readonly string[]][]).flatMap(([column, aliases]) =>
    [column, ...aliases].map((alias) => [normalizeHeader(alias), column] as const),
  ),
);

/** The template column a file's header stands for; undefined for a column the import does not read. */
export function columnOfHeader(header: string): ImportColumn | undefined {
  return COLUMN_BY_HEADER.get(normalizeHeader(header));
}

function isIgnoredHeader(header: string): boolean {
  const normalized = normalizeHeader(header);
  return normalized === '' || IGNORED_COLUMNS.includes(normalized);
}

/** A row keyed by the template's column names (the file's own spellings mapped). */
function canonicalRow(row: Readonly<Record<string, string>>): Record<string, string> {
  const canonical: Record<string, string> = {};
  for (const [header, value] of Object.entries(row)) {
    const column = columnOfHeader(header);
    if (column !== undefined && (canonical[column] === undefined || canonical[column] === ''))
      canonical[column] = value;
  }
  return canonical;
}

/** One warning per column the import does not read, at the header line. */
function unknownColumnWarnings(rows: readonly Record<string, string>[], headerLine: number): ImportWarning[] {
  const headers = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return headers
    .filter((header) => columnOfHeader(header) === undefined && !isIgnoredHeader(header))
    .map((header) => ({
      line: headerLine,
      field: header,
      message: {
        zh: `“${header}”列不是导入模板的列，该列内容未导入`,
        en: `The column "${header}" is not a column of the import template; its contents were not imported`,
      },
    }));
}

export interface TableRecord {
  /** The file line (or sheet row number) of the record. */
  line: number;
  cells: readonly string[];
}

export interface TableRows {
  /** The line of the header; title rows above it are skipped. */
  headerLine: number;
  rows: Record<string, string>[];
  lines: number[];
}

/** Title rows a county puts above a ledger's header (县 2008 年农村危房改造对象花名册, units, dates) stay within these. */
const HEADER_SEARCH_ROWS = 10;

/**
 * Finds the header among the first records of a sheet (the first record naming the ID number
 * column and at least two more template columns; rows above it are titles) and keys the records
 * below it by that header; blank records are skipped. Undefined when no record looks like a header.
 */
export function tableRows(records: readonly TableRecord[]): TableRows | undefined {
  const headerIndex = records.slice(0, HEADER_SEARCH_ROWS).findIndex((record) => {
    const columns = new Set(record.cells.map(columnOfHeader).filter((c) => c !== undefined));
    return columns.has(IMPORT_COLUMNS.idNumber) && columns.size >= 3;
  });
  const header = records[headerIndex];
  if (headerIndex < 0 || header === undefined) return undefined;
  const names = header.cells.map((cell) => cell.trim());
  const rows: Record<string, string>[] = [];
  const lines: number[] = [];
  for (const record of records.slice(headerIndex + 1)) {
    if (record.cells.every((cell) => cell.trim() === '')) continue;
    const row: Record<string, string> = {};
    names.forEach((name, index) => {
      if (name !== '') row[name] = record.cells[index] ?? '';
    });
    rows.push(row);
    lines.push(record.line);
  }
  return { headerLine: header.line, rows, lines };
}

// ---------------------------------------------------------------- cells

/** Which column a path of `HouseholdApplication` comes from. */
function columnOfPath(path: string): string {
  if (path.startsWith('head.name')) return IMPORT_COLUMNS.headName;
  if (path.startsWith('head.idNumber')) return IMPORT_COLUMNS.idNumber;
  if (path.startsWith('head.phone')) return IMPORT_COLUMNS.phone;
  if (/^members\.\d+\./.test(path)) return IMPORT_COLUMNS.members;
  if (path.startsWith('members')) return IMPORT_COLUMNS.persons;
  if (path.startsWith('category')) return IMPORT_COLUMNS.category;
  if (path.startsWith('villageCode')) return IMPORT_COLUMNS.village;
  if (path.startsWith('house.structure')) return IMPORT_COLUMNS.structure;
  if (path.startsWith('house.areaM2')) return IMPORT_COLUMNS.areaM2;
  if (path.startsWith('house.rooms')) return IMPORT_COLUMNS.rooms;
  if (path.startsWith('plannedRooms')) return IMPORT_COLUMNS.plannedRooms;
  if (path.startsWith('plannedAreaM2')) return IMPORT_COLUMNS.plannedAreaM2;
  if (path.startsWith('ownFunds')) return IMPORT_COLUMNS.ownFunds;
  if (path.startsWith('bankLoan')) return IMPORT_COLUMNS.bankLoan;
  if (path.startsWith('bankAccount')) return IMPORT_COLUMNS.bankAccount;
  if (path.startsWith('siteId')) return IMPORT_COLUMNS.siteName;
  if (path.startsWith('site')) return IMPORT_COLUMNS.site;
  if (path.startsWith('proposedGrade')) return IMPORT_COLUMNS.grade;
  if (path.startsWith('proposedMode')) return IMPORT_COLUMNS.mode;
  return '';
}

function cell(row: Record<string, string>, column: ImportColumn): string {
  // Spreadsheets keep stray spaces and full-width spaces around typed values.
  return (row[column] ?? '').replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
}

/**
 * Yuan as a ledger writes it (`8000`, `8,000.50`, `0.8万`, `1.5万元`, `8000元`) -> integer fen, by
 * string arithmetic so no binary fraction creeps in. Undefined when it is not an amount.
 */
export function parseYuan(text: string): number | undefined {
  const match = /^(\d+(?:,\d{3})*|\d+)(?:\.(\d+))?(万)?元?$/.exec(text.replace(/[\s\u3000]/g, ''));
  if (!match?.[1]) return undefined;
  const whole = match[1].replaceAll(',', '');
  const fraction = match[2] ?? '';
  const decimals = match[3] === '万' ? 6 : 2;
  if (fraction.length > decimals) return undefined;
  const fen = Number(`${whole}${fraction.padEnd(decimals, '0')}`);
  return Number.isSafeInteger(fen) ? fen : undefined;
}

/** Splits a list at separators outside parentheses: 韦秀英（配偶，522…）、韦德才（子）. */
function splitOutsideParentheses(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(' || char === '（') depth += 1;
    if (char === ')' || char === '）') depth = Math.max(0, depth - 1);
    if (depth === 0 && /[、,，;；\n]/.test(char)) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

type ParsedMember = { name: string; relation: string; idNumber?: string };

/** `韦秀英（配偶）`, `韦秀英(配偶,522327…)` or `韦秀英 配偶`: one member; undefined when unreadable. */
function parseMember(text: string): ParsedMember | undefined {
  const inParentheses = /^([^()（）]+)[（(]([^()（）]+)[)）]$/.exec(text);
  if (inParentheses?.[1] && inParentheses[2]) {
    const [relation, idNumber, ...rest] = inParentheses[2].split(/[,，\s]+/).filter((p) => p !== '');
    if (relation === undefined || rest.length > 0) return undefined;
    return {
      name: inParentheses[1].trim(),
      relation,
      ...(idNumber === undefined ? {} : { idNumber: normalizeIdNumber(idNumber) }),
    };
  }
  const spaced = text.split(/[\s\u3000]+/);
  if (spaced.length === 2 && spaced[0] && spaced[1]) return { name: spaced[0], relation: spaced[1] };
  return undefined;
}

function townshipOf(program: ProgramConfig, text: string) {
  return program.townships.find((t) => t.name === text || t.code === text);
}

interface RowCheck {
  application: Record<string, unknown>;
  problems: ImportError[];
  /** Columns left unread because of another column's problem (the village of an unknown township). */
  unread: ImportColumn[];
}

/** Turns the cells of one row into an application, reporting each cell that cannot be read. */
function readRow(row: Record<string, string>, line: number, program: ProgramConfig): RowCheck {
  const problems: ImportError[] = [];
  const problem = (field: ImportColumn, message: Bilingual) => problems.push({ line, field, message });
  const required = (field: ImportColumn): string | undefined => {
    const value = cell(row, field);
    if (value !== '') return value;
    problem(field, { zh: `${field}不能为空`, en: `${field} is required` });
    return undefined;
  };
  const optional = (field: ImportColumn): string | undefined => {
    const value = cell(row, field);
    return value === '' ? undefined : value;
  };

  const name = required(IMPORT_COLUMNS.headName);
  const rawId = required(IMPORT_COLUMNS.idNumber);
  const idNumber = rawId === undefined ? undefined : normalizeIdNumber(rawId);
  const phone = optional(IMPORT_COLUMNS.phone);

  let members: ParsedMember[] | undefined;
  const membersText = optional(IMPORT_COLUMNS.members);
  if (membersText !== undefined) {
    const entries = splitOutsideParentheses(membersText);
    const parsed = entries.map(parseMember);
    const unreadable = entries.filter((_, i) => parsed[i] === undefined);
    if (unreadable.length > 0) {
      problem(IMPORT_COLUMNS.members, {
        zh: `家庭成员“${unreadable.join('、')}”无法识别，请按“姓名（关系）”填写，多人以顿号分隔`,
        en: `Household members "${unreadable.join(', ')}" cannot be read; write "name (relation)", separated by 、`,
      });
    } else {
      members = parsed.filter((m): m is ParsedMember => m !== undefined);
    }
  }
  const personsText = optional(IMPORT_COLUMNS.persons);
  if (personsText !== undefined) {
    const count = /^\d+$/.test(personsText) ? Number(personsText) : Number.NaN;
    if (!Number.isInteger(count) || count < 1 || count > MAX_PERSONS) {
      problem(IMPORT_COLUMNS.persons, {
        zh: `家庭人口须为 1 至 ${MAX_PERSONS} 的整数（填写的是“${personsText}”）`,
        en: `Household size must be a whole number from 1 to ${MAX_PERSONS} (got "${personsText}")`,
      });
    } else if (members !== undefined && members.length + 1 !== count) {
      problem(IMPORT_COLUMNS.persons, {
        zh: `家庭人口为${count}人，家庭成员列出${members.length}人（加户主应为${members.length + 1}人）`,
        en: `Household size is ${count}, but the members column lists ${members.length} besides the head (${members.length + 1} in all)`,
      });
    } else if (members === undefined) {
      // The ledger gives only the size: members are named on the application later.
      members = Array.from({ length: count - 1 }, () => ({ ...UNNAMED_MEMBER }));
    }
  } else if (membersText === undefined) {
    problem(IMPORT_COLUMNS.persons, {
      zh: '家庭人口不能为空（或填写家庭成员）',
      en: 'Household size is required (or list the household members)',
    });
  }

  let category: Category | undefined;
  const categoryText = required(IMPORT_COLUMNS.category);
  if (categoryText !== undefined) {
    category = CATEGORY_WORDS[categoryText];
    if (category === undefined || !isCoveredCategory(program, category)) {
      const also = program.alsoCovers.includes('other') ? '、一般农户' : '';
      problem(IMPORT_COLUMNS.category, {
        zh: `类别“${categoryText}”不在本项目改造对象范围内（低保户、特困人员、建档立卡贫困户、贫困残疾人家庭、因灾因病因残${also}）`,
        en: `Category "${categoryText}" is not covered by this program (低保户, 特困人员, 建档立卡贫困户, 贫困残疾人家庭, 因灾因病因残${also ? ', 一般农户' : ''})`,
      });
    }
  }

  let villageCode: string | undefined;
  const townshipText = optional(IMPORT_COLUMNS.township);
  const township = townshipText === undefined ? undefined : townshipOf(program, townshipText);
  if (townshipText !== undefined && township === undefined) {
    problem(IMPORT_COLUMNS.township, {
      zh: `乡镇“${townshipText}”不在${program.county.name}本项目中`,
      en: `Township "${townshipText}" is not in this program`,
    });
  }
  const village = required(IMPORT_COLUMNS.village);
  if (village !== undefined && (townshipText === undefined || township !== undefined)) {
    const isCode = /^\d{12}$/.test(village);
    const matches = program.townships.flatMap((t) =>
      t.villages
        .filter((v) => (isCode ? v.code === village : v.name === village))
        .map((v) => ({ township: t, village: v })),
    );
    const inTownship = township === undefined ? matches : matches.filter((m) => m.township.code === township.code);
    if (inTownship.length === 1) {
      villageCode = inTownship[0]?.village.code;
    } else if (inTownship.length > 1) {
      problem(IMPORT_COLUMNS.village, {
        zh: `村名“${village}”在本项目中不唯一，请填写乡镇或12位村代码`,
        en: `More than one village is named "${village}" in this program; give the township or the 12-digit village code`,
      });
    } else if (township !== undefined && matches.length > 0) {
      problem(IMPORT_COLUMNS.village, {
        zh: `村“${village}”不属于${township.name}（属于${[...new Set(matches.map((m) => m.township.name))].join('、')}）`,
        en: `Village "${village}" is not in ${township.name} (it is in ${[...new Set(matches.map((m) => m.township.name))].join(', ')})`,
      });
    } else {
      problem(IMPORT_COLUMNS.village, {
        zh: `村“${village}”不在${township?.name ?? program.county.name}本项目范围内`,
        en: `Village "${village}" is not covered by this program${township ? ` in ${township.name}` : ''}`,
      });
    }
  }

  let proposedGrade: Grade | undefined;
  const gradeText = optional(IMPORT_COLUMNS.grade);
  if (gradeText !== undefined) {
    proposedGrade = GRADE_WORDS[gradeText.toUpperCase()] ?? GRADE_WORDS[gradeText];
    const outside = proposedGrade === undefined ? undefined : gradeOutsideScheme(program, proposedGrade);
    if (proposedGrade === undefined || outside !== undefined) {
      problem(
        IMPORT_COLUMNS.grade,
        outside ?? {
          zh: `等级“${gradeText}”无法识别（A/B/C/D级，或一级/二级/三级危房）`,
          en: `Unknown grade "${gradeText}" (A/B/C/D, or 一级/二级/三级危房)`,
        },
      );
      proposedGrade = undefined;
    }
  }

  let proposedMode: Mode | undefined;
  const modeText = optional(IMPORT_COLUMNS.mode);
  if (modeText !== undefined) {
    proposedMode = MODE_WORDS[modeText];
    if (proposedMode === undefined) {
      problem(IMPORT_COLUMNS.mode, {
        zh: `改造方式“${modeText}”无法识别（拆除重建、修缮加固）`,
        en: `Unknown renovation mode "${modeText}" (拆除重建 rebuild, 修缮加固 repair)`,
      });
    }
  }

  let structure: string | undefined = 'other';
  const structureText = optional(IMPORT_COLUMNS.structure);
  if (structureText !== undefined) {
    structure = STRUCTURE_WORDS[structureText];
    if (structure === undefined) {
      problem(IMPORT_COLUMNS.structure, {
        zh: `房屋结构“${structureText}”无法识别（土木、砖木、砖混、石木、木、其他）`,
        en: `Unknown house structure "${structureText}" (土木, 砖木, 砖混, 石木, 木, 其他)`,
      });
    }
  }

  const number = (field: ImportColumn, what: Bilingual, pattern: RegExp): number | undefined => {
    const text = field === IMPORT_COLUMNS.areaM2 ? required(field) : optional(field);
    if (text === undefined) return undefined;
    if (pattern.test(text)) return Number(text);
    problem(field, {
      zh: `${what.zh}须为数字（填写的是“${text}”）`,
      en: `${what.en} must be a number (got "${text}")`,
    });
    return undefined;
  };
  const decimal = /^\d+(\.\d+)?$/;
  const whole = /^\d+$/;
  const areaM2 = number(IMPORT_COLUMNS.areaM2, { zh: '面积', en: 'The area' }, decimal);
  const rooms = number(IMPORT_COLUMNS.rooms, { zh: '间数', en: 'The number of rooms' }, whole);
  const plannedRooms = number(IMPORT_COLUMNS.plannedRooms, { zh: '改造后间数', en: 'The rooms after' }, whole);
  const plannedAreaM2 = number(IMPORT_COLUMNS.plannedAreaM2, { zh: '改造后面积', en: 'The area after' }, decimal);

  const money = (field: ImportColumn, what: Bilingual): number | undefined => {
    const text = optional(field);
    if (text === undefined) return undefined;
    const fen = parseYuan(text);
    if (fen === undefined) {
      problem(field, {
        zh: `${what.zh}须为金额（元，如 8000 或 0.8万；填写的是“${text}”）`,
        en: `${what.en} must be an amount in yuan, e.g. 8000 or 0.8万 (got "${text}")`,
      });
    }
    return fen;
  };
  const ownFunds = money(IMPORT_COLUMNS.ownFunds, { zh: '自筹资金', en: 'Own funds' });
  const bankLoan = money(IMPORT_COLUMNS.bankLoan, { zh: '贷款', en: 'The bank loan' });

  // Bank ledgers print account numbers in groups of four.
  const bankAccount = cell(row, IMPORT_COLUMNS.bankAccount).replace(/[\s-]/g, '');

  const siteName = optional(IMPORT_COLUMNS.siteName);
  let site: HouseholdApplication['site'] | undefined = siteName === undefined ? 'dispersed' : 'centralized';
  const siteText = optional(IMPORT_COLUMNS.site);
  if (siteText !== undefined) {
    site = SITE_WORDS[siteText];
    if (site === undefined) {
      problem(IMPORT_COLUMNS.site, {
        zh: `集中/分散须填“集中”或“分散”（填写的是“${siteText}”）`,
        en: `集中/分散 must be 集中 (centralized) or 分散 (dispersed) (got "${siteText}")`,
      });
    }
  }
  let siteId: string | undefined;
  if (siteName !== undefined) {
    const found = program.sites.find((s) => s.name === siteName || s.id === siteName);
    if (found === undefined) {
      problem(IMPORT_COLUMNS.siteName, {
        zh: `建房点“${siteName}”不是本项目配置的建房点${program.sites.length > 0 ? `（${program.sites.map((s) => s.name).join('、')}）` : ''}`,
        en: `"${siteName}" is not a site of this program${program.sites.length > 0 ? ` (${program.sites.map((s) => s.name).join(', ')})` : ''}`,
      });
    } else {
      siteId = found.id;
    }
  }

  return {
    unread: townshipText !== undefined && township === undefined ? [IMPORT_COLUMNS.village] : [],
    application: {
      programId: program.programId,
      head: { name, idNumber, ...(phone === undefined ? {} : { phone }) },
      members,
      category,
      villageCode,
      house: { structure, areaM2, ...(rooms === undefined ? {} : { rooms }) },
      site,
      ...(siteId === undefined ? {} : { siteId }),
      ...(plannedRooms === undefined ? {} : { plannedRooms }),
      ...(plannedAreaM2 === undefined ? {} : { plannedAreaM2 }),
      ...(proposedGrade === undefined ? {} : { proposedGrade }),
      ...(proposedMode === undefined ? {} : { proposedMode }),
      ...(ownFunds === undefined ? {} : { ownFunds }),
      ...(bankLoan === undefined ? {} : { bankLoan }),
      ...(bankAccount === '' ? {} : { bankAccount }),
      foundBy: 'application',
    },
    problems,
  };
}

function missingColumns(rows: readonly Record<string, string>[]): string[] {
  const present = new Set(rows.flatMap((row) => Object.keys(row)));
  const missing: string[] = REQUIRED_COLUMNS.filter((column) => !present.has(column));
  if (!present.has(IMPORT_COLUMNS.persons) && !present.has(IMPORT_COLUMNS.members))
    missing.push(IMPORT_COLUMNS.persons);
  return missing;
}

/**
 * Checks every row of an import file against `program` and returns the applications ready to
 * register, every problem found (each at its line and column) and every column not imported. A
 * row with any problem is not valid. An ID number seen on an earlier row makes the later row
 * invalid. A file missing a required column yields one error per missing column at the header
 * line and no valid rows. Rows may use any of the ledger spellings of a column (`COLUMN_ALIASES`).
 */
export function parseHouseholdRows(
  fileRows: readonly Record<string, string>[],
  program: ProgramConfig,
  options: ParseOptions = {},
): ImportResult {
  const headerLine = options.headerLine ?? 1;
  const lineOf = (index: number) => options.lines?.[index] ?? headerLine + index + 1;
  const warnings = unknownColumnWarnings(fileRows, headerLine);
  const rows = fileRows.map(canonicalRow);
  const missing = rows.length === 0 ? [] : missingColumns(rows);
  if (missing.length > 0) {
    return {
      valid: [],
      errors: missing.map((column) => ({
        line: headerLine,
        field: column,
        message: { zh: `缺少“${column}”列`, en: `The column "${column}" is missing` },
      })),
      warnings,
    };
  }
  const valid: ImportedRow[] = [];
  const errors: ImportError[] = [];
  const firstLineOfId = new Map<string, number>();
  const checkedAt = new Date().toISOString();

  rows.forEach((row, index) => {
    const line = lineOf(index);
    const { application, problems, unread } = readRow(row, line, program);
    const reported = new Set<string>([...problems.map((p) => p.field), ...unread]);
    let parsed: HouseholdApplication | undefined;
    const schemaCheck = HouseholdApplication.safeParse(application);
    try {
      const checked = parseOrThrow(HouseholdApplication, application);
      parsed = newHousehold(checked, program, { householdId: 'import-check', now: checkedAt });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const fields = [...error.fields];
      // newHousehold checks the ID's check digit only once the schema passed; report it anyway.
      const idNumber = normalizeIdNumber(cell(row, IMPORT_COLUMNS.idNumber));
      if (!schemaCheck.success && IdNumber.safeParse(idNumber).success && !isValidIdNumber(idNumber)) {
        fields.push({ path: 'head.idNumber', message: INVALID_ID });
      }
      for (const field of dedupe(fields)) {
        const column = columnOfPath(field.path);
        // A cell that could not be read is already reported; the schema's view of it adds nothing.
        if (!reported.has(column)) problems.push({ line, field: column, message: field.message });
      }
    }
    const idNumber = parsed?.head.idNumber;
    if (idNumber !== undefined) {
      const first = firstLineOfId.get(idNumber);
      if (first === undefined) {
        firstLineOfId.set(idNumber, line);
      } else {
        problems.push({
          line,
          field: IMPORT_COLUMNS.idNumber,
          message: {
            zh: `身份证号与第 ${first} 行重复，同一户主只能申请一次`,
            en: `The ID number repeats line ${first}; a household head may apply only once`,
          },
        });
      }
    }
    if (problems.length > 0 || parsed === undefined) {
      errors.push(...problems);
      return;
    }
    valid.push({ line, application: applicationOf(parsed) });
  });
  return { valid, errors, warnings };
}

/** The application fields of a checked household (newHousehold adds the file's own fields). */
function applicationOf(household: HouseholdApplication): HouseholdApplication {
  const application: Record<string, unknown> = {};
  for (const key of Object.keys(HouseholdApplication.shape)) {
    const value = (household as Record<string, unknown>)[key];
    if (value !== undefined) application[key] = value;
  }
  return application as HouseholdApplication;
}

/** One message per column: the schema may report a path and its parent for one bad cell. */
function dedupe(fields: readonly FieldMessage[]): FieldMessage[] {
  const seen = new Set<string>();
  return fields.filter((field) => {
    const column = columnOfPath(field.path);
    if (seen.has(column)) return false;
    seen.add(column);
    return true;
  });
}
