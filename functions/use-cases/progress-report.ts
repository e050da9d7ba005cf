/**
 * The progress report of a program (进度报表), for county staff of its county:
 * 1. check the caller is a county-level user of the county and the program belongs to it;
 * 2. per township of the program, count the households in each phase (one COUNT query each);
 * 3. derive what the county follows: approved against the township's quota, under construction,
 *    archived, rejected; with a county total row;
 * 4. answer JSON, or the same table as an Excel workbook.
 */
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { ForbiddenError, NotFoundError, parseOrThrow } from '../../domain/errors';
import { type Actor, CountyCode, PHASES, type Phase } from '../../domain/model';
import { isCountyLevel } from '../../domain/rules/access';
import { countHouseholdsInPhase } from '../commons/household-counts';
import { getProgram } from '../commons/repository';
import { OUTSIDE_COUNTY } from './read-households';

export const ProgressQuery = z.strictObject({
  county: CountyCode,
  program: z.string().regex(/^[a-z0-9-]{3,40}$/),
  format: z.enum(['json', 'xlsx']).default('json'),
});

/** Phases from the public notice on: the county has approved the household and its subsidy. */
const APPROVED_PHASES: readonly Phase[] = PHASES.slice(PHASES.indexOf('public-notice')).filter((p) => p !== 'rejected');
const CONSTRUCTION_PHASES: readonly Phase[] = ['installment-release', 'milestone-inspection', 'final-acceptance'];

export const PHASE_LABELS: Readonly<Record<Phase, string>> = {
  'safety-appraisal': '安全鉴定',
  'village-appraisal': '村级评议',
  'township-review': '乡镇审核',
  'county-approval': '县级审批',
  'public-notice': '公示',
  'objection-review': '异议处理',
  agreement: '签订协议',
  'installment-release': '资金拨付',
  'milestone-inspection': '施工验收',
  'final-acceptance': '竣工验收',
  archiving: '归档中',
  archived: '已归档',
  rejected: '未通过',
};

export interface ProgressLine {
  /** Households registered, whatever their phase. */
  registered: number;
  /** Approved by the county and not rejected since (public notice onwards). */
  approved: number;
  quota: number;
  /** Quota minus approved; negative when the township approved more than its quota. */
  quotaLeft: number;
  underConstruction: number;
  archived: number;
  rejected: number;
  byPhase: Record<Phase, number>;
}

export interface ProgressRow extends ProgressLine {
  township: string;
  name: string;
}

export interface ProgressReport {
  county: string;
  programId: string;
  programName: string;
  generatedAt: string;
  townships: ProgressRow[];
  total: ProgressLine;
}

/** COUNT queries in flight at once: a county of 20 townships makes 260 small queries. */
const COUNTS_AT_ONCE = 8;

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

function lineOf(byPhase: Record<Phase, number>, quota: number): ProgressLine {
  const sum = (phases: readonly Phase[]) => phases.reduce((total, phase) => total + byPhase[phase], 0);
  const approved = sum(APPROVED_PHASES);
  return {
    registered: sum(PHASES),
    approved,
    quota,
    quotaLeft: quota - approved,
    underConstruction: sum(CONSTRUCTION_PHASES),
    archived: byPhase.archived,
    rejected: byPhase.rejected,
    byPhase,
  };
}

function zeroByPhase(): Record<Phase, number> {
  return Object.fromEntries(PHASES.map((phase) => [phase, 0])) as Record<Phase, number>;
}

function assertCountyStaff(actor: Actor, county: string): void {
  if (actor.roles.length === 0 || actor.county !== county || !isCountyLevel(actor)) {
    throw new ForbiddenError(OUTSIDE_COUNTY);
  }
}

export async function progressReport(
  actor: Actor,
  county: string,
  programId: string,
  now = new Date(),
): Promise<ProgressReport> {
  assertCountyStaff(actor, county);
  const program = await getProgram(programId);
  if (!program || program.county.code !== county) {
    throw new NotFoundError({
      zh: `${county} 没有改造项目 ${programId}`,
      en: `County ${county} has no program ${programId}`,
    });
  }
  const cells = program.townships.flatMap((township) => PHASES.map((phase) => ({ township: township.code, phase })));
  const counts = await inBatches(cells, COUNTS_AT_ONCE, (c) => countHouseholdsInPhase(c.township, c.phase));
  const byTownship = new Map<string, Record<Phase, number>>();
  cells.forEach((c, index) => {
    const phases = byTownship.get(c.township) ?? zeroByPhase();
    phases[c.phase] = counts[index] ?? 0;
    byTownship.set(c.township, phases);
  });
  const townships = program.townships.map((t) => ({
    township: t.code,
    name: t.name,
    ...lineOf(byTownship.get(t.code) ?? zeroByPhase(), t.quota),
  }));
  const totalByPhase = zeroByPhase();
  for (const row of townships) for (const phase of PHASES) totalByPhase[phase] += row.byPhase[phase];
  return {
    county,
    programId: program.programId,
    programName: program.name,
    generatedAt: now.toISOString(),
    townships,
    total: lineOf(totalByPhase, program.quota),
  };
}

export interface Workbook {
  filename: string;
  content: Buffer;
}

/** The report as one worksheet: a row per township and a total row, phases as columns. */
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
    '施工中',
    '已归档',
    '未通过',
    ...PHASES.map((phase) => PHASE_LABELS[phase]),
  ];
  sheet.addRow(header).font = { bold: true };
  const cellsOf = (name: string, code: string, line: ProgressLine) => [
    name,
    code,
    line.quota,
    line.registered,
    line.approved,
    line.quotaLeft,
    line.underConstruction,
    line.archived,
    line.rejected,
    ...PHASES.map((phase) => line.byPhase[phase]),
  ];
  for (const row of report.townships) sheet.addRow(cellsOf(row.name, row.township, row));
  sheet.addRow(cellsOf('合计', report.county, report.total)).font = { bold: true };
  sheet.getColumn(1).width = 14;
  sheet.getColumn(2).width = 12;
  const content = Buffer.from(await workbook.xlsx.writeBuffer());
  return { filename: `progress-${report.programId}.xlsx`, content };
}

/** `GET /reports/progress?county=&program=&format=json|xlsx`. */
export async function progressReportFor(
  actor: Actor,
  rawQuery: unknown,
  now = new Date(),
): Promise<{ kind: 'json'; report: ProgressReport } | { kind: 'xlsx'; workbook: Workbook }> {
  const { county, program, format } = parseOrThrow(ProgressQuery, rawQuery);
  const report = await progressReport(actor, county, program, now);
  return format === 'xlsx' ? { kind: 'xlsx', workbook: await progressWorkbook(report) } : { kind: 'json', report };
}
