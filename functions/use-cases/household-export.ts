/**
 * The household list of a county or township as an export (`GET /reports/households`), with the
 * personal data masked as on a public notice (ID numbers, bank accounts; phone numbers left out):
 * 1. check the caller reads the county's reports, or is township staff asking for its township;
 * 2. read the households through GSI1 (county) or GSI3 (township), newest first, never a scan;
 * 3. answer a page of masked rows as JSON (with a cursor), or every row as an Excel workbook.
 */
import ExcelJS from 'exceljs';
import { HouseholdExportQuery } from '../../contract/requests';
import type { HouseholdExportPage, HouseholdExportRow } from '../../contract/views';
import { ForbiddenError, parseOrThrow, ValidationError } from '../../domain/errors';
import { fenToYuan } from '../../domain/funding/money';
import { CATEGORY_TITLES_ZH, FLAG_TITLES, PHASE_TITLES_ZH } from '../../domain/labels';
import type { Actor, Household } from '../../domain/model';
import { canRead, canReadCountyReports } from '../../domain/rules/access';
import { overrideOf } from '../../domain/rules/flags';
import { maskBankAccount, maskIdNumber } from '../../domain/rules/idNumber';
import { progressStatus, renovatedAreaM2 } from '../../domain/rules/progress';
import type { Store } from '../store';
import type { Dependencies } from './dependencies';
import type { Workbook } from './progress-report';
import { OUTSIDE_COUNTY, townshipInCounty } from './read-households';

/** A workbook is built in memory: beyond this many rows ask for one township at a time. */
export const MAX_EXPORT_ROWS = 20_000;

const STATUS_LABELS = {
  'in-review': '审核审批中',
  'in-notice': '公示及异议',
  'not-started': '未开工',
  'under-construction': '在建',
  'main-structure-finished': '主体完工',
  completed: '竣工入住',
  archived: '已归档',
  rejected: '未通过',
} as const;

function rowOf(h: Household, villages: ReadonlyMap<string, string>, plan: { installments: { milestone: string }[] }) {
  const row: HouseholdExportRow = {
    householdId: h.householdId,
    township: h.township,
    villageCode: h.villageCode,
    village: villages.get(h.villageCode) ?? h.villageCode,
    headName: h.head.name,
    idNumber: maskIdNumber(h.head.idNumber),
    persons: h.members.length + 1,
    category: h.category,
    phase: h.phase,
    status: progressStatus(h.phase, h.nextInstallment, plan).status,
    site: h.site,
    houseAreaM2: h.house.areaM2,
    installmentsReleased: h.nextInstallment,
    createdAt: h.createdAt,
    openFlags: [
      ...new Set((h.flags ?? []).filter((flag) => !overrideOf(flag, h.overrides ?? [])).map((flag) => flag.kind)),
    ],
    overrides: (h.overrides ?? []).map((override) => ({ flag: override.flag, by: override.by })),
  };
  if (h.mode) {
    row.mode = h.mode;
    row.renovatedAreaM2 = renovatedAreaM2(h);
  }
  if (h.approvedSubsidy !== undefined) row.approvedSubsidyYuan = fenToYuan(h.approvedSubsidy);
  if (h.bankAccount) row.bankAccount = maskBankAccount(h.bankAccount);
  return row;
}

function assertMayExport(actor: Actor, county: string, township: string | undefined): void {
  if (canReadCountyReports(actor, county).ok) return;
  // Township staff export their own township, as they read it through GET /households.
  if (township === undefined) throw new ForbiddenError(OUTSIDE_COUNTY);
  const access = canRead(actor, { county, township });
  if (!access.ok) throw access.error;
}

async function context(store: Store, households: readonly Household[]) {
  const programIds = [...new Set(households.map((h) => h.programId))];
  const programs = await Promise.all(programIds.map((id) => store.programs.get(id)));
  const villages = new Map<string, string>();
  const plans = new Map<string, { installments: { milestone: string }[] }>();
  for (const program of programs) {
    if (!program) continue;
    plans.set(program.programId, program);
    for (const t of program.townships) for (const v of t.villages) villages.set(v.code, v.name);
  }
  return { villages, planOf: (h: Household) => plans.get(h.programId) ?? { installments: [] } };
}

async function rowsOf(store: Store, households: readonly Household[]): Promise<HouseholdExportRow[]> {
  const { villages, planOf } = await context(store, households);
  return households.map((h) => rowOf(h, villages, planOf(h)));
}

function workbookColumns(sheet: ExcelJS.Worksheet): void {
  sheet.columns = [
    { header: '农户编号', key: 'householdId', width: 38 },
    { header: '乡镇代码', key: 'township', width: 12 },
    { header: '村', key: 'village', width: 10 },
    { header: '户主姓名', key: 'headName', width: 10 },
    { header: '身份证号', key: 'idNumber', width: 20 },
    { header: '家庭人口', key: 'persons', width: 8 },
    { header: '类别', key: 'category', width: 16 },
    { header: '阶段', key: 'phase', width: 10 },
    { header: '进度', key: 'status', width: 10 },
    { header: '改造方式', key: 'mode', width: 10 },
    { header: '建房方式', key: 'site', width: 8 },
    { header: '原房面积(㎡)', key: 'houseAreaM2', width: 10 },
    { header: '改造面积(㎡)', key: 'renovatedAreaM2', width: 10 },
    { header: '核定补助(元)', key: 'approvedSubsidyYuan', width: 12 },
    { header: '已拨付期数', key: 'installmentsReleased', width: 10 },
    { header: '银行账号', key: 'bankAccount', width: 12 },
    { header: '登记时间', key: 'createdAt', width: 22 },
    { header: '未放行提示', key: 'openFlags', width: 40 },
    { header: '已核实放行', key: 'overrides', width: 40 },
  ];
  sheet.getRow(1).font = { bold: true };
}

export async function householdWorkbook(county: string, rows: readonly HouseholdExportRow[], township?: string) {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('农户名单');
  workbookColumns(sheet);
  for (const row of rows) {
    sheet.addRow({
      ...row,
      category: CATEGORY_TITLES_ZH[row.category],
      phase: PHASE_TITLES_ZH[row.phase],
      status: STATUS_LABELS[row.status],
      mode: row.mode === undefined ? '' : row.mode === 'rebuild' ? '拆除重建' : '修缮加固',
      site: row.site === 'centralized' ? '集中' : '分散',
      openFlags: row.openFlags.map((kind) => FLAG_TITLES[kind].zh).join('；'),
      overrides: row.overrides.map((o) => `${FLAG_TITLES[o.flag].zh}（${o.by}）`).join('；'),
    });
  }
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  const content = Buffer.from(await workbook.xlsx.writeBuffer());
  return { filename: `households-${township ?? county}.xlsx`, content } satisfies Workbook;
}

/** `GET /reports/households?county=&township=&format=json|xlsx&cursor=&limit=`. */
export async function householdExportFor(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  rawQuery: unknown,
): Promise<{ kind: 'json'; page: HouseholdExportPage } | { kind: 'xlsx'; workbook: Workbook }> {
  const query = parseOrThrow(HouseholdExportQuery, rawQuery);
  const { county, township } = query;
  if (township !== undefined && !townshipInCounty(township, county)) throw new ForbiddenError(OUTSIDE_COUNTY);
  assertMayExport(actor, county, township);
  const filter = township === undefined ? { county } : { county, township };
  if (query.format === 'json') {
    const page = await store.households.list(filter, query.cursor, query.limit);
    return {
      kind: 'json',
      page: { county, ...(township ? { township } : {}), items: await rowsOf(store, page.items), cursor: page.cursor },
    };
  }
  const households: Household[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.households.list(filter, cursor, 1000);
    households.push(...page.items);
    cursor = page.cursor;
    if (households.length > MAX_EXPORT_ROWS) {
      throw ValidationError.field('township', {
        zh: `超过 ${MAX_EXPORT_ROWS} 户，请按乡镇分别导出`,
        en: `More than ${MAX_EXPORT_ROWS} households: export one township at a time`,
      });
    }
  } while (cursor);
  return { kind: 'xlsx', workbook: await householdWorkbook(county, await rowsOf(store, households), township) };
}
