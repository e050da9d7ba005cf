/**
 * The progress report of a program (进度报表, seed 004's first paragraph), for county staff,
 * leaders and auditors of its county, and township staff for their own township:
 * 1. check who reads what: the county or one of its townships, or a township's staff their own;
 * 2. take the program asked for (the user's current program), else the county's only program; a
 *    county with several is asked to choose, never answered with the newest;
 * 3. read the program's running counters (one Query, whatever the number of households) and, per
 *    human step, the overdue tasks of the county queue (only overdue tasks are read); for a day
 *    before today, also the households themselves as they stood that day (one GSI3 query per
 *    township of the report);
 * 4. per township: quota, households by phase, mode and site, rooms, floor area, money, status
 *    counts and the works in the seed's words (domain rules), overdue steps by owning role,
 *    households past the agreement's planned finish, the county's spot checks; a total row; the
 *    year-end figures (centralized sites, dispersed households by mode, each site, money by source
 *    in 万元) and the paragraph written from them;
 * 5. answer JSON, the same as an Excel workbook, or the paragraph as text.
 */
import ExcelJS from 'exceljs';
import { ProgressQuery } from '../../contract/requests';
import { chinaDateTime, chineseCalendarDate } from '../../domain/china-time';
import { NotFoundError, parseOrThrow, ValidationError } from '../../domain/errors';
import { fenToWan } from '../../domain/funding/money';
import { PHASE_TITLES_ZH, ROLE_TITLES_ZH } from '../../domain/labels';
import { type Actor, PHASES, type ProgramConfig, type Role, type Township } from '../../domain/model';
import { progressReportScope } from '../../domain/rules/access';
import { chinaDay } from '../../domain/rules/calendar';
import type { WorksFigures } from '../../domain/rules/progress';
import {
  addCells,
  CONSTRUCTION_PHASES,
  inspectedMilestonesOfProgram,
  mergeAsOf,
  type Overdue,
  type ProgressCells,
  type ProgressLine,
  type ProgressReport,
  progressFigures,
  spotCheckCoverage,
} from '../../domain/rules/progress';
import { reportParagraph, type SiteLine, yearEndFigures } from '../../domain/rules/report';
import { ACCEPTANCE_MILESTONE, RENOVATION } from '../../process/renovation';
import type { Store } from '../store';
import type { Dependencies } from './dependencies';
import { programOfReport } from './programs';

const HUMAN_STEPS = RENOVATION.steps.flatMap((step) => (step.kind === 'human' ? [step] : []));

function lineOf(
  cells: ProgressCells,
  program: ProgramConfig,
  quota: number,
  overdue: Overdue,
  asOf: string,
): ProgressLine {
  const figures = progressFigures(cells, program, quota, asOf);
  return {
    ...figures,
    underConstruction: CONSTRUCTION_PHASES.reduce((sum, phase) => sum + figures.byPhase[phase], 0),
    archived: figures.byPhase.archived,
    rejected: figures.byPhase.rejected,
    overdue,
  };
}

/** Overdue open tasks per township and owning role: one Query per human step on the county queue. */
async function overdueByTownship(store: Store, county: string, now: Date): Promise<Map<string, Overdue>> {
  const at = now.toISOString();
  const found = await Promise.all(
    HUMAN_STEPS.map(async (step) => ({
      role: step.role,
      townships: await store.tasks.overdueTownships(county, step.phase, at),
    })),
  );
  const byTownship = new Map<string, Overdue>();
  for (const { role, townships } of found) {
    for (const township of townships) {
      const overdue = byTownship.get(township) ?? { total: 0, byRole: {} };
      overdue.total += 1;
      overdue.byRole[role] = (overdue.byRole[role] ?? 0) + 1;
      byTownship.set(township, overdue);
    }
  }
  return byTownship;
}

function sumOverdue(lines: readonly Overdue[]): Overdue {
  const total: Overdue = { total: 0, byRole: {} };
  for (const line of lines) {
    total.total += line.total;
    for (const [role, n] of Object.entries(line.byRole) as [Role, number][]) {
      total.byRole[role] = (total.byRole[role] ?? 0) + n;
    }
  }
  return total;
}

function townshipOf(program: ProgramConfig, code: string): Township {
  const township = program.townships.find((t) => t.code === code);
  if (!township) {
    throw new NotFoundError({
      zh: `改造项目 ${program.programId} 不含乡镇 ${code}`,
      en: `Program ${program.programId} has no township ${code}`,
    });
  }
  return township;
}

/** The milestones of every plan of the program with the label the program gives each. */
function milestonesOf(program: ProgramConfig): { milestone: string; label: string }[] {
  const plans = [
    program.installments,
    program.installmentsByMode?.rebuild ?? [],
    program.installmentsByMode?.repair ?? [],
  ];
  const labelOf = (milestone: string) => plans.flat().find((i) => i.milestone === milestone)?.label ?? milestone;
  return [...inspectedMilestonesOfProgram(program), ACCEPTANCE_MILESTONE].map((milestone) => ({
    milestone,
    label: labelOf(milestone),
  }));
}

export interface ProgressRequest {
  county: string;
  program?: string | undefined;
  township?: string | undefined;
  asOf?: string | undefined;
}

export async function progressReport(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  request: ProgressRequest,
  now = new Date(),
): Promise<ProgressReport> {
  const { county } = request;
  const scope = progressReportScope(actor, county, request.township);
  if (!scope.ok) throw scope.error;
  const today = chinaDay(now);
  const asOf = request.asOf ?? today;
  if (asOf > today) {
    throw ValidationError.field('asOf', {
      zh: `截至日期 ${asOf} 晚于今天（${today}）`,
      en: `The as-of day ${asOf} is after today (${today})`,
    });
  }
  const program = await programOfReport(store, county, request.program);
  const township = scope.township === undefined ? undefined : townshipOf(program, scope.township);
  const inScope = township === undefined ? program.townships : [township];
  const [counters, overdue] = await Promise.all([
    store.progress.counters(program.programId),
    overdueByTownship(store, county, now),
  ]);
  // Before today the figures come from the households as they stood; the counters say only what is now.
  const cellsByTownship = new Map<string, ProgressCells>();
  await Promise.all(
    inScope.map(async (t) => {
      const current = counters.get(t.code) ?? {};
      const cells =
        asOf === today ? current : mergeAsOf(current, await store.progress.recount(program.programId, t.code, asOf));
      cellsByTownship.set(t.code, cells);
    }),
  );
  const none: Overdue = { total: 0, byRole: {} };
  const townships = inScope.map((t) => ({
    township: t.code,
    name: t.name,
    ...lineOf(cellsByTownship.get(t.code) ?? {}, program, t.quota, overdue.get(t.code) ?? none, asOf),
  }));
  const all: ProgressCells = {};
  for (const t of inScope) addCells(all, cellsByTownship.get(t.code) ?? {});
  const total = lineOf(
    all,
    program,
    township?.quota ?? program.quota,
    sumOverdue(townships.map((t) => t.overdue)),
    asOf,
  );
  const yearEnd = yearEndFigures(program, all, asOf, township);
  return {
    county,
    programId: program.programId,
    programName: program.name,
    generatedAt: now.toISOString(),
    asOf,
    milestones: milestonesOf(program),
    townships,
    total,
    spotCheck: spotCheckCoverage(total.spotCheck.decidedByCounty, total.spotCheck.visited, program.spotCheckRatio),
    yearEnd,
    text: reportParagraph(program, yearEnd),
  };
}

/** The paragraph as a printable text: a title line, then the paragraph. */
export function progressText(report: ProgressReport): string {
  const place = report.yearEnd.township?.name ?? '';
  return `${report.programName}${place}进展情况（截至${chineseCalendarDate(report.asOf)}）\n\n${report.text}\n`;
}

export interface Workbook {
  filename: string;
  content: Buffer;
}

const REPORT_ROLES: readonly Role[] = [...new Set(HUMAN_STEPS.map((step) => step.role))];

/** 万元 as a spreadsheet number (shown with two decimals). */
const wan = (fen: number) => Number(fenToWan(fen));

/** The works in the seed's words, in the order its paragraph reads them. */
const WORKS_COLUMNS: readonly { header: string; value: (w: WorksFigures) => number }[] = [
  { header: '主体完工（累计）', value: (w) => w.mainStructureFinished },
  { header: '主体完工准备装修', value: (w) => w.byStatus['main-structure-finished'] },
  { header: '正在装修', value: (w) => w.byStatus.decorating },
  { header: '竣工准备入住', value: (w) => w.byStatus.completed },
  { header: '竣工入住', value: (w) => w.byStatus['moved-in'] },
];

/** Titled with the county's name and a China time, as the county signs it. */
function titleRow(sheet: ExcelJS.Worksheet, report: ProgressReport, what: string, countyName?: string) {
  const place = report.yearEnd.township?.name ?? '';
  sheet.addRow([
    `${countyName ? `${countyName} ` : ''}${report.programName}${place} ${what}（截至${chineseCalendarDate(report.asOf)}）`,
    `生成时间 ${chinaDateTime(report.generatedAt)}（北京时间）`,
  ]);
}

/**
 * The report as a workbook: 进度 (a row per township and a total row: quota, mode, centralized
 * sites and dispersed households with their rooms, floor area, the pipeline, the works in the
 * seed's words, overdue steps, spot checks, money in 万元, then every phase), 建房点 (each
 * centralized site), 资金 (money by source in 万元, money not tied to a household, the households'
 * own funds and loans) and 情况说明 (the paragraph).
 */
export async function progressWorkbook(report: ProgressReport, countyName?: string): Promise<Workbook> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date(report.generatedAt);
  const sheet = workbook.addWorksheet('进度');
  titleRow(sheet, report, '进度报表', countyName);
  const header = [
    '乡镇',
    '乡镇代码',
    '任务数',
    '已登记',
    '已审批',
    '剩余任务数',
    '拆除重建',
    '修缮加固',
    '集中建房点',
    '集中建房户数',
    '集中建房间数',
    '分散建房户数',
    '分散建房间数',
    '间数',
    '建筑面积(㎡)',
    '审核审批中',
    '公示及异议',
    '未开工',
    '在建',
    ...report.milestones.map((m) => `在建·待${m.label}`),
    ...WORKS_COLUMNS.map((c) => c.header),
    '已归档',
    '未通过',
    '超过计划竣工日期',
    '逾期步骤',
    ...REPORT_ROLES.map((role) => `逾期·${ROLE_TITLES_ZH[role]}`),
    '县审批户数',
    '县入户抽查户数',
    '核定补助(万元)',
    '自筹资金(万元)',
    '银行贷款(万元)',
    '有未放行提示户数',
    '已核实放行户数',
    ...PHASES.map((phase) => PHASE_TITLES_ZH[phase]),
  ];
  sheet.addRow(header).font = { bold: true };
  const cellsOf = (name: string, code: string, line: ProgressLine) => [
    name,
    code,
    line.quota,
    line.registered,
    line.approved,
    line.quotaLeft,
    line.byMode.rebuild,
    line.byMode.repair,
    line.bySite.centralizedPoints,
    line.centralized.households,
    line.centralized.rooms,
    line.dispersed.households,
    line.dispersed.rooms,
    line.works.rooms,
    line.floorAreaM2,
    line.status.inReview,
    line.status.inNotice,
    line.status.notStarted,
    line.status.underConstruction,
    ...report.milestones.map((m) => line.status.underConstructionByMilestone[m.milestone] ?? 0),
    ...WORKS_COLUMNS.map((c) => c.value(line.works)),
    line.status.archived,
    line.status.rejected,
    line.pastPlannedFinish,
    line.overdue.total,
    ...REPORT_ROLES.map((role) => line.overdue.byRole[role] ?? 0),
    line.spotCheck.decidedByCounty,
    line.spotCheck.visited,
    wan(line.works.approvedSubsidy),
    wan(line.works.ownFunds),
    wan(line.works.bankLoan),
    line.flags.flagged,
    line.flags.overridden,
    ...PHASES.map((phase) => line.byPhase[phase]),
  ];
  for (const row of report.townships) sheet.addRow(cellsOf(row.name, row.township, row));
  sheet.addRow(
    cellsOf(countyName ? `${countyName}合计` : '合计', report.yearEnd.township?.code ?? report.county, report.total),
  ).font = { bold: true };
  for (const name of ['核定补助(万元)', '自筹资金(万元)', '银行贷款(万元)']) {
    sheet.getColumn(header.indexOf(name) + 1).numFmt = '0.00';
  }
  const coverage = report.spotCheck;
  sheet.addRow([]);
  const spot = sheet.addRow([
    '县级入户抽查',
    `${coverage.visited} / ${coverage.decided}`,
    coverage.coverage === null ? '—' : `${(coverage.coverage * 100).toFixed(1)}%`,
    `要求不低于 ${(coverage.requiredRatio * 100).toFixed(0)}%`,
    coverage.met ? '达标' : `不达标，尚需抽查 ${coverage.shortfall} 户`,
  ]);
  if (!coverage.met) spot.font = { bold: true, color: { argb: 'FFC00000' } };
  sheet.getColumn(1).width = 14;
  sheet.getColumn(2).width = 12;
  sheet.views = [{ state: 'frozen', xSplit: 2, ySplit: 2 }];

  sitesSheet(workbook.addWorksheet('建房点'), report, countyName);
  fundsSheet(workbook.addWorksheet('资金'), report, countyName);
  const text = workbook.addWorksheet('情况说明');
  text.getColumn(1).width = 120;
  text.addRow([progressText(report).split('\n')[0]]).font = { bold: true };
  const paragraph = text.addRow([report.text]);
  paragraph.alignment = { wrapText: true, vertical: 'top' };
  paragraph.height = 180;
  const content = Buffer.from(await workbook.xlsx.writeBuffer());
  return { filename: `progress-${report.programId}-${report.asOf}.xlsx`, content };
}

function sitesSheet(sheet: ExcelJS.Worksheet, report: ProgressReport, countyName?: string) {
  titleRow(sheet, report, '集中建房点', countyName);
  sheet.addRow([
    '建房点',
    '乡镇',
    '村',
    '户数',
    '间数',
    '建筑面积(㎡)',
    ...WORKS_COLUMNS.map((c) => c.header),
    '核定补助(万元)',
  ]).font = { bold: true };
  const row = (site: SiteLine) => [
    site.name,
    site.townshipName,
    site.villages.join('、'),
    site.works.households,
    site.works.rooms,
    site.works.floorAreaM2,
    ...WORKS_COLUMNS.map((c) => c.value(site.works)),
    wan(site.works.approvedSubsidy),
  ];
  for (const site of report.yearEnd.sites) sheet.addRow(row(site));
  const c = report.yearEnd.centralized;
  sheet.addRow([
    `合计（${c.sites}个点）`,
    '',
    '',
    c.households,
    c.rooms,
    c.floorAreaM2,
    ...WORKS_COLUMNS.map((col) => col.value(c)),
    wan(c.approvedSubsidy),
  ]).font = { bold: true };
  sheet.getColumn(1).width = 20;
  sheet.getColumn(7 + WORKS_COLUMNS.length).numFmt = '0.00';
}

function fundsSheet(sheet: ExcelJS.Worksheet, report: ProgressReport, countyName?: string) {
  const funds = report.yearEnd.funds;
  titleRow(sheet, report, '资金情况（万元）', countyName);
  const basis = funds.basis === 'allocated' ? '下达资金' : '核定到户补助';
  sheet.addRow(['资金来源', `到户补助(${basis})`, '不到户补助', '合计']).font = { bold: true };
  for (const line of funds.bySource) {
    const notTied = line.notTiedToHouseholds.reduce((sum, f) => sum + f.fen, 0);
    sheet.addRow([line.label, wan(line.households.fen), wan(notTied), wan(line.total.fen)]);
    for (const fund of line.notTiedToHouseholds) sheet.addRow([`  其中：${fund.purpose}`, '', wan(fund.fen), '']);
  }
  sheet.addRow(['投入资金合计', wan(funds.householdSubsidy.fen), '', wan(funds.investment.fen)]).font = { bold: true };
  sheet.addRow([]);
  for (const fund of funds.besideSubsidy) {
    sheet.addRow([
      fund.kind === 'working-funds' ? `工作经费：${fund.purpose}` : `整合资金：${fund.purpose}`,
      '',
      '',
      wan(fund.fen),
    ]);
  }
  sheet.addRow(['核定到户补助（已审批农户）', '', '', wan(funds.approvedToHouseholds.fen)]);
  sheet.addRow(['农户自筹资金', '', '', wan(funds.ownFunds.fen)]);
  sheet.addRow(['银行贷款', '', '', wan(funds.bankLoan.fen)]);
  sheet.getColumn(1).width = 44;
  for (const column of [2, 3, 4]) {
    sheet.getColumn(column).numFmt = '0.00';
    sheet.getColumn(column).width = 16;
  }
}

/** `GET /reports/progress?county=&program=&township=&asOf=&format=json|xlsx|text`. */
export async function progressReportFor(
  deps: Pick<Dependencies, 'store'>,
  actor: Actor,
  rawQuery: unknown,
  now = new Date(),
): Promise<
  | { kind: 'json'; report: ProgressReport }
  | { kind: 'xlsx'; workbook: Workbook }
  | { kind: 'text'; text: string; filename: string }
> {
  const { format, ...request } = parseOrThrow(ProgressQuery, rawQuery);
  const report = await progressReport(deps, actor, request, now);
  if (format === 'xlsx') {
    const countyName = (await deps.store.programs.get(report.programId))?.county.name;
    return { kind: 'xlsx', workbook: await progressWorkbook(report, countyName) };
  }
  if (format === 'text') {
    return { kind: 'text', text: progressText(report), filename: `progress-${report.programId}-${report.asOf}.txt` };
  }
  return { kind: 'json', report };
}
