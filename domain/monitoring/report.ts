/**
 * The monthly monitoring report of a county (住房安全动态监测月报): per township and in total, the
 * roster's size and what changed on it, the checks done on time, late or not yet, the unsafe houses
 * found, the cases opened, open, overdue and closed by each measure, and the follow-up visits, with
 * the houses found not lived in. Computed from the month's checks, the county's cases and visits;
 * what a count means is decided here, when the report is read.
 */
import { z } from 'zod';
import type { FollowUpVisit, LedgerCase, LedgerCheck, Roster } from './model';
import { isOverdueOn, monthBounds, monthOf } from './rules';

const Count = z.number().int().nonnegative();

export const MonitoringCounts = z.object({
  roster: z.object({ size: Count, new: Count, changed: Count, left: Count }),
  checks: z.object({
    onTime: Count,
    late: Count,
    open: Count,
    overdue: Count,
    reappraisals: Count,
    unsafe: Count,
    otherSafeHousing: Count,
    flagged: Count,
  }),
  cases: z.object({
    opened: Count,
    openedByCause: z.object({ 'monthly-check': Count, reappraisal: Count, disaster: Count }),
    openAtEnd: Count,
    inRenovation: Count,
    overdue: Count,
    closed: Count,
    closedByMeasure: z.object({
      renovation: Count,
      rental: Count,
      replacement: Count,
      'public-housing': Count,
      relatives: Count,
    }),
  }),
  visits: z.object({ due: Count, done: Count, overdue: Count, notLivedIn: Count }),
});
export type MonitoringCounts = z.infer<typeof MonitoringCounts>;

export const MonitoringReport = z
  .object({
    county: z.string(),
    countyName: z.string().optional(),
    month: z.string(),
    /** The day the figures are counted at: today for the current month, the month's last day for a past one. */
    asOf: z.string(),
    generatedAt: z.string(),
    roster: z
      .object({ importedAt: z.string(), importedBy: z.string(), checksDueOn: z.string(), rowErrors: Count })
      .optional(),
    townships: z.array(MonitoringCounts.extend({ township: z.string(), name: z.string() })),
    total: MonitoringCounts,
  })
  .meta({ id: 'MonitoringReport' });
export type MonitoringReport = z.infer<typeof MonitoringReport>;

export function emptyCounts(): MonitoringCounts {
  return {
    roster: { size: 0, new: 0, changed: 0, left: 0 },
    checks: { onTime: 0, late: 0, open: 0, overdue: 0, reappraisals: 0, unsafe: 0, otherSafeHousing: 0, flagged: 0 },
    cases: {
      opened: 0,
      openedByCause: { 'monthly-check': 0, reappraisal: 0, disaster: 0 },
      openAtEnd: 0,
      inRenovation: 0,
      overdue: 0,
      closed: 0,
      closedByMeasure: { renovation: 0, rental: 0, replacement: 0, 'public-housing': 0, relatives: 0 },
    },
    visits: { due: 0, done: 0, overdue: 0, notLivedIn: 0 },
  };
}

function addInto(total: MonitoringCounts, part: MonitoringCounts): void {
  const add = (into: Record<string, unknown>, from: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(from)) {
      if (typeof value === 'number') into[key] = (into[key] as number) + value;
      else add(into[key] as Record<string, unknown>, value as Record<string, unknown>);
    }
  };
  add(total as unknown as Record<string, unknown>, part as unknown as Record<string, unknown>);
}

export interface ReportInput {
  county: string;
  countyName?: string | undefined;
  month: string;
  /** Today in China (`YYYY-MM-DD`). */
  today: string;
  generatedAt: string;
  townships: readonly { code: string; name: string }[];
  roster?: Roster | undefined;
  /** The checks of the month (the roster's and the re-appraisals asked for in it). */
  checks: readonly LedgerCheck[];
  /** The county's cases (any month: the report picks what concerns its month). */
  cases: readonly LedgerCase[];
  /** The county's follow-up visits (any due day: the report picks those due or made in its month). */
  visits: readonly FollowUpVisit[];
}

export function monitoringReport(input: ReportInput): MonitoringReport {
  const { first, last } = monthBounds(input.month);
  const asOf = input.today < last ? input.today : last;
  const byTownship = new Map<string, MonitoringCounts>();
  const countsOf = (township: string): MonitoringCounts => {
    let counts = byTownship.get(township);
    if (!counts) {
      counts = emptyCounts();
      byTownship.set(township, counts);
    }
    return counts;
  };
  for (const township of input.townships) countsOf(township.code);

  for (const check of input.checks) {
    const c = countsOf(check.township);
    if (check.kind === 'monthly') {
      c.roster.size += 1;
      if (check.change === 'new') c.roster.new += 1;
      if (check.change === 'changed') c.roster.changed += 1;
    } else {
      c.checks.reappraisals += 1;
    }
    if (check.status === 'open') {
      c.checks.open += 1;
      if (isOverdueOn(check.dueOn, asOf)) c.checks.overdue += 1;
      continue;
    }
    const result = check.result;
    if (!result) continue;
    if (check.kind === 'monthly') {
      if (result.onTime) c.checks.onTime += 1;
      else c.checks.late += 1;
    }
    if (result.unsafe) c.checks.unsafe += 1;
    if (result.housingType === 'other-safe-housing') c.checks.otherSafeHousing += 1;
    if (result.flags.length > 0) c.checks.flagged += 1;
  }
  for (const leaving of input.roster?.leaving ?? []) countsOf(leaving.township).roster.left += 1;

  for (const found of input.cases) {
    if (found.openedMonth > input.month) continue;
    const c = countsOf(found.township);
    if (found.openedMonth === input.month) {
      c.cases.opened += 1;
      c.cases.openedByCause[found.cause] += 1;
    }
    const closedMonth = found.closing?.closedMonth;
    if (closedMonth === input.month && found.closing) {
      c.cases.closed += 1;
      c.cases.closedByMeasure[found.closing.measure] += 1;
    }
    const openAtEnd = closedMonth === undefined || closedMonth > input.month;
    if (!openAtEnd) continue;
    c.cases.openAtEnd += 1;
    if (found.stage === 'renovation') c.cases.inRenovation += 1;
    // A stage owned by a person is overdue past its due day; a renovation's steps are overdue in the progress report.
    if (found.stage !== 'renovation' && found.stage !== 'closed' && isOverdueOn(found.dueOn, asOf)) {
      c.cases.overdue += 1;
    }
  }

  // A visit may be made up to a month before it falls due: one made this month counts whenever it was due.
  for (const visit of input.visits) {
    const c = countsOf(visit.township);
    const doneOn = visit.result?.visitedOn;
    if (visit.dueOn >= first && visit.dueOn <= last) c.visits.due += 1;
    if (doneOn !== undefined && monthOf(doneOn) === input.month) {
      c.visits.done += 1;
      if (visit.result && !visit.result.livedIn) c.visits.notLivedIn += 1;
    }
    if (visit.status === 'open' && isOverdueOn(visit.dueOn, asOf)) c.visits.overdue += 1;
  }

  const names = new Map(input.townships.map((t) => [t.code, t.name]));
  const townships = [...byTownship.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([township, counts]) => ({ township, name: names.get(township) ?? township, ...counts }));
  const total = emptyCounts();
  for (const row of townships) {
    const { township: _code, name: _name, ...counts } = row;
    addInto(total, counts);
  }
  return {
    county: input.county,
    ...(input.countyName ? { countyName: input.countyName } : {}),
    month: input.month,
    asOf,
    generatedAt: input.generatedAt,
    ...(input.roster
      ? {
          roster: {
            importedAt: input.roster.importedAt,
            importedBy: input.roster.importedBy,
            checksDueOn: input.roster.checksDueOn,
            rowErrors: input.roster.rowErrors.length,
          },
        }
      : {}),
    townships,
    total,
  };
}
