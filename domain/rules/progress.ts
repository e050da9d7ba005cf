/**
 * What the progress report counts (seed 004: quota, mode, site, floor area, status counts) as pure
 * functions, in two halves:
 * - `progressCells`: the counter cells one household adds to its township's running totals. They
 *   hold only facts of the household (phase, installment position, mode, site, area, spot check),
 *   so the totals can be kept with `ADD` in the transaction that changes the household and never
 *   need a rule of the program to be updated;
 * - `progressLine` / `progressStatus`: what the county reads, derived at report time from those
 *   totals and the program's installment plan (which milestone is "main structure finished").
 */
import { ACCEPTANCE_MILESTONE, AGREEMENT_MILESTONE } from '../funding/release';
import { type Household, PHASES, type Phase, type Role } from '../model';
import { overrideOf } from './flags';

/** Counter cells of one household: name -> amount (1 for a count, centi-m² for the floor area). */
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

export const cell = {
  registered: 'n',
  phase: (phase: Phase) => `p.${phase}`,
  position: (phase: Phase, nextInstallment: number) => `pi.${phase}.${nextInstallment}`,
  mode: (mode: string) => `mode.${mode}`,
  site: (site: string) => `site.${site}`,
  /** A centralized site (集中建房点) is counted per village: one point per village that has one. */
  point: (villageCode: string) => `pt.${villageCode}`,
  /** Floor area in centi-m² (integers add exactly). */
  area: 'area',
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

/** The floor area a renovation delivers: the planned area of a rebuild, the existing house for a repair. */
export function renovatedAreaM2(h: Pick<Household, 'mode' | 'plannedAreaM2' | 'house'>): number {
  return h.mode === 'rebuild' && h.plannedAreaM2 !== undefined ? h.plannedAreaM2 : h.house.areaM2;
}

export function progressCells(h: Household): ProgressCells {
  const cells: ProgressCells = { [cell.registered]: 1, [cell.phase(h.phase)]: 1 };
  if (CONSTRUCTION_PHASES.includes(h.phase)) cells[cell.position(h.phase, h.nextInstallment)] = 1;
  if (isApproved(h.phase)) {
    cells[cell.mode(h.mode ?? 'undecided')] = 1;
    cells[cell.site(h.site)] = 1;
    if (h.site === 'centralized') cells[cell.point(h.villageCode)] = 1;
    cells[cell.area] = Math.round(renovatedAreaM2(h) * 100);
  }
  if (h.spotCheck !== undefined) {
    cells[cell.countyDecided] = 1;
    if (h.spotCheck.visited) cells[cell.visited] = 1;
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

// ---------------------------------------------------------------- status (report time)

export const PROGRESS_STATUSES = [
  'in-review', // 审核审批中
  'in-notice', // 公示及异议处理
  'not-started', // 已批准未开工（待签协议）
  'under-construction', // 在建（按在建节点）
  'main-structure-finished', // 主体完工（装修中）
  'completed', // 竣工验收（入住）
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

/**
 * The status a household's phase and installment position mean. Waiting for installment `k`
 * (installment release) means its milestone passed; inspecting or accepting installment `k`
 * means the milestones before it passed. "Main structure finished" is the last inspected
 * milestone before the final acceptance (seed: 主体完工, then decoration). Under construction
 * names the milestone the works head for.
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

export interface StatusCounts {
  inReview: number;
  inNotice: number;
  notStarted: number;
  underConstruction: number;
  /** Under construction by the milestone the works head for. */
  underConstructionByMilestone: Record<string, number>;
  mainStructureFinished: number;
  completed: number;
  archived: number;
  rejected: number;
}

export interface ProgressFigures {
  registered: number;
  approved: number;
  quota: number;
  /** Quota minus approved; negative when more were approved than the quota. */
  quotaLeft: number;
  byPhase: Record<Phase, number>;
  byMode: { rebuild: number; repair: number };
  bySite: { centralized: number; centralizedPoints: number; dispersed: number };
  /** Floor area the approved renovations deliver (planned area of rebuilds, house area of repairs). */
  floorAreaM2: number;
  status: StatusCounts;
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

/** The figures of one township (or of the county, from summed cells) against its quota. */
export function progressFigures(
  cells: Readonly<ProgressCells>,
  plan: InstallmentMilestones,
  quota: number,
): ProgressFigures {
  const get = (name: string) => cells[name] ?? 0;
  const byPhase = Object.fromEntries(PHASES.map((phase) => [phase, get(cell.phase(phase))])) as Record<Phase, number>;
  const status: StatusCounts = {
    inReview: 0,
    inNotice: 0,
    notStarted: 0,
    underConstruction: 0,
    underConstructionByMilestone: Object.fromEntries(
      [...inspectedMilestones(plan), ACCEPTANCE_MILESTONE].map((m) => [m, 0]),
    ),
    mainStructureFinished: 0,
    completed: 0,
    archived: 0,
    rejected: 0,
  };
  const count = (phase: Phase, nextInstallment: number, n: number) => {
    if (n === 0) return;
    const { status: s, towards } = progressStatus(phase, nextInstallment, plan);
    status[STATUS_FIELD[s]] += n;
    if (towards !== undefined) {
      status.underConstructionByMilestone[towards] = (status.underConstructionByMilestone[towards] ?? 0) + n;
    }
  };
  for (const phase of PHASES) if (!CONSTRUCTION_PHASES.includes(phase)) count(phase, 0, byPhase[phase]);
  for (const [name, n] of Object.entries(cells)) {
    const match = /^pi\.([a-z-]+)\.(\d+)$/.exec(name);
    if (match?.[1] && match[2]) count(match[1] as Phase, Number(match[2]), n);
  }
  const approved = PHASES.filter(isApproved).reduce((sum, phase) => sum + byPhase[phase], 0);
  return {
    registered: get(cell.registered),
    approved,
    quota,
    quotaLeft: quota - approved,
    byPhase,
    byMode: { rebuild: get(cell.mode('rebuild')), repair: get(cell.mode('repair')) },
    bySite: {
      centralized: get(cell.site('centralized')),
      centralizedPoints: Object.entries(cells).filter(([name, n]) => name.startsWith('pt.') && n > 0).length,
      dispersed: get(cell.site('dispersed')),
    },
    floorAreaM2: get(cell.area) / 100,
    status,
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
  /** Milestones of the program's plan that `status.underConstructionByMilestone` names, with labels. */
  milestones: { milestone: string; label: string }[];
  townships: ProgressRow[];
  total: ProgressLine;
  /** The county's home visits (入户抽查) of township-reviewed files against the program's ratio. */
  spotCheck: SpotCheckCoverage;
}
