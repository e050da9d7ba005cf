/**
 * Bulk import of applications from a county's spreadsheet (批量导入): one row per household with
 * Chinese column headers. Every row is checked with the rules the API applies to
 * `POST /households` (schema, ID check digit and birth date, priority category, village covered by
 * the program) plus what only a file can get wrong (an ID number twice, a column missing), and
 * every problem of every row is reported in one pass, at the line a person sees in the file.
 */
import { type Bilingual, type FieldMessage, parseOrThrow, ValidationError } from '../errors';
import { type Category, HouseholdApplication, IdNumber, type ProgramConfig } from '../model';
import { isPriorityCategory } from '../rules/eligibility';
import { newHousehold } from '../rules/household';
import { isValidIdNumber, normalizeIdNumber } from '../rules/idNumber';

const INVALID_ID: Bilingual = {
  zh: '身份证号码校验位或出生日期无效，请核对',
  en: 'ID number check digit or birth date is invalid',
};

/** The column headers of the import template, in template order. */
export const IMPORT_COLUMNS = {
  headName: '户主姓名',
  idNumber: '身份证号',
  persons: '家庭人口',
  category: '类别',
  village: '村',
  structure: '房屋结构',
  areaM2: '面积(平方米)',
  bankAccount: '银行账号',
  site: '集中/分散',
} as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[keyof typeof IMPORT_COLUMNS];

const REQUIRED_COLUMNS: readonly ImportColumn[] = [
  IMPORT_COLUMNS.headName,
  IMPORT_COLUMNS.idNumber,
  IMPORT_COLUMNS.persons,
  IMPORT_COLUMNS.category,
  IMPORT_COLUMNS.village,
  IMPORT_COLUMNS.structure,
  IMPORT_COLUMNS.areaM2,
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

/** Members named on the application later: the sheet only gives the household size. */
const UNNAMED_MEMBER = { name: '待补录', relation: '待补录' } as const;
const MAX_PERSONS = 21;

export interface ImportedRow {
  /** Line in the file (the header is line 1). */
  line: number;
  application: HouseholdApplication;
}

export interface ImportError {
  line: number;
  /** The column header the problem is in ('' for the row as a whole). */
  field: string;
  message: Bilingual;
}

export interface ImportResult {
  valid: ImportedRow[];
  errors: ImportError[];
}

export interface ParseOptions {
  /** The file line of each row (a quoted CSV field may span lines); default: row index + 2. */
  lines?: readonly number[];
}

/** Which column a path of `HouseholdApplication` comes from. */
function columnOfPath(path: string): string {
  if (path.startsWith('head.name')) return IMPORT_COLUMNS.headName;
  if (path.startsWith('head.idNumber')) return IMPORT_COLUMNS.idNumber;
  if (path.startsWith('members')) return IMPORT_COLUMNS.persons;
  if (path.startsWith('category')) return IMPORT_COLUMNS.category;
  if (path.startsWith('villageCode')) return IMPORT_COLUMNS.village;
  if (path.startsWith('house.structure')) return IMPORT_COLUMNS.structure;
  if (path.startsWith('house.areaM2')) return IMPORT_COLUMNS.areaM2;
  if (path.startsWith('bankAccount')) return IMPORT_COLUMNS.bankAccount;
  if (path.startsWith('site')) return IMPORT_COLUMNS.site;
  return '';
}

function cell(row: Record<string, string>, column: ImportColumn): string {
  // Spreadsheets keep stray spaces and full-width spaces around typed values.
  return (row[column] ?? '').replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
}

function villageByName(program: ProgramConfig, name: string): string[] {
  return program.townships.flatMap((t) => t.villages.filter((v) => v.name === name).map((v) => v.code));
}

interface RowCheck {
  application: Record<string, unknown>;
  problems: ImportError[];
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

  const name = required(IMPORT_COLUMNS.headName);
  const rawId = required(IMPORT_COLUMNS.idNumber);
  const idNumber = rawId === undefined ? undefined : normalizeIdNumber(rawId);

  let members: (typeof UNNAMED_MEMBER)[] | undefined;
  const persons = required(IMPORT_COLUMNS.persons);
  if (persons !== undefined) {
    const count = /^\d+$/.test(persons) ? Number(persons) : Number.NaN;
    if (Number.isInteger(count) && count >= 1 && count <= MAX_PERSONS) {
      members = Array.from({ length: count - 1 }, () => ({ ...UNNAMED_MEMBER }));
    } else {
      problem(IMPORT_COLUMNS.persons, {
        zh: `家庭人口须为 1 至 ${MAX_PERSONS} 的整数（填写的是“${persons}”）`,
        en: `Household size must be a whole number from 1 to ${MAX_PERSONS} (got "${persons}")`,
      });
    }
  }

  let category: Category | undefined;
  const categoryText = required(IMPORT_COLUMNS.category);
  if (categoryText !== undefined) {
    category = CATEGORY_WORDS[categoryText];
    if (category === undefined || !isPriorityCategory(category)) {
      problem(IMPORT_COLUMNS.category, {
        zh: `类别“${categoryText}”不是重点对象（低保户、特困人员、建档立卡贫困户、贫困残疾人家庭、因灾因病因残）`,
        en: `Category "${categoryText}" is not a priority category (低保户, 特困人员, 建档立卡贫困户, 贫困残疾人家庭, 因灾因病因残)`,
      });
    }
  }

  let villageCode: string | undefined;
  const village = required(IMPORT_COLUMNS.village);
  if (village !== undefined) {
    const codes = /^\d{12}$/.test(village)
      ? program.townships.flatMap((t) => t.villages.filter((v) => v.code === village).map((v) => v.code))
      : villageByName(program, village);
    if (codes.length === 1) {
      villageCode = codes[0];
    } else if (codes.length > 1) {
      problem(IMPORT_COLUMNS.village, {
        zh: `村名“${village}”在本项目中不唯一，请填写12位村代码`,
        en: `More than one village is named "${village}" in this program; give the 12-digit village code`,
      });
    } else {
      problem(IMPORT_COLUMNS.village, {
        zh: `村“${village}”不在${program.county.name}本项目范围内`,
        en: `Village "${village}" is not covered by this program`,
      });
    }
  }

  let structure: string | undefined;
  const structureText = required(IMPORT_COLUMNS.structure);
  if (structureText !== undefined) {
    structure = STRUCTURE_WORDS[structureText];
    if (structure === undefined) {
      problem(IMPORT_COLUMNS.structure, {
        zh: `房屋结构“${structureText}”无法识别（土木、砖木、砖混、石木、木、其他）`,
        en: `Unknown house structure "${structureText}" (土木, 砖木, 砖混, 石木, 木, 其他)`,
      });
    }
  }

  let areaM2: number | undefined;
  const areaText = required(IMPORT_COLUMNS.areaM2);
  if (areaText !== undefined) {
    areaM2 = /^\d+(\.\d+)?$/.test(areaText) ? Number(areaText) : undefined;
    if (areaM2 === undefined) {
      problem(IMPORT_COLUMNS.areaM2, {
        zh: `面积须为数字（填写的是“${areaText}”）`,
        en: `The area must be a number (got "${areaText}")`,
      });
    }
  }

  // Bank ledgers print account numbers in groups of four.
  const bankAccount = cell(row, IMPORT_COLUMNS.bankAccount).replace(/[\s-]/g, '');

  let site: HouseholdApplication['site'] | undefined = 'dispersed';
  const siteText = cell(row, IMPORT_COLUMNS.site);
  if (siteText !== '') {
    site = SITE_WORDS[siteText];
    if (site === undefined) {
      problem(IMPORT_COLUMNS.site, {
        zh: `集中/分散须填“集中”或“分散”（填写的是“${siteText}”）`,
        en: `集中/分散 must be 集中 (centralized) or 分散 (dispersed) (got "${siteText}")`,
      });
    }
  }

  return {
    application: {
      programId: program.programId,
      head: { name, idNumber },
      members,
      category,
      villageCode,
      house: { structure, areaM2 },
      site,
      ...(bankAccount === '' ? {} : { bankAccount }),
      foundBy: 'application',
    },
    problems,
  };
}

function missingColumns(rows: readonly Record<string, string>[]): ImportColumn[] {
  const present = new Set(rows.flatMap((row) => Object.keys(row)));
  return REQUIRED_COLUMNS.filter((column) => !present.has(column));
}

/**
 * Checks every row of an import file against `program` and returns the applications ready to
 * register and every problem found, each at its line and column. A row with any problem is not
 * valid. An ID number seen on an earlier row makes the later row invalid. A file missing a
 * required column yields one error per missing column at line 1 and no valid rows.
 */
export function parseHouseholdRows(
  rows: readonly Record<string, string>[],
  program: ProgramConfig,
  options: ParseOptions = {},
): ImportResult {
  const lineOf = (index: number) => options.lines?.[index] ?? index + 2;
  const missing = rows.length === 0 ? [] : missingColumns(rows);
  if (missing.length > 0) {
    return {
      valid: [],
      errors: missing.map((column) => ({
        line: 1,
        field: column,
        message: { zh: `缺少“${column}”列`, en: `The column "${column}" is missing` },
      })),
    };
  }
  const valid: ImportedRow[] = [];
  const errors: ImportError[] = [];
  const firstLineOfId = new Map<string, number>();
  const checkedAt = new Date().toISOString();

  rows.forEach((row, index) => {
    const line = lineOf(index);
    const { application, problems } = readRow(row, line, program);
    const reported = new Set(problems.map((p) => p.field));
    let parsed: HouseholdApplication | undefined;
    const schemaCheck = HouseholdApplication.safeParse(application);
    try {
      const checked = parseOrThrow(HouseholdApplication, application);
      parsed = newHousehold(checked, program, { householdId: 'import-check', now: checkedAt });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const fields = [...error.fields];
      // newHousehold checks the ID's check digit only once the schema passed; report it anyway.
      const rawId = cell(row, IMPORT_COLUMNS.idNumber);
      const idNumber = normalizeIdNumber(rawId);
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
  return { valid, errors };
}

/** The application fields of a checked household (newHousehold adds the file's own fields). */
function applicationOf(household: HouseholdApplication): HouseholdApplication {
  const { programId, head, members, category, villageCode, house, site, bankAccount, foundBy } = household;
  return {
    programId,
    head,
    members,
    category,
    villageCode,
    house,
    site,
    ...(bankAccount === undefined ? {} : { bankAccount }),
    foundBy,
  };
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
