/**
 * What the progress report counts (seed 004: quota, mode, site, rooms, floor area, funds, the
 * status of the works) as pure functions, in two halves:
 * - `progressCells`: the counter cells one household adds to its township's running totals. They
 *   hold only facts of the household (phase, installment position, mode, site, rooms, area,
 *   money, dated works facts, spot check), so the totals can be kept with `ADD` in the transaction
 *   that changes the household and never need a rule of the program to be updated;
 * - `progressLine` / `progressStatus` / `worksFigures`: what the county reads, derived at report
 *   time from those totals and the program (its plans, its sites).
 *
 * The cells of an approved household are grouped by where it builds and how (`g.{site}.{mode}.…`,
 * the site `d` for dispersed, `c-{siteId}` for a named centralized site, `v-{village}` for a
 * centralized household of a program that names no sites), so the report can be cut by township,
 * by site, by centralized / dispersed and by mode from the same totals. Given a day, the cells are
 * those of the household as it stood that day (`asOf`): registered, approved and its works status
 * by their dates. Phase, installment position and spot check are only known as they are now.
 */
import { ACCEPTANCE_MILESTONE, AGREEMENT_MILESTONE } from '../funding/release';
import { GRADES, type Grade, type Household, type Mode, PHASES, type Phase, type Role } from '../model';
import { overrideOf } from './flags';
import { installmentPlanOf, type PlansOf } from './installments';
import type { YearEndFigures } from './report';
import { chinaDayOf, WORKS_STATUSES, type WorksStatus, worksStatusAsOf } from './works';

/** Counter cells of one household: name -> amount (1 for a count, centi-m² for the floor area, fen for money). */
export type ProgressCells = Record<string, number>;

/** Phases whose status depends on the installment position (`nextInstallment`). */
export const CONSTRUCTION_PHASES: readonly Phase[] = [
  'installment-release',
  'milestone-inspection',
  'final-acceptance',
];
const REVIEW_PHASES: readonly Phase[] = ['safety-appraisal', 'village-appraisal', 'township-review', 'county-approval'];
const NOTICE_PHASES: readonly Phase[] = ['public-notice', 'objection-review'];

/** Approved by the county and not rejected since: the households the renovation figures describe. */
export function isApproved(phase: Phase): boolean {
  return phase !== 'rejected' && PHASES.indexOf(phase) >= PHASES.indexOf('public-notice');
}

/** The mode of a group: rebuild, repair, or `undecided` for an approval stored without one. */
export type GroupMode = Mode | 'undecided';

/** Where an approved household builds, as a cell segment (no dots). */
export function siteKeyOf(h: Pick<Household, 'site' | 'siteId' | 'villageCode'>): string {
  if (h.site !== 'centralized') return 'd';
  return h.siteId !== undefined ? `c-${h.siteId}` : `v-${h.villageCode}`;
}

export const cell = {
  registered: 'n',
  phase: (phase: Phase) => `p.${phase}`,
  /** Installment position within the plan of the household's mode. */
  position: (mode: GroupMode, phase: Phase, nextInstallment: number) => `pi.${mode}.${phase}.${nextInstallment}`,
  /** A figure of the approved households that build at `site` in `mode`. */
  group: (site: string, mode: GroupMode, figure: string) => `g.${site}.${mode}.${figure}`,
  /** Approved households not accepted, by the agreement's planned finish day (overdue once it is past). */
  due: (day: string) => `due.${day}`,
  /** Files the county decided (approve, reject or send back) with its spot-check answer. */
  countyDecided: 'cc',
  /** ... of which the county visited the home (入户抽查). */
  visited: 'cv',
  /** Households with a flag nobody overrode (any level: the policy is applied when the report is read). */
  flagged: 'fl',
  /** Households with an override granted. */
  overridden: 'fo',
  /** Households with a flag of this kind nobody overrode. */
  flagKind: (kind: string) => `fk.${kind}`,
} as const;

/** The figures of a group (the last segment(s) of a `g.` cell). */
export const groupFigure = {
  households: 'n',
  rooms: 'rooms',
  /** Households whose rooms are not known (counted so a room total never hides them). */
  withoutRooms: 'norooms',
  /** Floor area in centi-m² (integers add exactly). */
  area: 'area',
  approvedSubsidy: 'sub',
  ownFunds: 'own',
  bankLoan: 'loan',
  works: (status: WorksStatus) => `w.${status}`,
  grade: (grade: Grade) => `gr.${grade}`,
} as const;

/** The floor area a renovation delivers: the planned area (fixed at approval for a rebuild), else the house as it stands. */
export function renovatedAreaM2(h: Pick<Household, 'plannedAreaM2' | 'house'>): number {
  return h.plannedAreaM2 ?? h.house.areaM2;
}

/** Rooms (间) of the renovated house: planned, or for a repair the house's own; undefined when not known. */
export function renovatedRooms(h: Pick<Household, 'mode' | 'plannedRooms' | 'house'>): number | undefined {
  return h.plannedRooms ?? (h.mode === 'rebuild' ? undefined : h.house.rooms);
}

/** The day the county approved the household (its notice began), when recorded. */
function approvedOnOf(h: Pick<Household, 'noticeStartsAt'>): string | undefined {
  return h.noticeStartsAt === undefined ? undefined : chinaDayOf(h.noticeStartsAt);
}

function approvedAsOf(h: Household, asOf: string | undefined): boolean {
  if (!isApproved(h.phase)) return false;
  if (asOf === undefined) return true;
  // Approved by then: on its recorded day, else (no day recorded) at least registered by then.
  const on = approvedOnOf(h) ?? chinaDayOf(h.createdAt);
  return on <= asOf;
}

/**
 * The cells of one household: as it is now, or, given `asOf` (a day), as it stood that day
 * (registration, approval and works by their dates; no phase, position or spot-check cells).
 */
export function progressCells(h: Household, asOf?: string): ProgressCells {
  const cells: ProgressCells = {};
  if (asOf === undefined) {
    cells[cell.registered] = 1;
    cells[cell.phase(h.phase)] = 1;
    if (CONSTRUCTION_PHASES.includes(h.phase))
      cells[cell.position(h.mode ?? 'undecided', h.phase, h.nextInstallment)] = 1;
    if (h.spotCheck !== undefined) {
      cells[cell.countyDecided] = 1;
      if (h.spotCheck.visited) cells[cell.visited] = 1;
    }
  } else if (chinaDayOf(h.createdAt) <= asOf) {
    cells[cell.registered] = 1;
  }
  if (approvedAsOf(h, asOf)) {
    const site = siteKeyOf(h);
    const mode: GroupMode = h.mode ?? 'undecided';
    const add = (figure: string, amount: number) => {
      if (amount !== 0) cells[cell.group(site, mode, figure)] = amount;
    };
    add(groupFigure.households, 1);
    const rooms = renovatedRooms(h);
    if (rooms === undefined) add(groupFigure.withoutRooms, 1);
    else add(groupFigure.rooms, rooms);
    add(groupFigure.area, Math.round(renovatedAreaM2(h) * 100));
    add(groupFigure.approvedSubsidy, h.approvedSubsidy ?? 0);
    add(groupFigure.ownFunds, h.ownFunds ?? 0);
    add(groupFigure.bankLoan, h.bankLoan ?? 0);
    const status = worksStatusAsOf(h, asOf);
    add(groupFigure.works(status), 1);
    if (h.grade !== undefined) add(groupFigure.grade(h.grade), 1);
    // Counted while not accepted; the report adds up the days already past.
    if (h.plannedFinishOn !== undefined && status !== 'completed' && status !== 'moved-in') {
      cells[cell.due(h.plannedFinishOn)] = 1;
    }
  }
  const open = (h.flags ?? []).filter((flag) => !overrideOf(flag, h.overrides ?? []));
  if (open.length > 0) cells[cell.flagged] = 1;
  for (const kind of new Set(open.map((flag) => flag.kind))) cells[cell.flagKind(kind)] = 1;
  if ((h.overrides ?? []).length > 0) cells[cell.overridden] = 1;
  return cells;
}

/** What to ADD to the running totals when a household changes from `before` (absent: new) to `after`. */
export function progressDelta(before: Household | undefined, after: Household): ProgressCells {
  const delta: ProgressCells = { ...progressCells(after) };
  for (const [name, amount] of Object.entries(before ? progressCells(before) : {})) {
    delta[name] = (delta[name] ?? 0) - amount;
  }
  for (const [name, amount] of Object.entries(delta)) if (amount === 0) delete delta[name];
  return delta;
}

/** Sums counter cells (households into a township, shards into one, townships into a county). */
export function addCells(into: ProgressCells, more: Readonly<ProgressCells>): ProgressCells {
  for (const [name, amount] of Object.entries(more)) into[name] = (into[name] ?? 0) + amount;
  return into;
}

/**
 * The cells of a report as of a past day: what only the present knows (phase, installment
 * position, spot check) from the current counters, the rest from the households as they stood.
 */
export function mergeAsOf(current: Readonly<ProgressCells>, asOf: Readonly<ProgressCells>): ProgressCells {
  const merged: ProgressCells = {};
  for (const [name, amount] of Object.entries(current)) {
    if (/^(p|pi)\./.test(name) || name === cell.countyDecided || name === cell.visited) merged[name] = amount;
  }
  return addCells(merged, asOf);
}

// ---------------------------------------------------------------- status (report time)

export const PROGRESS_STATUSES = [
  'in-review', // 审核审批中
  'in-notice', // 公示及异议处理
  'not-started', // 已批准未开工（待签协议）
  'under-construction', // 在建（按在建节点）
  'main-structure-finished', // 主体完工，尚未竣工验收
  'completed', // 竣工验收合格，尚未归档
  'archived', // 已归档
  'rejected', // 未通过
] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

export type InstallmentMilestones = { readonly installments: readonly { readonly milestone: string }[] };

/** The milestones inspected during the works (not the advance, not the final acceptance), in order. */
export function inspectedMilestones(plan: InstallmentMilestones): string[] {
  return plan.installments
    .map((i) => i.milestone)
    .filter((m) => m !== AGREEMENT_MILESTONE && m !== ACCEPTANCE_MILESTONE);
}

/** The inspected milestones of every plan of the program (its own and each mode's), in plan order. */
export function inspectedMilestonesOfProgram(program: PlansOf): string[] {
  const plans = [program.installments, program.installmentsByMode?.rebuild, program.installmentsByMode?.repair];
  const all: string[] = [];
  for (const plan of plans) {
    if (plan === undefined) continue;
    for (const milestone of inspectedMilestones({ installments: plan }))
      if (!all.includes(milestone)) all.push(milestone);
  }
  return all;
}

/**
 * The status a household's phase and installment position mean within its plan. Waiting for
 * installment `k` (installment release) means its milestone passed; inspecting or accepting
 * installment `k` means the milestones before it passed. "Main structure finished" is the last
 * inspected milestone before the final acceptance. Under construction names the milestone the
 * works head for.
 */
export function progressStatus(
  phase: Phase,
  nextInstallment: number,
  plan: InstallmentMilestones,
): { status: ProgressStatus; towards?: string } {
  if (phase === 'rejected') return { status: 'rejected' };
  if (phase === 'archived') return { status: 'archived' };
  if (phase === 'archiving') return { status: 'completed' };
  if (REVIEW_PHASES.includes(phase)) return { status: 'in-review' };
  if (NOTICE_PHASES.includes(phase)) return { status: 'in-notice' };
  if (phase === 'agreement') return { status: 'not-started' };
  const milestones = plan.installments.map((i) => i.milestone);
  const passedCount = phase === 'installment-release' ? nextInstallment + 1 : nextInstallment;
  const passed = milestones.slice(0, passedCount);
  if (passed.includes(ACCEPTANCE_MILESTONE)) return { status: 'completed' };
  const mainStructure = inspectedMilestones(plan).at(-1);
  if (mainStructure !== undefined && passed.includes(mainStructure)) return { status: 'main-structure-finished' };
  const towards = milestones.slice(passedCount).find((m) => m !== AGREEMENT_MILESTONE) ?? ACCEPTANCE_MILESTONE;
  return { status: 'under-construction', towards };
}

/** The pipeline of the program's households as they are now: each household in exactly one status. */
export interface StatusCounts {
  inReview: number;
  inNotice: number;
  notStarted: number;
  underConstruction: number;
  /** Under construction by the milestone the works head for. */
  underConstructionByMilestone: Record<string, number>;
  /** Main structure passed, final acceptance not yet (the cumulative 主体完工 is `works.mainStructureFinished`). */
  mainStructureFinished: number;
  completed: number;
  archived: number;
  rejected: number;
}

// ---------------------------------------------------------------- the works, in the seed's words

/** A group cell read back: where the households build, how, and which figure. */
export interface GroupCell {
  site: string;
  mode: GroupMode;
  figure: string;
}

export function parseGroupCell(name: string): GroupCell | undefined {
  const match = /^g\.([^.]+)\.(rebuild|repair|undecided)\.(.+)$/.exec(name);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { site: match[1], mode: match[2] as GroupMode, figure: match[3] };
}

export type GroupFilter = (group: { site: string; mode: GroupMode }) => boolean;

export const isCentralizedSite = (site: string) => site !== 'd';

/**
 * The approved households of a cut of the program (a township's cells, a site, centralized or
 * dispersed, a mode) and their works, as of the day the cells were taken.
 */
export interface WorksFigures {
  households: number;
  /** Rooms (间) of the renovated houses whose rooms are known. */
  rooms: number;
  householdsWithoutRooms: number;
  floorAreaM2: number;
  /** Sums of the households' approved subsidies, own funds (自筹) and bank loans, fen. */
  approvedSubsidy: number;
  ownFunds: number;
  bankLoan: number;
  /** Each household in exactly one status. */
  byStatus: Record<WorksStatus, number>;
  /** Cumulative 主体完工: main structure finished, whether decorating, completed or moved in since. */
  mainStructureFinished: number;
  /** Cumulative 竣工: accepted, whether moved in or not. */
  completed: number;
  byGrade: Partial<Record<Grade, number>>;
  byMode: Record<GroupMode, number>;
}

export function emptyWorks(): WorksFigures {
  return {
    households: 0,
    rooms: 0,
    householdsWithoutRooms: 0,
    floorAreaM2: 0,
    approvedSubsidy: 0,
    ownFunds: 0,
    bankLoan: 0,
    byStatus: Object.fromEntries(WORKS_STATUSES.map((s) => [s, 0])) as Record<WorksStatus, number>,
    mainStructureFinished: 0,
    completed: 0,
    byGrade: {},
    byMode: { rebuild: 0, repair: 0, undecided: 0 },
  };
}

const STATUS_OF_FIGURE = new Map(WORKS_STATUSES.map((status) => [groupFigure.works(status), status]));
const GRADE_OF_FIGURE = new Map(GRADES.map((grade) => [groupFigure.grade(grade), grade]));

/** The works figures of the groups `filter` keeps (all when absent). */
export function worksFigures(cells: Readonly<ProgressCells>, filter: GroupFilter = () => true): WorksFigures {
  const works = emptyWorks();
  let centiM2 = 0;
  for (const [name, amount] of Object.entries(cells)) {
    const group = parseGroupCell(name);
    if (group === undefined || !filter(group)) continue;
    const status = STATUS_OF_FIGURE.get(group.figure);
    const grade = GRADE_OF_FIGURE.get(group.figure);
    if (status !== undefined) works.byStatus[status] += amount;
    else if (grade !== undefined) works.byGrade[grade] = (works.byGrade[grade] ?? 0) + amount;
    else if (group.figure === groupFigure.households) {
      works.households += amount;
      works.byMode[group.mode] += amount;
    } else if (group.figure === groupFigure.rooms) works.rooms += amount;
    else if (group.figure === groupFigure.withoutRooms) works.householdsWithoutRooms += amount;
    else if (group.figure === groupFigure.area) centiM2 += amount;
    else if (group.figure === groupFigure.approvedSubsidy) works.approvedSubsidy += amount;
    else if (group.figure === groupFigure.ownFunds) works.ownFunds += amount;
    else if (group.figure === groupFigure.bankLoan) works.bankLoan += amount;
  }
  works.floorAreaM2 = centiM2 / 100;
  const s = works.byStatus;
  works.completed = s.completed + s['moved-in'];
  works.mainStructureFinished = s['main-structure-finished'] + s.decorating + works.completed;
  return works;
}

/** The centralized sites with approved households among the cells (named sites and village points). */
export function centralizedSitesIn(cells: Readonly<ProgressCells>): string[] {
  const sites = new Set<string>();
  for (const [name, amount] of Object.entries(cells)) {
    const group = parseGroupCell(name);
    if (group && group.figure === groupFigure.households && isCentralizedSite(group.site) && amount > 0) {
      sites.add(group.site);
    }
  }
  return [...sites].sort();
}

/** Approved households not accepted by the agreement's planned finish, on `asOf`. */
export function overduePastPlannedFinish(cells: Readonly<ProgressCells>, asOf: string): number {
  let overdue = 0;
  for (const [name, amount] of Object.entries(cells)) {
    if (name.startsWith('due.') && name.slice(4) < asOf) overdue += amount;
  }
  return overdue;
}

export interface ProgressFigures {
  registered: number;
  approved: number;
  quota: number;
  /** Quota minus approved; negative when more were approved than the quota. */
  quotaLeft: number;
  byPhase: Record<Phase, number>;
  byMode: { rebuild: number; repair: number };
  /** Centralized households, their sites (named, or a village's households when the program names none), dispersed. */
  bySite: { centralized: number; centralizedPoints: number; dispersed: number };
  /** Floor area the approved renovations deliver (planned area, else the house as it stands). */
  floorAreaM2: number;
  status: StatusCounts;
  /** The approved households' works in the seed's words, with rooms, area and money. */
  works: WorksFigures;
  centralized: WorksFigures;
  dispersed: WorksFigures;
  /** Approved households not accepted by the agreement's planned finish. */
  pastPlannedFinish: number;
  spotCheck: { decidedByCounty: number; visited: number };
  /** Households with flags nobody overrode, with overrides, and per kind (flags and overrides per township). */
  flags: { flagged: number; overridden: number; byKind: Record<string, number> };
}

const STATUS_FIELD: Record<ProgressStatus, Exclude<keyof StatusCounts, 'underConstructionByMilestone'>> = {
  'in-review': 'inReview',
  'in-notice': 'inNotice',
  'not-started': 'notStarted',
  'under-construction': 'underConstruction',
  'main-structure-finished': 'mainStructureFinished',
  completed: 'completed',
  archived: 'archived',
  rejected: 'rejected',
};

const POSITION = /^pi\.(?:(rebuild|repair|undecided)\.)?([a-z-]+)\.(\d+)$/;

/**
 * The figures of one township (or of the county, from summed cells) against its quota, on `asOf`
 * (the day the cells describe; it decides which planned finishes are past, none when absent).
 */
export function progressFigures(
  cells: Readonly<ProgressCells>,
  program: PlansOf,
  quota: number,
  asOf?: string,
): ProgressFigures {
  const get = (name: string) => cells[name] ?? 0;
  const byPhase = Object.fromEntries(PHASES.map((phase) => [phase, get(cell.phase(phase))])) as Record<Phase, number>;
  const status: StatusCounts = {
    inReview: 0,
    inNotice: 0,
    notStarted: 0,
    underConstruction: 0,
    underConstructionByMilestone: Object.fromEntries(
      [...inspectedMilestonesOfProgram(program), ACCEPTANCE_MILESTONE].map((m) => [m, 0]),
    ),
    mainStructureFinished: 0,
    completed: 0,
    archived: 0,
    rejected: 0,
  };
  const count = (phase: Phase, nextInstallment: number, plan: InstallmentMilestones, n: number) => {
    if (n === 0) return;
    const { status: s, towards } = progressStatus(phase, nextInstallment, plan);
    status[STATUS_FIELD[s]] += n;
    if (towards !== undefined) {
      status.underConstructionByMilestone[towards] = (status.underConstructionByMilestone[towards] ?? 0) + n;
    }
  };
  for (const phase of PHASES) {
    if (!CONSTRUCTION_PHASES.includes(phase)) count(phase, 0, program, byPhase[phase]);
  }
  for (const [name, n] of Object.entries(cells)) {
    const match = POSITION.exec(name);
    if (!match?.[2] || !match[3]) continue;
    const mode = match[1] === 'rebuild' || match[1] === 'repair' ? match[1] : undefined;
    count(match[2] as Phase, Number(match[3]), { installments: installmentPlanOf(program, mode) }, n);
  }
  const works = worksFigures(cells);
  const centralized = worksFigures(cells, (g) => isCentralizedSite(g.site));
  const dispersed = worksFigures(cells, (g) => !isCentralizedSite(g.site));
  return {
    registered: get(cell.registered),
    approved: works.households,
    quota,
    quotaLeft: quota - works.households,
    byPhase,
    byMode: { rebuild: works.byMode.rebuild, repair: works.byMode.repair },
    bySite: {
      centralized: centralized.households,
      centralizedPoints: centralizedSitesIn(cells).length,
      dispersed: dispersed.households,
    },
    floorAreaM2: works.floorAreaM2,
    status,
    works,
    centralized,
    dispersed,
    pastPlannedFinish: asOf === undefined ? 0 : overduePastPlannedFinish(cells, asOf),
    spotCheck: { decidedByCounty: get(cell.countyDecided), visited: get(cell.visited) },
    flags: {
      flagged: get(cell.flagged),
      overridden: get(cell.overridden),
      byKind: Object.fromEntries(
        Object.entries(cells)
          .filter(([name, n]) => name.startsWith('fk.') && n > 0)
          .map(([name, n]) => [name.slice(3), n]),
      ),
    },
  };
}

export interface SpotCheckCoverage {
  /** The program's required share (seed: at least 50%). */
  requiredRatio: number;
  /** Township-reviewed files the county has decided. */
  decided: number;
  visited: number;
  /** visited / decided; null before the county decided any file. */
  coverage: number | null;
  requiredVisits: number;
  /** Home visits missing to reach the required share (0 when met). */
  shortfall: number;
  met: boolean;
}

/** The county's spot-check coverage of township-reviewed files (县级入户抽查比例) against the program's ratio. */
export function spotCheckCoverage(decided: number, visited: number, requiredRatio: number): SpotCheckCoverage {
  // A tiny epsilon keeps 0.5 * 10 at 5 instead of ceil(5.000000001) = 6.
  const requiredVisits = Math.ceil(requiredRatio * decided - 1e-9);
  const shortfall = Math.max(0, requiredVisits - visited);
  return {
    requiredRatio,
    decided,
    visited,
    coverage: decided === 0 ? null : visited / decided,
    requiredVisits,
    shortfall,
    met: shortfall === 0,
  };
}

/** Overdue open steps, in total and by the role that owns them. */
export interface Overdue {
  total: number;
  byRole: Partial<Record<Role, number>>;
}

/** One line of the progress report: a township's (or the county's) figures and overdue steps. */
export interface ProgressLine extends ProgressFigures {
  /** Households in the construction phases (installment release, milestone inspection, acceptance). */
  underConstruction: number;
  archived: number;
  rejected: number;
  overdue: Overdue;
}

export interface ProgressRow extends ProgressLine {
  township: string;
  name: string;
}

/** `GET /reports/progress`: the shape the API answers and the console reads. */
export interface ProgressReport {
  county: string;
  programId: string;
  programName: string;
  generatedAt: string;
  /**
   * The day (China) the figures describe: registered, approved, rooms, area, money and the works
   * statuses are as they stood at its end. Phases, installment positions, spot checks and overdue
   * steps are as they are when the report is generated.
   */
  asOf: string;
  /** Milestones of the program's plans that `status.underConstructionByMilestone` names, with labels. */
  milestones: { milestone: string; label: string }[];
  /** Every township, or only the one the report is limited to (`yearEnd.township`). */
  townships: ProgressRow[];
  total: ProgressLine;
  /** The county's home visits (入户抽查) of township-reviewed files against the program's ratio. */
  spotCheck: SpotCheckCoverage;
  /** The seed's year-end figures: centralized sites and dispersed households by mode, each site, money by source. */
  yearEnd: YearEndFigures;
  /** The report's paragraph in the seed's words ("……截至12月30日，……"). */
  text: string;
}
