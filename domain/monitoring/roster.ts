/**
 * The month's roster of monitored households (监测对象名单) as civil affairs hand it over: one row
 * per household with Chinese column headers. Every problem of every row is reported in one pass at
 * the line a person sees in Excel (as the household import does), and each good row is compared
 * with what the ledger knows: new to the roster, changed, unchanged; who left is what the previous
 * roster had and this one has not.
 */
import type { Bilingual } from '../errors';
import type { AreaList } from '../labels';
import type { Category } from '../model';
import { isValidIdNumber, normalizeIdNumber } from '../rules/idNumber';
import {
  type MonitoredCategory,
  type MonitoringSettings,
  ROSTER_FIELDS,
  type RosterChange,
  type RosterField,
  type RosterRowError,
} from './model';

/** The column headers of the roster template, in template order. */
export const ROSTER_COLUMNS = {
  headName: '户主姓名',
  idNumber: '身份证号',
  persons: '家庭人口',
  category: '类别',
  township: '乡镇',
  village: '村',
  phone: '联系电话',
} as const;
type RosterColumn = (typeof ROSTER_COLUMNS)[keyof typeof ROSTER_COLUMNS];

const REQUIRED: readonly RosterColumn[] = [
  ROSTER_COLUMNS.headName,
  ROSTER_COLUMNS.idNumber,
  ROSTER_COLUMNS.persons,
  ROSTER_COLUMNS.category,
  ROSTER_COLUMNS.village,
];

/** Spellings found on county rosters for each usual category. */
const CATEGORY_WORDS: Readonly<Record<string, MonitoredCategory>> = {
  低保: 'minimum-living-guarantee',
  低保户: 'minimum-living-guarantee',
  低保对象: 'minimum-living-guarantee',
  特困: 'extremely-poor',
  特困人员: 'extremely-poor',
  特困供养人员: 'extremely-poor',
  分散供养特困人员: 'extremely-poor',
  五保户: 'extremely-poor',
  防止返贫监测对象: 'relapse-monitoring',
  防返贫监测对象: 'relapse-monitoring',
  监测对象: 'relapse-monitoring',
  脱贫不稳定户: 'relapse-monitoring',
  边缘易致贫户: 'relapse-monitoring',
  突发严重困难户: 'relapse-monitoring',
  低保边缘: 'low-income-edge',
  低保边缘家庭: 'low-income-edge',
};

/** The category of renovation a monitored category applies under, unless staff choose another. */
export const RENOVATION_CATEGORY_OF: Readonly<Record<Exclude<MonitoredCategory, 'county-named'>, Category>> = {
  'minimum-living-guarantee': 'minimum-living-guarantee',
  'extremely-poor': 'extremely-poor',
  'relapse-monitoring': 'registered-poor',
  'low-income-edge': 'other',
};

/** The renovation category of a ledger household's category, by the county's settings for its own categories. */
export function renovationCategoryOf(
  category: MonitoredCategory,
  categoryName: string,
  settings: Pick<MonitoringSettings, 'countyCategories'>,
): Category {
  if (category !== 'county-named') return RENOVATION_CATEGORY_OF[category];
  return settings.countyCategories.find((c) => c.name === categoryName)?.renovationCategory ?? 'other';
}

/** A category cell in the county's words: a usual category, one the county named, or nothing known. */
export function categoryOfWord(
  word: string,
  settings: Pick<MonitoringSettings, 'countyCategories'>,
): { category: MonitoredCategory; categoryName: string } | undefined {
  const usual = CATEGORY_WORDS[word];
  if (usual) return { category: usual, categoryName: word };
  if (settings.countyCategories.some((c) => c.name === word)) return { category: 'county-named', categoryName: word };
  return undefined;
}

/** The words accepted in the category column, for a message that lists them. */
export function categoryWords(settings: Pick<MonitoringSettings, 'countyCategories'>): string[] {
  return ['低保户', '特困人员', '防止返贫监测对象', '低保边缘家庭', ...settings.countyCategories.map((c) => c.name)];
}

export interface RosterRow {
  line: number;
  headName: string;
  idNumber: string;
  persons: number;
  category: MonitoredCategory;
  categoryName: string;
  township: string;
  villageCode: string;
  phone?: string;
}

export interface RosterParse {
  rows: RosterRow[];
  errors: RosterRowError[];
}

const MAX_PERSONS = 30;

function cell(row: Readonly<Record<string, string>>, column: RosterColumn): string {
  // Spreadsheets keep stray spaces and full-width spaces around typed values.
  return (row[column] ?? '').replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
}

/** The village of a cell: a 12-digit code, or a name (made unique by the township cell when needed). */
function findVillage(
  areas: AreaList,
  village: string,
  townshipWord: string,
): { ok: true; villageCode: string; township: string } | { ok: false; message: Bilingual } {
  const places = areas.townships.flatMap((t) =>
    t.villages.map((v) => ({ township: t.code, townshipName: t.name, code: v.code, name: v.name })),
  );
  const matches = places.filter(
    (p) =>
      (/^\d{12}$/.test(village) ? p.code === village : p.name === village) &&
      (townshipWord === '' || p.townshipName === townshipWord || p.township === townshipWord),
  );
  const [only, ...others] = matches;
  if (only && others.length === 0) return { ok: true, villageCode: only.code, township: only.township };
  if (only) {
    return {
      ok: false,
      message: {
        zh: `村名“${village}”在本县不唯一，请填写乡镇或12位村代码`,
        en: `More than one village is named "${village}" in the county; give its township or its 12-digit code`,
      },
    };
  }
  return {
    ok: false,
    message: {
      zh: `村“${village}”${townshipWord ? `（${townshipWord}）` : ''}不在本县的村列表中`,
      en: `Village "${village}"${townshipWord ? ` (${townshipWord})` : ''} is not one of the county's villages`,
    },
  };
}

/**
 * Reads the rows of a roster (keyed by the header of line 1) into households of the county,
 * reporting every unreadable cell and every ID number given twice, at its line. `areas` lists the
 * county's townships and villages (its programs'); `lines` gives each row's line in the file.
 */
export function parseRosterRows(
  rows: readonly Readonly<Record<string, string>>[],
  options: {
    areas: AreaList;
    settings: Pick<MonitoringSettings, 'countyCategories'>;
    lines?: readonly number[];
    today?: Date;
  },
): RosterParse {
  const result: RosterParse = { rows: [], errors: [] };
  const seen = new Map<string, number>();
  const present = new Set(rows.flatMap((row) => Object.keys(row)));
  if (rows.length > 0) {
    const missing = REQUIRED.filter((column) => !present.has(column));
    if (missing.length > 0) {
      result.errors.push({
        line: 1,
        field: '',
        message: {
          zh: `名单缺少列：${missing.join('、')}（第1行须为列名：${Object.values(ROSTER_COLUMNS).join('、')}）`,
          en: `The roster lacks the columns ${missing.join(', ')} (line 1 holds the headers: ${Object.values(ROSTER_COLUMNS).join(', ')})`,
        },
      });
      return result;
    }
  }
  rows.forEach((row, index) => {
    const line = options.lines?.[index] ?? index + 2;
    const problems: RosterRowError[] = [];
    const problem = (field: RosterColumn, message: Bilingual) => problems.push({ line, field, message });
    const required = (field: RosterColumn): string | undefined => {
      const value = cell(row, field);
      if (value !== '') return value;
      problem(field, { zh: `${field}不能为空`, en: `${field} is required` });
      return undefined;
    };

    const headName = required(ROSTER_COLUMNS.headName);
    if (headName !== undefined && headName.length > 40) {
      problem(ROSTER_COLUMNS.headName, { zh: '户主姓名过长', en: "The head's name is too long" });
    }
    const rawId = required(ROSTER_COLUMNS.idNumber);
    const idNumber = rawId === undefined ? undefined : normalizeIdNumber(rawId);
    if (idNumber !== undefined) {
      if (!isValidIdNumber(idNumber, options.today)) {
        problem(ROSTER_COLUMNS.idNumber, {
          zh: '身份证号码格式、出生日期或校验位无效，请核对（Excel 中请将该列设为文本）',
          en: 'The ID number is malformed or its birth date or check digit is invalid (keep the column as text in Excel)',
        });
      } else if (seen.has(idNumber)) {
        problem(ROSTER_COLUMNS.idNumber, {
          zh: `该身份证号已在第 ${seen.get(idNumber)} 行出现`,
          en: `This ID number is already on line ${seen.get(idNumber)}`,
        });
      } else {
        seen.set(idNumber, line);
      }
    }

    let persons: number | undefined;
    const personsText = required(ROSTER_COLUMNS.persons);
    if (personsText !== undefined) {
      const count = /^\d+$/.test(personsText) ? Number(personsText) : Number.NaN;
      if (Number.isInteger(count) && count >= 1 && count <= MAX_PERSONS) persons = count;
      else {
        problem(ROSTER_COLUMNS.persons, {
          zh: `家庭人口须为 1 至 ${MAX_PERSONS} 的整数（填写的是“${personsText}”）`,
          en: `Household size must be a whole number from 1 to ${MAX_PERSONS} (got "${personsText}")`,
        });
      }
    }

    const categoryText = required(ROSTER_COLUMNS.category);
    const category = categoryText === undefined ? undefined : categoryOfWord(categoryText, options.settings);
    if (categoryText !== undefined && category === undefined) {
      const words = categoryWords(options.settings);
      problem(ROSTER_COLUMNS.category, {
        zh: `类别“${categoryText}”不是本县的监测类别（${words.join('、')}）；其他类别请先在监测设置中添加`,
        en: `Category "${categoryText}" is not one of the county's monitored categories (${words.join(', ')}); add others in the monitoring settings first`,
      });
    }

    const village = required(ROSTER_COLUMNS.village);
    const place = village === undefined ? undefined : findVillage(options.areas, village, cell(row, '乡镇'));
    if (place && !place.ok) problem(ROSTER_COLUMNS.village, place.message);

    const phone = cell(row, ROSTER_COLUMNS.phone);
    if (phone !== '' && !/^[\d\s+-]{5,20}$/.test(phone)) {
      problem(ROSTER_COLUMNS.phone, {
        zh: `联系电话“${phone}”无法识别`,
        en: `The phone "${phone}" cannot be read`,
      });
    }

    if (problems.length > 0) {
      result.errors.push(...problems);
      return;
    }
    if (!headName || !idNumber || persons === undefined || !category || !place?.ok) return;
    result.rows.push({
      line,
      headName,
      idNumber,
      persons,
      ...category,
      township: place.township,
      villageCode: place.villageCode,
      ...(phone === '' ? {} : { phone: phone.replace(/\s/g, '') }),
    });
  });
  return result;
}

/** What the ledger holds of a household, to compare a roster row with. */
export interface KnownHousehold {
  headName: string;
  persons: number;
  categoryName: string;
  villageCode: string;
  phone?: string | undefined;
}

/**
 * New to the roster (unknown, or not on the previous roster), changed (on the previous roster, with
 * other data now), or unchanged; with the fields that changed.
 */
export function classifyRow(
  row: RosterRow,
  known: KnownHousehold | undefined,
  onPreviousRoster: boolean,
): { change: RosterChange; changedFields: RosterField[] } {
  const changedFields = known
    ? ROSTER_FIELDS.filter((field) => {
        const now = field === 'headName' ? row.headName : row[field];
        return (now ?? '') !== (known[field] ?? '');
      })
    : [];
  if (!known || !onPreviousRoster) return { change: 'new', changedFields };
  return { change: changedFields.length > 0 ? 'changed' : 'unchanged', changedFields };
}

/** The day checks of `month` fall due: the county's check day, or the day the import names. */
export function checksDueOn(month: string, settings: Pick<MonitoringSettings, 'checkDueDay'>, given?: string): string {
  return given ?? `${month}-${String(settings.checkDueDay).padStart(2, '0')}`;
}
