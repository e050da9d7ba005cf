/**
 * The monthly monitoring report (`GET /reports/monitoring?county=&month=&format=json|xlsx`):
 * 1. check the caller reads the county's reports (county staff, auditors and admins of the county);
 * 2. read the month's checks (GSI2), the county's cases and its visits due by the month's end, and the roster;
 * 3. count them per township (domain/monitoring/report.ts) at today, or at the month's last day for a past month;
 * 4. answer JSON, or the same figures as an Excel workbook in the county's words.
 */
import ExcelJS from 'exceljs';
import { chinaToday } from '../../../domain/china-time';
import type { Actor } from '../../../domain/model';
import { CASE_CAUSE_TITLES, MEASURE_TITLES } from '../../../domain/monitoring/labels';
import { type MonitoringCounts, type MonitoringReport, monitoringReport } from '../../../domain/monitoring/report';
import { canReadCountyReports } from '../../../domain/rules/access';
import type { Dependencies } from '../dependencies';
import { areasOf } from './common';

export async function monitoringReportFor(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  query: { county: string; month: string },
  now: Date = new Date(),
): Promise<MonitoringReport> {
  const access = canReadCountyReports(actor, query.county);
  if (!access.ok) throw access.error;
  const [areas, roster, checks, cases, visits] = await Promise.all([
    areasOf(store, query.county),
    store.monitoring.roster(query.county, query.month),
    store.monitoring.checksOfMonth(query.county, query.month),
    store.monitoring.casesOfCounty(query.county),
    store.monitoring.visitsOfCounty(query.county),
  ]);
  return monitoringReport({
    county: query.county,
    countyName: areas.countyName,
    month: query.month,
    today: chinaToday(now),
    generatedAt: now.toISOString(),
    townships: areas.townships.map((t) => ({ code: t.code, name: t.name })),
    roster,
    checks,
    cases,
    visits,
  });
}

/** The columns of the report, in the order of the counties' monthly forms, with how to read each from a row. */
const COLUMNS: readonly { header: string; value: (c: MonitoringCounts) => number }[] = [
  { header: '名单户数', value: (c) => c.roster.size },
  { header: '新纳入', value: (c) => c.roster.new },
  { header: '信息变更', value: (c) => c.roster.changed },
  { header: '退出', value: (c) => c.roster.left },
  { header: '按期核查', value: (c) => c.checks.onTime },
  { header: '逾期核查', value: (c) => c.checks.late },
  { header: '未核查', value: (c) => c.checks.open },
  { header: '其中已逾期', value: (c) => c.checks.overdue },
  { header: '复核', value: (c) => c.checks.reappraisals },
  { header: '发现危房', value: (c) => c.checks.unsafe },
  { header: '住其他安全住房', value: (c) => c.checks.otherSafeHousing },
  { header: '核查需复核标记', value: (c) => c.checks.flagged },
  { header: '新增案件', value: (c) => c.cases.opened },
  ...(['monthly-check', 'reappraisal', 'disaster'] as const).map((cause) => ({
    header: `其中${CASE_CAUSE_TITLES[cause].zh}`,
    value: (c: MonitoringCounts) => c.cases.openedByCause[cause],
  })),
  { header: '月末在册案件', value: (c) => c.cases.openAtEnd },
  { header: '其中改造中', value: (c) => c.cases.inRenovation },
  { header: '逾期案件', value: (c) => c.cases.overdue },
  { header: '本月销号', value: (c) => c.cases.closed },
  ...(['renovation', 'rental', 'replacement', 'public-housing', 'relatives'] as const).map((measure) => ({
    header: `销号：${MEASURE_TITLES[measure].zh}`,
    value: (c: MonitoringCounts) => c.cases.closedByMeasure[measure],
  })),
  { header: '应回访', value: (c) => c.visits.due },
  { header: '已回访', value: (c) => c.visits.done },
  { header: '回访逾期', value: (c) => c.visits.overdue },
  { header: '未入住', value: (c) => c.visits.notLivedIn },
];

export async function monitoringWorkbook(report: MonitoringReport): Promise<{ filename: string; content: Buffer }> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date(report.generatedAt);
  const sheet = workbook.addWorksheet('住房安全动态监测月报');
  sheet.addRow([`${report.countyName ?? report.county} 农村低收入群体住房安全动态监测月报（${report.month}）`]).font = {
    bold: true,
    size: 14,
  };
  sheet.addRow([
    `统计截至 ${report.asOf}`,
    report.roster
      ? `名单导入 ${chinaToday(new Date(report.roster.importedAt))}，核查截止 ${report.roster.checksDueOn}`
      : '本月名单尚未导入',
  ]);
  sheet.addRow(['乡镇', ...COLUMNS.map((c) => c.header)]).font = { bold: true };
  sheet.getColumn(1).width = 14;
  for (let c = 2; c <= COLUMNS.length + 1; c++) sheet.getColumn(c).width = 10;
  for (const row of report.townships) sheet.addRow([row.name, ...COLUMNS.map((c) => c.value(row))]);
  sheet.addRow(['合计', ...COLUMNS.map((c) => c.value(report.total))]).font = { bold: true };
  sheet.views = [{ state: 'frozen', xSplit: 1, ySplit: 3 }];
  return {
    filename: `monitoring-${report.county}-${report.month}.xlsx`,
    content: Buffer.from(await workbook.xlsx.writeBuffer()),
  };
}
