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
import { chinaDateTime } from '../../domain/china-time';
import { ForbiddenError, parseOrThrow, ValidationError } from '../../domain/errors';
import { fenToYuan } from '../../domain/funding/money';
import {
  CATEGORY_TITLES_ZH,
  FLAG_TITLES,
  GRADE_TITLES,
  householdReference,
  MODE_TITLES,
  PHASE_TITLES_ZH,
  SITE_TITLES,
} from '../../domain/labels';
import type { Actor, Household, ProgramConfig } from '../../domain/model';
import { canRead, canReadCountyReports } from '../../domain/rules/access';
import { overrideOf } from '../../domain/rules/flags';
import { maskBankAccount, maskIdNumber } from '../../domain/rules/idNumber';
import { installmentPlanOf } from '../../domain/rules/installments';
import { isApproved, progressStatus, renovatedAreaM2, renovatedRooms } from '../../domain/rules/progress';
import { WORKS_STATUS_TITLES, worksStatusAsOf } from '../../domain/rules/works';
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
  'main-structure-finished': '主体完工待验收',
  completed: '竣工验收待归档',
  archived: '已归档',
  rejected: '未通过',
} as const;

interface ExportContext {
  villages: ReadonlyMap<string, string>;
  sites: ReadonlyMap<string, string>;
  plan: { installments: readonly { milestone: string }[] };
}

function rowOf(h: Household, { villages, sites, plan }: ExportContext) {
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
    ...(h.siteId === undefined ? {} : { siteName: sites.get(h.siteId) ?? h.siteId }),
    ...(h.grade === undefined ? {} : { grade: h.grade }),
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
    const rooms = renovatedRooms(h);
    if (rooms !== undefined) row.renovatedRooms = rooms;
  }
  if (isApproved(h.phase)) row.works = worksStatusAsOf(h);
  if (h.approvedSubsidy !== undefined) row.approvedSubsidyYuan = fenToYuan(h.approvedSubsidy);
  if (h.ownFunds !== undefined) row.ownFundsYuan = fenToYuan(h.ownFunds);
  if (h.bankLoan !== undefined) row.bankLoanYuan = fenToYuan(h.bankLoan);
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
  const sites = new Map<string, string>();
  const townships = new Map<string, string>();
  let countyName: string | undefined;
  const byId = new Map<string, ProgramConfig>();
  for (const program of programs) {
    if (!program) continue;
    byId.set(program.programId, program);
    countyName ??= program.county.name;
    for (const t of program.townships) {
      townships.set(t.code, t.name);
      for (const v of t.villages) villages.set(v.code, v.name);
    }
    for (const site of program.sites) sites.set(site.id, site.name);
  }
  // The plan of the household's own mode: its status is read against the milestones it passes.
  const planOf = (h: Household) => {
    const program = byId.get(h.programId);
    return { installments: program ? installmentPlanOf(program, h.mode) : [] };
  };
  return {
    contextOf: (h: Household): ExportContext => ({ villages, sites, plan: planOf(h) }),
    places: { countyName, townships } satisfies ExportPlaces,
  };
}

async function rowsOf(store: Store, households: readonly Household[]) {
  const { contextOf, places } = await context(store, households);
  return { rows: households.map((h) => rowOf(h, contextOf(h))), places };
}

function workbookColumns(sheet: ExcelJS.Worksheet): void {
  sheet.columns = [
    { header: '档案号', key: 'reference', width: 10 },
    { header: '乡镇', key: 'townshipName', width: 12 },
    { header: '村', key: 'village', width: 10 },
    { header: '户主姓名', key: 'headName', width: 10 },
    { header: '身份证号', key: 'idNumber', width: 20 },
    { header: '家庭人口', key: 'persons', width: 8 },
    { header: '类别', key: 'category', width: 16 },
    { header: '阶段', key: 'phase', width: 10 },
    { header: '进度', key: 'status', width: 10 },
    { header: '改造方式', key: 'mode', width: 10 },
    { header: '建房方式', key: 'site', width: 8 },
    { header: '建房点', key: 'siteName', width: 16 },
    { header: '危房等级', key: 'grade', width: 10 },
    { header: '原房面积(㎡)', key: 'houseAreaM2', width: 10 },
    { header: '改造面积(㎡)', key: 'renovatedAreaM2', width: 10 },
    { header: '改造后间数', key: 'renovatedRooms', width: 10 },
    { header: '施工进度', key: 'works', width: 16 },
    { header: '核定补助(元)', key: 'approvedSubsidyYuan', width: 14, style: { numFmt: '#,##0.00' } },
    { header: '自筹资金(元)', key: 'ownFundsYuan', width: 14, style: { numFmt: '#,##0.00' } },
    { header: '银行贷款(元)', key: 'bankLoanYuan', width: 14, style: { numFmt: '#,##0.00' } },
    { header: '已拨付期数', key: 'installmentsReleased', width: 10 },
    { header: '银行账号', key: 'bankAccount', width: 12 },
    { header: '登记时间（北京时间）', key: 'createdAt', width: 20 },
    { header: '未放行提示', key: 'openFlags', width: 40 },
    { header: '已核实放行', key: 'overrides', width: 40 },
  ];
  sheet.getRow(1).font = { bold: true };
}

/** Names of the places and the county in the workbook's title, from the households' programs. */
export interface ExportPlaces {
  countyName?: string;
  townships: ReadonlyMap<string, string>;
  /** People's names by user name (who granted an override); a user name not found is shown as it is. */
  people?: ReadonlyMap<string, string>;
}

/**
 * Every row of the list as the county office reads it: a title naming the county (and township), generated at a
 * China time; places by name, codes in words, subsidy as a number of yuan with two decimals, times in China time.
 */
export async function householdWorkbook(
  county: string,
  rows: readonly HouseholdExportRow[],
  township?: string,
  places: ExportPlaces = { townships: new Map() },
  now: Date = new Date(),
) {
  const workbook = new ExcelJS.Workbook();
  workbook.created = now;
  const sheet = workbook.addWorksheet('农户名单');
  workbookColumns(sheet);
  for (const row of rows) {
    sheet.addRow({
      ...row,
      reference: householdReference(row.householdId),
      townshipName: places.townships.get(row.township) ?? row.township,
      category: CATEGORY_TITLES_ZH[row.category],
      phase: PHASE_TITLES_ZH[row.phase],
      status: STATUS_LABELS[row.status],
      mode: row.mode === undefined ? '' : MODE_TITLES[row.mode].zh,
      site: SITE_TITLES[row.site].zh,
      grade: row.grade === undefined ? '' : GRADE_TITLES[row.grade].zh,
      works: row.works === undefined ? '' : WORKS_STATUS_TITLES[row.works].zh,
      approvedSubsidyYuan: row.approvedSubsidyYuan === undefined ? undefined : Number(row.approvedSubsidyYuan),
      ownFundsYuan: row.ownFundsYuan === undefined ? undefined : Number(row.ownFundsYuan),
      bankLoanYuan: row.bankLoanYuan === undefined ? undefined : Number(row.bankLoanYuan),
      createdAt: chinaDateTime(row.createdAt),
      openFlags: row.openFlags.map((kind) => FLAG_TITLES[kind].zh).join('；'),
      overrides: row.overrides
        .map((o) => `${FLAG_TITLES[o.flag].zh}（${places.people?.get(o.by) ?? o.by}）`)
        .join('；'),
    });
  }
  const area = `${places.countyName ?? county}${township ? (places.townships.get(township) ?? township) : ''}`;
  sheet.insertRow(1, [`${area} 农村危房改造农户名单`, `生成时间 ${chinaDateTime(now.toISOString())}（北京时间）`]);
  sheet.getRow(1).font = { bold: true, size: 13 };
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
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
      page: {
        county,
        ...(township ? { township } : {}),
        items: (await rowsOf(store, page.items)).rows,
        cursor: page.cursor,
      },
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
  const { rows, places } = await rowsOf(store, households);
  if (places.countyName === undefined) {
    places.countyName = (await store.programs.ofCounty(county))[0]?.county.name;
  }
  const grantors = await store.users.many(rows.flatMap((row) => row.overrides.map((o) => o.by)));
  const people = new Map(grantors.map((user) => [user.username, user.displayName]));
  return { kind: 'xlsx', workbook: await householdWorkbook(county, rows, township, { ...places, people }) };
}
