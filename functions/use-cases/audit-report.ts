/**
 * An auditor's view (`GET /reports/audit?county=&from=&to=&format=json|xlsx`):
 * 1. the caller reads the county's reports (county staff, the county's auditors and admins);
 * 2. read the county's households through GSI1, then each household's file (its events, inspections and ledger),
 *    a few at a time: one Query per household, the cost of an occasional audit, not of every screen;
 * 3. list every finding of the period (domain/rules/audit-report.ts) with a link to the household, counted per
 *    kind and per township; late payments are measured to the period's end, or today when that is earlier;
 * 4. answer JSON, or an Excel workbook (findings, and a sheet per township count) for the audit file.
 */
import ExcelJS from 'exceljs';
import type { AuditFindingView, AuditReport } from '../../contract/views';
import { chinaDateTime, chinaToday } from '../../domain/china-time';
import { FLAG_TITLES } from '../../domain/labels';
import type { Actor, Household, ProgramConfig } from '../../domain/model';
import { canReadCountyReports } from '../../domain/rules/access';
import { type AuditedHousehold, auditFindings, summarizeFindings } from '../../domain/rules/audit-report';
import type { Store } from '../store';
import type { Dependencies } from './dependencies';
import type { Workbook } from './progress-report';
import { everyHouseholdOfCounty } from './read-households';

/** Household files read at once: bounded so an audit does not flood the table. */
const FILES_AT_ONCE = 8;

async function filesOf(store: Store, households: readonly Household[]): Promise<AuditedHousehold[]> {
  const files: AuditedHousehold[] = [];
  for (let i = 0; i < households.length; i += FILES_AT_ONCE) {
    const chunk = await Promise.all(
      households.slice(i, i + FILES_AT_ONCE).map((household) => store.households.file(household.householdId)),
    );
    for (const file of chunk) {
      if (file)
        files.push({
          household: file.household,
          events: file.events,
          inspections: file.inspections,
          payments: file.payments,
        });
    }
  }
  return files;
}

export interface AuditQuery {
  county: string;
  from: string;
  to: string;
}

export async function auditReport(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  query: AuditQuery,
  now: Date = new Date(),
): Promise<AuditReport> {
  const access = canReadCountyReports(actor, query.county);
  if (!access.ok) throw access.error;
  const households = await everyHouseholdOfCounty(store, query.county);
  const programs = new Map<string, ProgramConfig>();
  for (const programId of new Set(households.map((h) => h.programId))) {
    const program = await store.programs.get(programId);
    if (program) programs.set(programId, program);
  }
  const townshipNames = new Map<string, string>();
  for (const program of programs.values()) for (const t of program.townships) townshipNames.set(t.code, t.name);

  const today = chinaToday(now);
  const asOf = query.to < today ? query.to : today;
  const findings = auditFindings({
    county: query.county,
    period: { from: query.from, to: query.to },
    programOf: (programId) => programs.get(programId),
    households: await filesOf(store, households),
    asOf,
  });
  const summary = summarizeFindings(findings);
  return {
    county: query.county,
    from: query.from,
    to: query.to,
    generatedAt: now.toISOString(),
    asOf,
    households: households.length,
    counts: summary.byKind,
    byTownship: summary.byTownship.map((line) => ({
      ...line,
      name: townshipNames.get(line.township) ?? line.township,
    })),
    findings: findings.map(
      (finding): AuditFindingView => ({
        ...finding,
        townshipName: townshipNames.get(finding.township) ?? finding.township,
        link: `/households/${encodeURIComponent(finding.householdId)}`,
      }),
    ),
  };
}

const KIND_TITLES: Readonly<Record<AuditFindingView['kind'], string>> = {
  flag: '提示',
  override: '核实放行',
  'reopened-notice': '异议成立重审',
  'floor-area': '面积超标',
  duplicate: '重复匹配',
  'late-payment': '资金拨付逾期',
};

/** The report as the workbook an audit file keeps: every finding, and the counts per township. */
export async function auditWorkbook(report: AuditReport): Promise<Workbook> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date(report.generatedAt);
  const sheet = workbook.addWorksheet('审计发现');
  sheet.addRow([
    `${report.county} 审计发现 ${report.from} 至 ${report.to}`,
    `生成时间 ${chinaDateTime(report.generatedAt)}`,
  ]);
  sheet.addRow([
    '类别',
    '乡镇',
    '农户编号',
    '户主',
    '时间',
    '事项',
    '说明',
    '处理',
    '经办/放行人',
    '逾期天数',
    '链接',
  ]).font = {
    bold: true,
  };
  for (const f of report.findings) {
    const level =
      f.level === undefined
        ? ''
        : f.overriddenBy
          ? `已由 ${f.overriddenBy} 核实放行`
          : f.level === 'block'
            ? '阻止办理'
            : '提醒';
    sheet.addRow([
      KIND_TITLES[f.kind],
      f.townshipName,
      f.householdId,
      f.headName,
      chinaDateTime(f.at),
      f.kind === 'flag' || f.kind === 'duplicate' || f.kind === 'override'
        ? (FLAG_TITLES[f.what as keyof typeof FLAG_TITLES]?.zh ?? f.title.zh)
        : f.title.zh,
      f.note?.zh ?? '',
      level,
      f.by ?? '',
      f.daysLate ?? '',
      f.link,
    ]);
  }
  for (const [column, width] of [
    [1, 14],
    [2, 12],
    [3, 38],
    [4, 10],
    [5, 18],
    [6, 36],
    [7, 48],
    [8, 22],
    [9, 16],
  ] as const) {
    sheet.getColumn(column).width = width;
  }
  const byTownship = workbook.addWorksheet('乡镇汇总');
  byTownship.addRow(['乡镇', '发现', '阻止办理未放行', '已核实放行']).font = { bold: true };
  for (const line of report.byTownship) byTownship.addRow([line.name, line.findings, line.blocking, line.overridden]);
  return {
    filename: `audit-${report.county}-${report.from}-${report.to}.xlsx`,
    content: Buffer.from(await workbook.xlsx.writeBuffer()),
  };
}
