/**
 * The progress report of a program (进度报表, seed 004's first paragraph), for county staff,
 * leaders and auditors of its county:
 * 1. check the caller reads the county's reports; take the asked program, or the county's latest;
 * 2. read the program's running counters (one Query, whatever the number of households) and,
 *    per human step, the overdue tasks of the county queue (only overdue tasks are read);
 * 3. per township: quota, households by phase, mode and site, floor area, status counts (domain
 *    rules), overdue steps by owning role, the county's spot checks; a county total row and the
 *    county's spot-check coverage against the program's required ratio;
 * 4. answer JSON, or the same table as an Excel workbook.
 */
import ExcelJS from 'exceljs';
import { ProgressQuery } from '../../contract/requests';
import { NotFoundError, parseOrThrow } from '../../domain/errors';
import { PHASE_TITLES_ZH, ROLE_TITLES_ZH } from '../../domain/labels';
import { type Actor, PHASES, type ProgramConfig, type Role } from '../../domain/model';
import { canReadCountyReports } from '../../domain/rules/access';
import {
  addCells,
  CONSTRUCTION_PHASES,
  inspectedMilestones,
  type Overdue,
  type ProgressCells,
  type ProgressLine,
  type ProgressReport,
  progressFigures,
  spotCheckCoverage,
} from '../../domain/rules/progress';
import { ACCEPTANCE_MILESTONE, RENOVATION } from '../../process/renovation';
import type { Store } from '../store';
import type { Dependencies } from './dependencies';

const HUMAN_STEPS = RENOVATION.steps.flatMap((step) => (step.kind === 'human' ? [step] : []));

function lineOf(cells: ProgressCells, program: ProgramConfig, quota: number, overdue: Overdue): ProgressLine {
  const figures = progressFigures(cells, program, quota);
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

async function programFor(store: Store, county: string, programId: string | undefined): Promise<ProgramConfig> {
  const program =
    programId === undefined ? await store.programs.latestOfCounty(county) : await store.programs.get(programId);
  if (!program || program.county.code !== county) {
    throw new NotFoundError({
      zh: `${county} 没有改造项目${programId ? ` ${programId}` : ''}`,
      en: `County ${county} has no program${programId ? ` ${programId}` : ''}`,
    });
  }
  return program;
}

export async function progressReport(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  county: string,
  programId: string | undefined,
  now = new Date(),
): Promise<ProgressReport> {
  const access = canReadCountyReports(actor, county);
  if (!access.ok) throw access.error;
  const program = await programFor(store, county, programId);
  const [counters, overdue] = await Promise.all([
    store.progress.counters(program.programId),
    overdueByTownship(store, county, now),
  ]);
  const none: Overdue = { total: 0, byRole: {} };
  const townships = program.townships.map((t) => ({
    township: t.code,
    name: t.name,
    ...lineOf(counters.get(t.code) ?? {}, program, t.quota, overdue.get(t.code) ?? none),
  }));
  const all: ProgressCells = {};
  for (const t of program.townships) addCells(all, counters.get(t.code) ?? {});
  const total = lineOf(all, program, program.quota, sumOverdue(townships.map((t) => t.overdue)));
  const labelOf = (milestone: string) =>
    program.installments.find((i) => i.milestone === milestone)?.label ?? milestone;
  return {
    county,
    programId: program.programId,
    programName: program.name,
    generatedAt: now.toISOString(),
    milestones: [...inspectedMilestones(program), ACCEPTANCE_MILESTONE].map((milestone) => ({
      milestone,
      label: labelOf(milestone),
    })),
    townships,
    total,
    spotCheck: spotCheckCoverage(total.spotCheck.decidedByCounty, total.spotCheck.visited, program.spotCheckRatio),
  };
}

export interface Workbook {
  filename: string;
  content: Buffer;
}

const REPORT_ROLES: readonly Role[] = [...new Set(HUMAN_STEPS.map((step) => step.role))];

/**
 * The report as one worksheet in the seed's shape: a row per township and a total row; quota,
 * mode, site, floor area, status counts, overdue steps by role, spot checks, then every phase.
 */
export async function progressWorkbook(report: ProgressReport): Promise<Workbook> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date(report.generatedAt);
  const sheet = workbook.addWorksheet('进度');
  sheet.addRow([`${report.programName} 进度报表`, `生成时间 ${report.generatedAt}`]);
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
    '分散建房户数',
    '建筑面积(㎡)',
    '审核审批中',
    '公示及异议',
    '未开工',
    '在建',
    ...report.milestones.map((m) => `在建·待${m.label}`),
    '主体完工',
    '竣工入住',
    '已归档',
    '未通过',
    '逾期步骤',
    ...REPORT_ROLES.map((role) => `逾期·${ROLE_TITLES_ZH[role]}`),
    '县审批户数',
    '县入户抽查户数',
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
    line.bySite.centralized,
    line.bySite.dispersed,
    line.floorAreaM2,
    line.status.inReview,
    line.status.inNotice,
    line.status.notStarted,
    line.status.underConstruction,
    ...report.milestones.map((m) => line.status.underConstructionByMilestone[m.milestone] ?? 0),
    line.status.mainStructureFinished,
    line.status.completed,
    line.status.archived,
    line.status.rejected,
    line.overdue.total,
    ...REPORT_ROLES.map((role) => line.overdue.byRole[role] ?? 0),
    line.spotCheck.decidedByCounty,
    line.spotCheck.visited,
    line.flags.flagged,
    line.flags.overridden,
    ...PHASES.map((phase) => line.byPhase[phase]),
  ];
  for (const row of report.townships) sheet.addRow(cellsOf(row.name, row.township, row));
  sheet.addRow(cellsOf('合计', report.county, report.total)).font = { bold: true };
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
  const content = Buffer.from(await workbook.xlsx.writeBuffer());
  return { filename: `progress-${report.programId}.xlsx`, content };
}

/** `GET /reports/progress?county=&program=&format=json|xlsx`. */
export async function progressReportFor(
  deps: Pick<Dependencies, 'store'>,
  actor: Actor,
  rawQuery: unknown,
  now = new Date(),
): Promise<{ kind: 'json'; report: ProgressReport } | { kind: 'xlsx'; workbook: Workbook }> {
  const { county, program, format } = parseOrThrow(ProgressQuery, rawQuery);
  const report = await progressReport(deps, actor, county, program, now);
  return format === 'xlsx' ? { kind: 'xlsx', workbook: await progressWorkbook(report) } : { kind: 'json', report };
}
